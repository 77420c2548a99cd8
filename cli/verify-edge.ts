import { parseArgs } from 'node:util';
import { EdgeClient } from './edge-client.ts';
import { startEmbeddedEdge, type EdgeTarget } from './embedded-edge.ts';
import { verifyFile } from './verify-file.ts';

export const VERIFY_EDGE_USAGE = `usage: bouncezero verify --edge URL [--key KEY] <email>…
       bouncezero verify [--edge URL --key KEY] --file in.csv --out out.csv [--column NAME]

--edge defaults to BZ_EDGE. For a file without an edge, an edge and a prober start in this
process on the BZ_DB store (as \`bouncezero start\` would).
--key defaults to BZ_API_KEY. Addresses print one JSON result per line; a file runs as a bulk
job with a progress bar on stderr, and out.csv gets the input columns plus normalized, verdict,
reason, score, the reason in words, the suggestion, the flags, catch-all, MX host and SMTP codes.
`;

interface Io {
  env: Record<string, string | undefined>;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

/** The full-verification paths of `bouncezero verify`: through an edge given, or an embedded one. */
export async function runVerifyEdge(args: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { file: { type: 'string' }, out: { type: 'string' }, edge: { type: 'string' }, key: { type: 'string' }, column: { type: 'string' } },
    });
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n${VERIFY_EDGE_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const byFile = values.file !== undefined;
  if (byFile ? !values.out || positionals.length > 0 : positionals.length === 0 || values.out !== undefined) {
    io.stderr.write(VERIFY_EDGE_USAGE);
    return 2;
  }
  const edgeUrl = values.edge ?? io.env.BZ_EDGE;
  if (!edgeUrl && !byFile) {
    io.stderr.write(
      'full verification (DNS and SMTP) needs a running edge: pass --edge URL --key KEY (or set BZ_EDGE and BZ_API_KEY),\n' +
        'start one with `bouncezero start`; for an offline check of the syntax alone, use `bouncezero verify --syntax-only <email…>`.\n',
    );
    return 2;
  }
  let target: EdgeTarget;
  if (edgeUrl) {
    target = { url: edgeUrl, key: values.key ?? io.env.BZ_API_KEY ?? '', close: async () => {} };
  } else {
    const started = await startEmbeddedEdge(io.env);
    if (!started.ok) {
      io.stderr.write(`${started.error}\n`);
      return 2;
    }
    target = started.target;
  }
  const client = new EdgeClient(target.url, target.key || undefined);
  try {
    if (byFile) return await verifyFile(client, values.file as string, values.out as string, { stderr: io.stderr }, values.column);
    let failed = 0;
    for (const email of positionals) {
      const answer = await client.verify(email);
      if (answer.ok) io.stdout.write(`${JSON.stringify(answer.json)}\n`);
      else {
        failed++;
        io.stderr.write(`${email}: ${answer.error}\n`);
      }
    }
    return failed > 0 ? 1 : 0;
  } finally {
    await target.close();
  }
}
