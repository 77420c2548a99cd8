import type { Verdict } from '../protocol/index.ts';
import { httpUrl } from '../protocol/settings/index.ts';
import { EdgeClient } from './edge-client.ts';
import { startEmbeddedEdge, type EdgeTarget } from './embedded-edge.ts';
import { resultLines, type Format } from './result-format.ts';
import { verifyFile } from './verify-file.ts';

export interface VerifyEdgeOptions {
  emails: string[];
  file?: string;
  out?: string;
  edge?: string;
  key?: string;
  column?: string;
  maxWait?: number;
  format?: Format;
  failOn?: readonly Verdict[];
}

interface Io {
  env: Record<string, string | undefined>;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

/**
 * The full-verification paths of `bouncezero verify`: through an edge given (--edge or BZ_EDGE),
 * or, for a file, an embedded edge and prober on the BZ_DB store. Exit codes: 0 all answered,
 * 1 an address failed or matched --fail-on, 2 a usage mistake.
 */
export async function runVerifyEdge(o: VerifyEdgeOptions, io: Io): Promise<number> {
  const usage = (message: string) => {
    io.stderr.write(`${message} (bouncezero verify --help)\n`);
    return 2;
  };
  const byFile = o.file !== undefined;
  if (byFile && (o.out === undefined || o.emails.length > 0)) return usage('--file needs --out and no addresses');
  if (!byFile && o.out !== undefined) return usage('--out goes with --file');
  if (!byFile && o.emails.length === 0) return usage('give addresses, or --file in.csv --out out.csv');
  if (byFile && (o.format !== undefined || o.failOn !== undefined)) return usage('--file writes CSV to --out; --format and --fail-on are for addresses');
  const edgeUrl = o.edge ?? io.env.BZ_EDGE;
  if (edgeUrl !== undefined && httpUrl(edgeUrl) !== null) return usage(`--edge (or BZ_EDGE) must be an http(s) URL, got "${edgeUrl}"`);
  if (!edgeUrl && !byFile) {
    io.stderr.write(
      'full verification (DNS and SMTP) needs a running edge: pass --edge URL --key KEY (or set BZ_EDGE and BZ_API_KEY),\n' +
        'start one with `bouncezero start`; for an offline check of the syntax alone, use `bouncezero verify --syntax-only <email…>`.\n',
    );
    return 2;
  }
  let target: EdgeTarget;
  if (edgeUrl) {
    target = { url: edgeUrl, key: o.key ?? io.env.BZ_API_KEY ?? '', close: async () => {} };
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
    if (byFile) return await verifyFile(client, o.file!, o.out!, { stderr: io.stderr }, { ...(o.column ? { column: o.column } : {}), ...(o.maxWait === undefined ? {} : { maxWait: o.maxWait }) });
    const lines = resultLines(o.format ?? 'json');
    io.stdout.write(lines.header());
    let failed = 0;
    for (const email of o.emails) {
      const answer = await client.verify(email);
      if (!answer.ok) {
        failed++;
        io.stderr.write(`${email}: ${answer.error}\n`);
        continue;
      }
      io.stdout.write(lines.line(answer.json));
      const verdict = (answer.json as { verdict?: Verdict }).verdict;
      if (verdict !== undefined && o.failOn?.includes(verdict)) failed++;
    }
    return failed > 0 ? 1 : 0;
  } finally {
    await target.close();
  }
}
