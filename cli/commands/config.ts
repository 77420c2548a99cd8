import { settingErrors, settingGroups } from '../settings.ts';

/** `bouncezero config`: the effective settings from the environment, secrets masked. */
export async function run(): Promise<number> {
  const errors = settingErrors(process.env);
  if (errors.length > 0) {
    process.stderr.write(`${errors.join('\n')}\n`);
    return 2;
  }
  process.stdout.write(configText(process.env));
  return 0;
}

/** One line per setting: NAME=value, and whether it is the default. */
export function configText(env: Record<string, string | undefined>): string {
  const groups = settingGroups(env);
  const width = Math.max(...groups.flatMap((g) => g.rows.map((r) => r.name.length + r.value.length + 1)));
  return groups
    .map(({ title, rows }) => [`# ${title}`, ...rows.map((r) => `${`${r.name}=${r.value}`.padEnd(width)}  ${r.set ? '(set)' : '(default)'}`)].join('\n'))
    .join('\n\n')
    .concat('\n');
}
