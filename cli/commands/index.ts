export interface Command {
  summary: string;
  /** Returns the process exit code; user mistakes print a message and return non-zero, never throw. */
  run(args: string[]): Promise<number>;
}

/** Commands load lazily so `bouncezero verify --syntax-only` does not pay for the edge's start-up. */
function lazy(summary: string, load: () => Promise<{ run: Command['run'] }>): Command {
  return { summary, run: async (args) => (await load()).run(args) };
}

export const COMMANDS: Record<string, Command> = {
  key: lazy('API keys: key add NAME | key list | key revoke NAME', () => import('./key.ts')),
  start: lazy('edge + an embedded prober + SQLite, the one-command default: start [--capacity N]', () => import('./start.ts')),
  edge: lazy('the edge alone (HTTP API, agent hub); settings from BZ_* variables', () => import('./edge.ts')),
  prober: lazy('a prober agent: prober --edge URL --id ID --secret-file FILE [--capacity N] | prober doctor …', () => import('./prober.ts')),
  agent: lazy('prober agents: agent add NAME | agent revoke NAME | agent list', () => import('./agent.ts')),
  breach: lazy('local breach feeds: breach import FILE [--source NAME]', () => import('./breach.ts')),
  model: lazy('learning from outcomes: model train', () => import('./model.ts')),
  config: lazy('print every BZ_* setting in effect (secrets masked)', () => import('./config.ts')),
  verify: lazy('verify addresses: verify [--syntax-only] <email…> | verify --file in.csv --out out.csv', () => import('./verify.ts')),
};
