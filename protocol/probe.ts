import { z } from 'zod';
import { MxPlan } from './mx-plan.ts';
import { CatchAllCheck, SmtpCheck, TranscriptLine } from './smtp.ts';
import { PluginReading, Signal } from './signals.ts';

/** The most addresses one task may carry; the edge splits larger groups. */
export const MAX_TASK_ADDRESSES = 500;

/** The most lines of an address's transcript: a prober keeps the last ones, and so does the edge when it adds a prelude back. */
export const MAX_ADDRESS_TRANSCRIPT = 64;
/** Preludes one result carries at most (ProbeResult.preludes), and lines in each. */
export const MAX_PRELUDES = 16;
export const MAX_PRELUDE_LINES = 40;

export const ProbeAddress = z.object({
  /** The edge's id for this item, echoed back in the result. */
  id: z.string().min(1).max(64),
  /** Normalized address (A-label domain), already proven free of control characters by stage 1. */
  address: z.string().min(3).max(254),
  smtputf8: z.boolean().default(false),
});
export type ProbeAddress = z.infer<typeof ProbeAddress>;

/** One domain, its MX plan and a batch of its addresses: the unit of work a prober runs. */
export const ProbeTask = z.object({
  id: z.string().min(1).max(64),
  domain: z.string().min(1).max(255),
  plan: MxPlan,
  addresses: z.array(ProbeAddress).min(1).max(MAX_TASK_ADDRESSES),
  /** Milliseconds the prober may spend on the whole task. */
  deadline_ms: z.number().int().positive().max(30 * 60_000),
  /** Run the catch-all probe unless its answer is cached. */
  catch_all: z.boolean().default(true),
  /** Ignore cached catch-all answers. */
  fresh: z.boolean().default(false),
});
export type ProbeTask = z.infer<typeof ProbeTask>;

export const ProbeAddressResult = z.object({
  id: z.string().min(1).max(64),
  address: z.string().max(254),
  /** What the server said, exactly; later stages add evidence beside it and never rewrite it. */
  smtp: SmtpCheck,
  signals: z.array(Signal).max(64).default([]),
  /** Plugins' readings of the SMTP answer that differ from its reason, in registry order. */
  readings: z.array(PluginReading).max(16).optional(),
  /** `smtp.transcript` goes on from the result's `preludes[prelude]`: the opening its session shared with other addresses. */
  prelude: z.number().int().nonnegative().max(MAX_PRELUDES - 1).optional(),
});
export type ProbeAddressResult = z.infer<typeof ProbeAddressResult>;

/** A provider a prober backs off from (it refused the prober's IP), and for how many more seconds. */
export const HeldOff = z.object({ provider: z.string().min(1).max(255), for_s: z.number().int().positive().max(7 * 24 * 3600) });
export type HeldOff = z.infer<typeof HeldOff>;

export const ProbeStats = z.object({
  connections: z.number().int().nonnegative(),
  commands: z.number().int().nonnegative(),
  round_trips: z.number().int().nonnegative(),
  /** Providers (an MX host's registered domain) this task started backing off: they refused our IP. */
  provider_backoffs: z.array(z.string().max(255)).max(16).optional(),
  /** Addresses left unasked because their provider is backed off (no connection made for them). */
  backed_off: z.number().int().nonnegative().optional(),
  /** Sessions a server turned away at its banner as one too many of ours; the task then kept to its limit and waited its turn. */
  turned_away: z.number().int().nonnegative().optional(),
  /**
   * Providers of this task's MX hosts that the prober is backing off from as the task ends (they
   * refused its IP), and for how many more seconds: the edge gives their tasks to another prober
   * meanwhile. Seconds, not a time: the two clocks need not agree.
   */
  held_off: z.array(HeldOff).max(16).optional(),
});
export type ProbeStats = z.infer<typeof ProbeStats>;

export const ProbeResult = z
  .object({
    task_id: z.string().min(1).max(64),
    domain: z.string().max(255),
    results: z.array(ProbeAddressResult).max(MAX_TASK_ADDRESSES),
    catch_all: CatchAllCheck,
    stats: ProbeStats,
    /**
     * The transcript lines several addresses' transcripts begin with (connect, banner, EHLO,
     * STARTTLS: a session's opening), sent once instead of once an address; see shared-preludes.ts.
     */
    preludes: z.array(z.array(TranscriptLine).min(1).max(MAX_PRELUDE_LINES)).max(MAX_PRELUDES).optional(),
  })
  .superRefine((result, ctx) => {
    const preludes = result.preludes?.length ?? 0;
    for (const [i, r] of result.results.entries()) {
      if (r.prelude !== undefined && r.prelude >= preludes) ctx.addIssue({ code: 'custom', path: ['results', i, 'prelude'], message: 'no such prelude' });
    }
  });
export type ProbeResult = z.infer<typeof ProbeResult>;
