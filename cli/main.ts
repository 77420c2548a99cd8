import { EXIT, runCli } from './program.ts';

/** `bouncezero <command> [options]`; an unexpected failure is one line, never a stack trace. */
process.exitCode = await runCli(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`bouncezero: ${error instanceof Error ? error.message : String(error)}\n`);
  return EXIT.failed;
});
