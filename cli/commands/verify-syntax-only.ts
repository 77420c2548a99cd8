import type { Writable } from 'node:stream';
import { syntaxOnlyResult } from '../../edge/syntax/index.ts';
import type { Clock } from '../../protocol/index.ts';

/**
 * `verify --syntax-only`: one JSON result per address per line, written as each address
 * arrives and paced by the output (a slow reader slows the reading, nothing piles up). Empty
 * lines are skipped. Stops quietly when the reader goes away (`| head`).
 */
export async function verifySyntaxOnly(addresses: AsyncIterable<string> | Iterable<string>, out: Writable, clock: Clock): Promise<number> {
  let closed = false;
  const onError = () => {
    closed = true;
  };
  out.on('error', onError);
  try {
    for await (const email of addresses) {
      if (closed) break;
      if (email === '') continue;
      if (!out.write(`${JSON.stringify(syntaxOnlyResult(email, clock))}\n`)) await drained(out);
    }
  } finally {
    out.off('error', onError);
  }
  return 0;
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
