import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import type { ProberOptions } from './commands/prober.ts';
import { FORMATS, parseVerdicts } from './result-format.ts';

/** Exit codes, documented in the README and in `bouncezero --help`. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

const EXIT_HELP = `
Exit codes: 0 done; 1 the command ran and something failed (an address that could not be
verified or matched --fail-on, a failed self-check, a name or database not found, a busy port);
2 a usage mistake or an invalid BZ_* setting. Settings: \`bouncezero config\`.`;

function positiveInt(raw: string): number {
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > 10_000) throw new InvalidArgumentError('expected a whole number from 1 to 10000');
  return n;
}

/** --max-wait: seconds, as POST /v1/jobs?max_wait takes them. */
function seconds(raw: string): number {
  const n = /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
  if (!(n <= 86_400)) throw new InvalidArgumentError('expected a whole number of seconds from 0 to 86400');
  return n;
}

function verdicts(raw: string): string[] {
  try {
    return parseVerdicts(raw);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/**
 * The `bouncezero` command line (commander): every command and subcommand has --help, the
 * program has --version and `help`. Actions load their module lazily, so `verify --syntax-only`
 * does not pay for the edge's start-up; each returns its exit code through `exit`.
 */
export function buildProgram(exit: (code: number) => void): Command {
  const done = (run: () => Promise<number>) => async () => exit(await run());
  const program = new Command('bouncezero')
    .description('Will this address hard-bounce? Verifies email addresses without sending mail.')
    .version(pkg.version, '-V, --version')
    .addHelpText('after', EXIT_HELP)
    .showHelpAfterError('(add --help for usage)')
    // `prober doctor --edge …`: options after a subcommand belong to it, not to its parent.
    .enablePositionalOptions();

  program
    .command('start')
    .description('edge + an embedded prober + SQLite: the one-command default')
    .option('--capacity <n>', 'tasks the embedded prober runs at once (default: follows memory)', positiveInt)
    .action(async (o: { capacity?: number }) => exit(await (await import('./commands/start.ts')).run(o)));

  program
    .command('edge')
    .description('the edge alone (HTTP API, web page, agent hub); probers connect from elsewhere')
    .action(done(async () => (await import('./commands/edge.ts')).run()));

  // Options a prober needs; the doctor's are required by commander, the parent's checked in its
  // action (commander would demand a parent's required options of `prober doctor` too).
  const proberOptions = (c: Command, required: boolean) =>
    c[required ? 'requiredOption' : 'option']('--edge <url>', "the edge's agent endpoint, e.g. wss://edge.example.com/v1/agents/ws")
      [required ? 'requiredOption' : 'option']('--id <id>', 'the agent id printed by `bouncezero agent add`')
      [required ? 'requiredOption' : 'option']('--secret-file <file>', 'a file holding the secret printed by `bouncezero agent add` (never pass it inline)')
      .option('--ca <file>', 'PEM certificate to trust for a wss:// edge with its own certificate');
  const prober: Command = proberOptions(program.command('prober').description('a prober agent: dials MX hosts for an edge').enablePositionalOptions(), false)
    .option('--capacity <n>', 'tasks run at once (default: follows memory)', positiveInt)
    .action(async (o: { edge?: string; id?: string; secretFile?: string }) => {
      const missing = (['edge', 'id', 'secretFile'] as const).find((k) => o[k] === undefined);
      if (missing) prober.error(`error: required option '--${missing === 'secretFile' ? 'secret-file' : missing}' not specified`);
      exit(await (await import('./commands/prober.ts')).run(o as ProberOptions, false));
    });
  proberOptions(prober.command('doctor').description("connect, print the prober's self-check (port 25, FCrDNS, blocklists), exit"), true).action(async (o: ProberOptions) =>
    exit(await (await import('./commands/prober.ts')).run(o, true)),
  );

  const agent = program.command('agent').description('prober agents allowed to connect (in the store at BZ_DB)');
  agent.command('add <name>').description('enroll a prober; prints its id and secret once').action(async (name: string) => exit(await (await import('./commands/agent.ts')).add(name)));
  agent.command('revoke <name>').description('stop accepting a prober; a running edge drops it within seconds').action(async (name: string) => exit(await (await import('./commands/agent.ts')).revoke(name)));
  agent.command('list').description('the agents, active or revoked').action(done(async () => (await import('./commands/agent.ts')).list()));

  const key = program.command('key').description('API keys (in the store at BZ_DB)');
  key
    .command('add <name>')
    .description('create an API key (printed once; only its hash is stored)')
    .option('--scope <list>', 'comma list of scopes (see `key add --help` below the defaults)')
    .action(async (name: string, o: { scope?: string }) => exit(await (await import('./commands/key.ts')).run(['add', name, ...(o.scope !== undefined ? ['--scope', o.scope] : [])])));
  key.command('list').description('the keys, with a hint and the scopes of each (never the key)').action(done(async () => (await import('./commands/key.ts')).run(['list'])));
  key.command('revoke <name>').description('stop accepting the named key').action(async (name: string) => exit(await (await import('./commands/key.ts')).run(['revoke', name])));

  program
    .command('breach')
    .description('local breach feeds')
    .command('import <file>')
    .description('one entry a line: a hex SHA-256 of a lower-cased address, or an address (hashed before it is stored); # starts a comment')
    .option('--source <name>', 'the feed name (default: the file name)')
    .action(async (file: string, o: { source?: string }) => exit(await (await import('./commands/breach.ts')).run(file, o)));

  program
    .command('forget <email>')
    .description('erase one address from every table of BZ_DB: job rows of every job, cached result, outcomes, breach feed')
    .action(async (email: string) => exit(await (await import('./commands/forget.ts')).run(email)));

  program
    .command('model')
    .description('learning from outcomes')
    .command('train')
    .description('retrain from reported outcomes; prints held-out accuracy and calibration')
    .action(done(async () => (await import('./commands/model.ts')).run()));

  program
    .command('config')
    .description('print every BZ_* setting in effect (secrets masked)')
    .action(done(async () => (await import('./commands/config.ts')).run()));

  program
    .command('verify')
    .description('verify addresses: through an edge, offline for syntax alone, or a CSV file as a bulk job')
    .argument('[email...]', 'addresses; with --syntax-only, none or - reads one a line from stdin')
    .option('--syntax-only', 'check the RFC 5321 syntax only, offline')
    .option('--edge <url>', 'the edge to ask (default BZ_EDGE)')
    .option('--key <key>', 'API key for the edge (default BZ_API_KEY)')
    .option('--file <in.csv>', 'verify a CSV file as a bulk job (without --edge: an embedded edge and prober on BZ_DB)')
    .option('--out <out.csv>', 'where --file writes the input columns plus the results')
    .option('--column <name>', 'the CSV column holding the address (default: found by its header)')
    .option('--max-wait <seconds>', 'with --file: how long an address may wait for retries after its first "try later" (default: the edge\'s, 900)', seconds)
    .addOption(new Option('--format <format>', 'how address results print').choices(FORMATS).default(undefined, 'json, one result a line'))
    .option('--fail-on <verdicts>', 'exit 1 when a result has one of these verdicts, e.g. undeliverable,risky', verdicts)
    .action(async (emails: string[], o) => exit(await (await import('./commands/verify.ts')).run(emails, o)));

  return program;
}

/** Where help and parse errors go: the terminal, or a test. */
export interface CliOutput {
  writeOut(text: string): void;
  writeErr(text: string): void;
}

/** Every (sub)command: a parse error is exit code 2 with a hint. */
function configure(command: Command, output?: CliOutput): void {
  command.exitOverride().showHelpAfterError('(add --help for usage)');
  if (output) command.configureOutput(output);
  for (const sub of command.commands) configure(sub, output);
}

/** Runs the command line; resolves the exit code (errors and help included). */
export async function runCli(argv: string[], output?: CliOutput): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram((c) => (code = c));
  configure(program, output);
  // A bare `bouncezero` or a group without its subcommand shows the help, as an error (exit 2).
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  return code;
}
