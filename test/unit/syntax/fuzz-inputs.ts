/**
 * Deterministic hostile inputs for the syntax fuzz and linearity tests: a seed reproduces
 * every string, so a failure names the case that broke.
 */

export { mulberry32 as seededRandom } from '../../support/mulberry32.ts';

/** The pieces the grammar cares about, plus every kind of trouble: controls, surrogates, look-alikes. */
export const PIECES = [
  'a', 'Z', '0', '9', '-', '_', '+', '.', '@', '"', '\\', '[', ']', ':', ' ', '(', ')', ',', ';', '<', '>',
  'x', 'n', 'xn--', 'IPv6:', '::', '1.2.3.4', 'ffff', '255', '256', '.com', 'gmail', 'gmial', '.con',
  '\t', '\r', '\n', '\r\n', '\0', '\x7f', '\x85', '\u00a0', '\u00ad', '\u200d', '\u3000',
  'é', 'ü', 'ß', 'δ', '例', '😀', '\ud800', '\udc00', '\udbff\udfff', '。', '．', '｡', '＠', '－', '１',
] as const;

const SEEDS = [
  'simple@example.com',
  '"very.(),:;<>[]\\".VERY.\\"very@\\\\ \\"very\\".unusual"@strange.example.com',
  'postmaster@[IPv6:2001:db8::1]',
  'postmaster@[IPv6:1:2:3:4:5:6:1.2.3.4]',
  'user@[tag:content]',
  'δοκιμή@παράδειγμα.δοκιμή',
  'user@bücher。de',
  'info+tag@gmial.con',
];

export interface Generator {
  (random: () => number): string;
}

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

/** Mostly short, sometimes long, up to 10 kB: lengths spread on a log scale. */
function length(random: () => number, max = 10_000): number {
  return Math.min(max, Math.floor(Math.exp(random() * Math.log(max + 1))));
}

/** A run of grammar pieces. */
export const pieces: Generator = (random) => {
  const out: string[] = [];
  let size = 0;
  const target = length(random);
  while (size < target) {
    const p = pick(random, PIECES);
    out.push(p);
    size += p.length;
  }
  return out.join('');
};

/** Any UTF-16 code units at all, lone surrogates and controls included. */
export const binary: Generator = (random) => {
  const n = length(random, 2_000);
  const units = new Uint16Array(n);
  for (let i = 0; i < n; i++) units[i] = random() < 0.7 ? Math.floor(random() * 128) : Math.floor(random() * 65536);
  let s = '';
  for (let i = 0; i < n; i += 1024) s += String.fromCharCode(...units.subarray(i, i + 1024));
  return s;
};

/** Huge runs of the characters that make backtracking matchers explode, wrapped in near-addresses. */
export const runs: Generator = (random) => {
  const unit = pick(random, ['.', '"', '\\', '[', ']', '@', ':', '-', 'a', 'a.', '\\"', '"\\', '1.', '1:', '::', 'ü.', 'ü', '😀', 'xn--']);
  const body = unit.repeat(Math.max(1, Math.floor(length(random) / unit.length)));
  return pick(random, ['', 'a', '"', 'a@', 'a@[', 'a@[IPv6:', 'a@[x:', '"a', 'a@b.']) + body + pick(random, ['', '@x.com', '"@x.com', ']', '.com', '@', '"']);
};

/** A known address with a few insertions, deletions, swaps and duplications. */
export const mutated: Generator = (random) => {
  let s = pick(random, SEEDS);
  const edits = 1 + Math.floor(random() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * (s.length + 1));
    const op = Math.floor(random() * 4);
    if (op === 0) s = s.slice(0, at) + pick(random, PIECES) + s.slice(at);
    else if (op === 1) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(random() * 3));
    else if (op === 2) s = s.slice(0, at) + s.slice(at, at + 4).repeat(1 + Math.floor(random() * 200)) + s.slice(at + 4);
    else s = s.slice(at) + s.slice(0, at);
  }
  return s;
};

export const GENERATORS: readonly Generator[] = [pieces, binary, runs, mutated];
