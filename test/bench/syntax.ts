import { checkSyntax } from '../../edge/syntax/index.ts';

/**
 * Stage 1 throughput on one core: `npx tsx test/bench/syntax.ts`. The mix leans on what real
 * lists hold: provider and company addresses, tags, a few typos, IDNs, quoted and broken ones.
 */
const MIX = [
  'john.smith@gmail.com',
  'jane_doe+newsletter@yahoo.com',
  'support@acme-corp.com',
  'Mixed.Case@Example.COM',
  'first.last@sub.mail.company.co.uk',
  'user@hotmial.com',
  'a.b.c.d@outlook.com',
  'sales@my-startup.io',
  'noreply@notifications.example.org',
  'x@t.co',
  'person123@web.de',
  'someone@mailinator.com',
  'info@bücher.de',
  'josé@example.com',
  '"quoted name"@example.com',
  'postmaster@[192.0.2.1]',
  'invalid..dots@example.com',
  'no-at-sign.example.com',
  'trailing@example.com.',
  'user@gmail.con',
];
const ROUNDS = 10;
const PER_ROUND = 1_000_000;

function run(n: number): number {
  let valid = 0;
  for (let i = 0; i < n; i++) if (checkSyntax(MIX[i % MIX.length]!).valid) valid++;
  return valid;
}

run(200_000); // warm up the JIT
const rates: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const start = performance.now();
  run(PER_ROUND);
  rates.push(PER_ROUND / ((performance.now() - start) / 1000));
}
rates.sort((a, b) => a - b);
const median = rates[Math.floor(rates.length / 2)]!;
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
console.log(`syntax: ${fmt(median)} addresses/s (median of ${ROUNDS} rounds of ${fmt(PER_ROUND)}; best ${fmt(rates.at(-1)!)}, worst ${fmt(rates[0]!)})`);
