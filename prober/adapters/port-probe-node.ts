import { connect } from 'node:net';
import type { PortProbe } from '../doctor/doctor.ts';

/** The doctor's TCP reachability probe on Node: connect, then hang up at once. */
export const nodePortProbe: PortProbe = (address, port, timeoutMs) =>
  new Promise((resolve) => {
    const socket = connect({ host: address, port });
    const done = (outcome: { ok: true } | { ok: false; failure: string }) => {
      socket.destroy();
      resolve(outcome);
    };
    socket.setTimeout(timeoutMs, () => done({ ok: false, failure: 'timeout' }));
    socket.once('connect', () => done({ ok: true }));
    socket.once('error', (error: NodeJS.ErrnoException) => done({ ok: false, failure: error.code === 'ECONNREFUSED' ? 'refused' : (error.code ?? 'error').toLowerCase() }));
  });
