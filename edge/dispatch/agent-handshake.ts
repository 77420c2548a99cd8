import { AUTH_MAX_SKEW_MS, agentPublicKey, verifyChallenge } from '../../protocol/agent-auth.ts';
import { toHex } from '../../protocol/hex.ts';
import { CLOSE, MAX_PREAUTH_FRAME_BYTES, PROTOCOL_VERSION, parseFrame, type FrameOf } from '../../protocol/index.ts';
import type { Clock, Random } from '../../protocol/index.ts';
import type { AgentSocket } from './agent-socket.ts';
import type { AgentRecord, AgentStore } from './agent-store.ts';
import type { HubLog } from './hub-log.ts';

export interface HandshakeOptions {
  store: AgentStore;
  clock: Clock;
  random: Random;
  /** An unauthenticated socket is dropped after this long. */
  authTimeoutMs: number;
  log: HubLog;
}

export interface Authenticated {
  record: AgentRecord;
  auth: FrameOf<'auth'>;
  /** The providers the store says it backs off from, and until when (AgentStore.heldOff). */
  heldOff: Map<string, number>;
}

/** Checked against when the agent id is unknown, so that case costs what a wrong answer costs. */
let decoy: Promise<string> | undefined;

/** Close reason for a prober from before Ed25519: it sent an HMAC where a signature belongs. */
export const HMAC_RETIRED = 'hmac_retired: update this prober; its secret file stays valid';

/**
 * The pre-authentication phase of one socket: challenge on connect, at most one `hello`, one
 * `auth` answer, every frame capped at MAX_PREAUTH_FRAME_BYTES. Each connection gets its own
 * fresh nonce and one attempt, so a recorded answer is useless on any other connection (the
 * replay case) and guessing costs a connection per try. Returns the socket's message handler;
 * `done` is called once the answer is verified, after which the caller owns the socket.
 */
export function startHandshake(socket: AgentSocket, options: HandshakeOptions, done: (agent: Authenticated) => void): (data: string | Uint8Array) => void {
  const { clock, log } = options;
  const nonce = toHex(options.random.bytes(16));
  let phase: 'challenged' | 'hello' | 'verifying' | 'over' = 'challenged';
  let helloId: string | undefined;

  const refuse = (code: number, reason: string, fields: Record<string, unknown> = {}) => {
    if (phase === 'over') return;
    phase = 'over';
    cancelTimer();
    log('agent_refused', { reason, address: socket.remoteAddress, ...fields });
    socket.close(code, reason);
  };
  const cancelTimer = clock.setTimer(() => refuse(CLOSE.authTimeout, 'auth_timeout'), options.authTimeoutMs);
  socket.onClose(() => {
    phase = 'over';
    cancelTimer();
  });
  socket.send(JSON.stringify({ type: 'challenge', v: PROTOCOL_VERSION, nonce }));

  const verify = async (auth: FrameOf<'auth'>) => {
    const record = await options.store.findById(auth.agent_id);
    const signed = await verifyChallenge(record?.public_key ?? (await (decoy ??= agentPublicKey('00'.repeat(32)))), nonce, auth.agent_id, auth.ts, auth.sig ?? '');
    if (phase !== 'verifying') return;
    const fields = { agent_id: auth.agent_id };
    if (auth.sig === undefined) return refuse(CLOSE.authFailed, HMAC_RETIRED, { ...fields, why: 'hmac_answer' });
    if (!record) return refuse(CLOSE.authFailed, 'auth_failed', { ...fields, why: 'unknown_agent' });
    if (!signed) return refuse(CLOSE.authFailed, 'auth_failed', { ...fields, why: 'bad_signature' });
    if (Math.abs(clock.now() - auth.ts) > AUTH_MAX_SKEW_MS) return refuse(CLOSE.authFailed, 'auth_failed', { ...fields, why: 'stale_timestamp' });
    if (record.revoked_at !== null) return refuse(CLOSE.revoked, 'revoked', fields);
    // Back-offs the store cannot give are ones the prober may still remember: no reason to refuse it.
    const heldOff = await options.store.heldOff(record.id, clock.now()).catch((error: unknown) => {
      log('held_off_unreadable', { ...fields, error: String(error).slice(0, 200) });
      return new Map<string, number>();
    });
    if (phase !== 'verifying') return;
    phase = 'over';
    cancelTimer();
    done({ record, auth, heldOff });
  };

  return (data) => {
    if (phase === 'over') return;
    if (typeof data !== 'string') return refuse(CLOSE.badFrame, 'binary_frame');
    const parsed = parseFrame(data, MAX_PREAUTH_FRAME_BYTES);
    if (!parsed.ok) return refuse(parsed.close, parsed.reason);
    const frame = parsed.frame;
    if (frame.type === 'hello' && phase === 'challenged') {
      phase = 'hello';
      helloId = frame.agent_id;
      return;
    }
    if (frame.type !== 'auth' || phase === 'verifying') return refuse(CLOSE.badFrame, 'unexpected_frame', { type: frame.type });
    if (helloId !== undefined && helloId !== frame.agent_id) return refuse(CLOSE.authFailed, 'auth_failed', { why: 'agent_mismatch' });
    phase = 'verifying';
    verify(frame).catch(() => refuse(CLOSE.authFailed, 'auth_failed', { why: 'store_error' }));
  };
}
