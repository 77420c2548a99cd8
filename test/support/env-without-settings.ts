/** The parent's environment without any BZ_* setting: a child process sees only the settings its test gives it. */
export function envWithoutSettings(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('BZ_') && v !== undefined) env[k] = v;
  return env;
}
