import type { Writable } from 'node:stream';
import { syntaxOnlyResult } from '../../edge/syntax/index.ts';
import type { Clock, Verdict } from '../../protocol/index.ts';
import { resultLines, type Format } from '../result-format.ts';

/**
 * `verify --syntax-only`: one JSON result per address per line, written as each address
 * arrives and paced by the output (a slow reader slows the reading, nothing piles up). Empty
 * lines are skipped. Stops quietly when the reader goes away (`| head`). Exit code 1 when a
 * verdict in `failOn` came up.
 */
export async function verifySyntaxOnly(
  addresses: AsyncIterable<string> | Iterable<string>,
  out: Writable,
  clock: Clock,
  options: { format?: Format; failOn?: readonly Verdict[] } = {},
): Promise<number> {
  const lines = resultLines(options.format ?? 'json');
  let failed = false;
  let closed = false;
  const onError = () => {
    closed = true;
  };
  out.on('error', onError);
  try {
    const header = lines.header();
    if (header !== '') out.write(header);
    for await (const email of addresses) {
      if (closed) break;
      if (email === '') continue;
      const result = syntaxOnlyResult(email, clock);
      if (options.failOn?.includes(result.verdict)) failed = true;
      if (!out.write(lines.line(result))) await drained(out);
    }
  } finally {
    out.off('error', onError);
  }
  return failed ? 1 : 0;
}

function drained(out: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('error', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('error', done);
    out.on('close', done);
  });
}
