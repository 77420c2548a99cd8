import { COMMANDS } from './commands/index.ts';

/** `bouncezero <command> [args…]`: each command lives in cli/commands/ and owns its own flags. */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    const list = Object.entries(COMMANDS)
      .map(([n, c]) => `  ${n.padEnd(10)} ${c.summary}`)
      .join('\n');
    process.stderr.write(`${name ? `unknown command: ${name}\n` : ''}usage: bouncezero <command> [options]\n\n${list}\n`);
    return 2;
  }
  return command.run(rest);
}

process.exitCode = await main(process.argv.slice(2));
