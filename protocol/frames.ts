import { z } from 'zod';
import { HeldOff, ProbeResult, ProbeTask } from './probe.ts';

/** Version of the agent protocol; a frame of another version is refused. */
export const PROTOCOL_VERSION = 1;
/** No frame may be larger than this, in bytes of its UTF-8 JSON text. */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;
/** Frames before authentication are small; anything larger is hostile. */
export const MAX_PREAUTH_FRAME_BYTES = 4096;

const v = z.literal(PROTOCOL_VERSION);
const id = z.string().min(1).max(128);

/** agent → edge, first frame: who it claims to be. */
export const HelloFrame = z.object({ type: z.literal('hello'), v, agent_id: id, software: z.string().max(64) });
/** edge → agent: a fresh random nonce to sign. */
export const ChallengeFrame = z.object({ type: z.literal('challenge'), v, nonce: z.string().min(16).max(128) });
/**
 * agent → edge: the Ed25519 signature of `nonce | agent_id | ts`, hex (protocol/agent-auth.ts);
 * and what it offers. `mac` is what probers before Ed25519 sent instead: it is parsed only so the
 * edge can tell such a prober why it is refused.
 */
export const AuthFrame = z.object({
  type: z.literal('auth'),
  v,
  agent_id: id,
  ts: z.number().int(),
  sig: z.string().regex(/^[0-9a-f]{128}$/).optional(),
  mac: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  capacity: z.number().int().min(1).max(10_000),
  plugins: z.array(z.string().max(64)).max(128),
  hostname: z.string().max(255),
});
/** Back-offs a ready frame carries at most: the edge remembers no more per agent. */
export const MAX_HELD_OFF = 256;

/**
 * edge → agent: authenticated; the address the edge sees the agent from, the heartbeat period,
 * the back-offs this agent reported before it reconnected, so a restarted prober keeps them, and
 * the edge's features.
 */
export const ReadyFrame = z.object({
  type: z.literal('ready'),
  v,
  observed_address: z.string().max(64),
  heartbeat_ms: z.number().int().positive(),
  held_off: z.array(HeldOff).max(MAX_HELD_OFF).optional(),
  /** What this edge reads beyond the protocol's first form (SHARED_PRELUDES); a prober ignores names it does not know. */
  features: z.array(z.string().max(64)).max(32).optional(),
});
export const TaskFrame = z.object({ type: z.literal('task'), v, task: ProbeTask });
export const ResultFrame = z.object({ type: z.literal('result'), v, result: ProbeResult });
export const HeartbeatFrame = z.object({ type: z.literal('heartbeat'), v, in_flight: z.number().int().nonnegative().optional() });
/** Either side: no new work; the agent finishes what it holds and then closes. */
export const DrainFrame = z.object({ type: z.literal('drain'), v });
export const ErrorFrame = z.object({ type: z.literal('error'), v, code: z.string().max(64), message: z.string().max(512) });
/** agent → edge: the self-check (port 25, FCrDNS, DNSBL) results. */
export const DoctorFrame = z.object({
  type: z.literal('doctor'),
  v,
  checks: z
    .array(z.object({ name: z.string().max(64), ok: z.boolean(), detail: z.string().max(512) }))
    .max(64),
  /** null when the port-25 check is turned off (BZ_DOCTOR_HOSTS empty): unknown, not blocked. */
  port25: z.boolean().nullable(),
});
/** agent → edge: look up a name through the edge's DoH resolver (the agent has no resolver of its own). */
export const DnsQueryFrame = z.object({
  type: z.literal('dns_query'),
  v,
  qid: id,
  name: z.string().max(255),
  qtype: z.enum(['A', 'AAAA', 'PTR', 'TXT', 'MX']),
});
export const DnsAnswerFrame = z.object({
  type: z.literal('dns_answer'),
  v,
  qid: id,
  rcode: z.string().max(16),
  answers: z.array(z.string().max(512)).max(64),
});

export const Frame = z.discriminatedUnion('type', [
  HelloFrame,
  ChallengeFrame,
  AuthFrame,
  ReadyFrame,
  TaskFrame,
  ResultFrame,
  HeartbeatFrame,
  DrainFrame,
  ErrorFrame,
  DoctorFrame,
  DnsQueryFrame,
  DnsAnswerFrame,
]);
export type Frame = z.infer<typeof Frame>;
export type FrameOf<T extends Frame['type']> = Extract<Frame, { type: T }>;

/** WebSocket close codes the protocol uses (4000–4999 is the application range). */
export const CLOSE = {
  authFailed: 4001,
  authTimeout: 4002,
  badFrame: 4003,
  frameTooLarge: 4004,
  revoked: 4005,
  heartbeatMissed: 4006,
  versionMismatch: 4007,
  replaced: 4008,
} as const;

export type FrameParse = { ok: true; frame: Frame } | { ok: false; close: number; reason: string };

/** Parse one text frame with its size cap; never throws. */
export function parseFrame(text: string, maxBytes = MAX_FRAME_BYTES): FrameParse {
  // A UTF-16 unit is at most 3 UTF-8 bytes: most frames are proven small enough without encoding them.
  if (text.length > maxBytes || (text.length * 3 > maxBytes && new TextEncoder().encode(text).byteLength > maxBytes)) {
    return { ok: false, close: CLOSE.frameTooLarge, reason: 'frame_too_large' };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, close: CLOSE.badFrame, reason: 'frame_not_json' };
  }
  if (typeof json === 'object' && json !== null && 'v' in json && json.v !== PROTOCOL_VERSION) {
    return { ok: false, close: CLOSE.versionMismatch, reason: 'protocol_version_mismatch' };
  }
  const parsed = Frame.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, close: CLOSE.badFrame, reason: `frame_schema:${issue?.path.join('.') ?? ''}` };
  }
  return { ok: true, frame: parsed.data };
}
