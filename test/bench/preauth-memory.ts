/**
 * Memory an edge spends on unauthenticated agent sockets: 30 of them (from 30 loopback addresses)
 * each send a 7 MiB frame; prints the edge process RSS before and after. `npx tsx test/bench/preauth-memory.ts`
 */
import { spawn } from 'node:child_process';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientFrame, rawUpgrade } from '../support/raw-websocket.ts';
const env: Record<string, string> = { PATH: process.env.PATH!, HOME: process.env.HOME!, BZ_DB: join(mkdtempSync(join(tmpdir(), 'bz-rss-')), 'bz.db'), BZ_PORT: '0', BZ_DOH: 'http://127.0.0.1:9/dns-query' };
const child = spawn(process.execPath, [join(import.meta.dirname, '../../bin/bouncezero.js'), 'edge'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
let err = '';
child.stderr.on('data', (c) => (err += c));
while (!/agents: (\S+)\)/.test(err)) await new Promise((r) => setTimeout(r, 50));
const agentUrl = /agents: (\S+)\)/.exec(err)![1]!;
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024;
const before = rss();
const sockets = await Promise.all(Array.from({ length: 30 }, (_, i) => rawUpgrade(agentUrl, { localAddress: `127.0.1.${i + 1}` })));
const frame = clientFrame(0x1, Buffer.alloc(7 * 1024 * 1024, 0x61));
for (const s of sockets) s.socket.write(frame);
await new Promise((r) => setTimeout(r, 3000));
console.log(`30 unauthenticated sockets each sending a 7 MiB frame: edge RSS ${before.toFixed(0)} MB -> ${rss().toFixed(0)} MB; statuses ${[...new Set(sockets.map((s) => s.status))].join(',')}; still alive: ${child.exitCode === null}`);
child.kill('SIGKILL');
process.exit(0);
