import { z } from 'zod';
import { noControlChars, type ValueCheck } from './value-checks.ts';

/** How `bouncezero config` shows a value: a secret as `***`, a URL's password as `***`. */
export type Mask = 'secret' | 'url-password';

/** One BZ_* setting: how its text is parsed, what it means and what it is when unset. */
export interface Setting<T> {
  schema: z.ZodType<T, string | undefined>;
  meaning: string;
  /** The default as the reference shows it (`8080`, `empty`, `two public resolvers`). */
  shownDefault: string;
  mask?: Mask;
}

interface Described {
  meaning: string;
  /** Overrides the default as the reference shows it. */
  shown?: string;
  mask?: Mask;
}

type Ctx = z.core.$RefinementCtx<string | undefined>;

function fail(ctx: Ctx, message: string): never {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER as never;
}

/** A setting from the function that reads its raw text (undefined when unset). */
function kind<T>(d: Described, shownDefault: string, read: (raw: string | undefined, ctx: Ctx) => T): Setting<T> {
  return {
    schema: z.string().optional().transform(read),
    meaning: d.meaning,
    shownDefault: d.shown ?? shownDefault,
    ...(d.mask ? { mask: d.mask } : {}),
  };
}

/** A whole number from min to max; unset (or blank) takes the default. */
export function int<D extends number | undefined>(d: Described & { default: D; min: number; max: number }): Setting<number | D> {
  return kind(d, d.default === undefined ? 'none' : String(d.default), (raw, ctx) => {
    const s = raw?.trim() ?? '';
    if (s === '') return d.default;
    const n = /^\d+$/.test(s) ? Number(s) : NaN;
    if (!Number.isSafeInteger(n) || n < d.min || n > d.max) return fail(ctx, `expected a whole number from ${d.min} to ${d.max}, got "${s}"`);
    return n;
  });
}

const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off', ''];

export function bool(d: Described & { default: boolean }): Setting<boolean> {
  return kind(d, String(d.default), (raw, ctx) => {
    if (raw === undefined) return d.default;
    const s = raw.trim().toLowerCase();
    if (TRUE.includes(s)) return true;
    if (FALSE.includes(s)) return false;
    return fail(ctx, `expected 1/0, true/false, yes/no or on/off, got "${raw}"`);
  });
}

/**
 * One line of text, trimmed; unset or blank takes the default. `check` and `minLength` refuse
 * a bad value without repeating it (it may be a secret).
 */
export function text<D extends string | undefined = undefined>(d: Described & { default?: D; check?: ValueCheck; minLength?: number }): Setting<string | D> {
  return kind(d, d.default === undefined ? 'none' : d.default, (raw, ctx) => {
    const s = raw?.trim() ?? '';
    if (noControlChars(s)) return fail(ctx, 'must not contain control characters');
    if (s === '') return d.default as D;
    if (d.minLength !== undefined && s.length < d.minLength) return fail(ctx, `must be at least ${d.minLength} characters`);
    const problem = d.check?.(s);
    if (problem) return fail(ctx, problem);
    return s;
  });
}

/**
 * A comma-separated list. Unset takes the default; set but empty means "none" (it turns a
 * feature off). `nonEmpty` refuses "none".
 */
export function list(d: Described & { default: string[]; check?: ValueCheck; nonEmpty?: string }): Setting<string[]> {
  return kind(d, d.default.length === 0 ? 'empty' : d.default.join(','), (raw, ctx) => {
    if (raw === undefined) return d.default;
    const items = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
    for (const [i, item] of items.entries()) {
      const problem = noControlChars(item) ?? d.check?.(item);
      // An item that may carry a password is named by its place, not repeated.
      if (problem) return fail(ctx, `${d.mask ? `item ${i + 1}` : `"${item}"`} ${problem}`);
    }
    if (d.nonEmpty && items.length === 0) return fail(ctx, d.nonEmpty);
    return items;
  });
}

/** One of a few words; unset (or blank) takes the default. */
export function oneOf<const V extends readonly [string, ...string[]]>(d: Described & { values: V; default: V[number] }): Setting<V[number]> {
  return kind(d, d.default, (raw, ctx) => {
    const s = raw?.trim() ?? '';
    if (s === '') return d.default;
    if ((d.values as readonly string[]).includes(s)) return s as V[number];
    return fail(ctx, `expected one of ${d.values.join(', ')}, got "${s}"`);
  });
}
