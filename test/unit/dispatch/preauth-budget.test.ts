import { describe, expect, it } from 'vitest';
import { PREAUTH_BYTE_BUDGET, PreauthBudget } from '../../../edge/dispatch/preauth-budget.ts';
import { webAgentSocket } from '../../../edge/dispatch/web-agent-socket.ts';

describe('PreauthBudget (one count for the Node and the Deno edge)', () => {
  it('allows 16 KiB before authentication, not a byte more, and stays overdrawn', () => {
    expect(PREAUTH_BYTE_BUDGET).toBe(16 * 1024);
    const budget = new PreauthBudget();
    expect(budget.spend(PREAUTH_BYTE_BUDGET - 1)).toBe(true);
    expect(budget.spend(1)).toBe(true);
    expect(budget.spend(1)).toBe(false);
    expect(budget.spend(0)).toBe(false);
  });

  it('counts a text by its UTF-8 bytes, and refuses a long one without encoding it', () => {
    const budget = new PreauthBudget(8);
    expect(budget.spendText('éé')).toBe(true); // 4 bytes
    expect(budget.spendText('ab')).toBe(true);
    expect(budget.spendText('é')).toBe(true); // 8 of 8
    expect(budget.spendText('x')).toBe(false);
    expect(new PreauthBudget(8).spendText('x'.repeat(9))).toBe(false);
  });

  it('counts nothing once the agent is verified', () => {
    const budget = new PreauthBudget(4);
    budget.lift();
    expect(budget.counting).toBe(false);
    expect(budget.spend(10 * PREAUTH_BYTE_BUDGET)).toBe(true);
    expect(budget.spendText('x'.repeat(10 * PREAUTH_BYTE_BUDGET))).toBe(true);
  });
});

/** The part of a Web-standard WebSocket that webAgentSocket reads messages through. */
function fakeWebSocket() {
  const listeners: ((event: MessageEvent) => void)[] = [];
  const closed: [number, string][] = [];
  const ws = {
    binaryType: 'blob',
    addEventListener: (type: string, listener: (event: MessageEvent) => void) => void (type === 'message' && listeners.push(listener)),
    close: (code: number, reason: string) => void closed.push([code, reason]),
  };
  const deliver = (data: string | ArrayBuffer) => listeners.forEach((l) => l({ data } as MessageEvent));
  return { ws: ws as unknown as WebSocket, deliver, closed };
}

describe('webAgentSocket (the Deno edge\'s agent socket) spends the same budget', () => {
  it('closes with 1009 at the first message past 16 KiB before authentication, and passes it no further', () => {
    const { ws, deliver, closed } = fakeWebSocket();
    const socket = webAgentSocket(ws, '192.0.2.1');
    const got: number[] = [];
    socket.onMessage((data) => void got.push(data.length));
    deliver('x'.repeat(PREAUTH_BYTE_BUDGET - 10));
    deliver(new Uint8Array(10).buffer);
    expect(closed).toEqual([]);
    deliver('y');
    expect(closed).toEqual([[1009, 'too much before authentication']]);
    expect(got).toEqual([PREAUTH_BYTE_BUDGET - 10, 10]);
  });

  it('lifts the budget once the hub reports the agent authenticated', () => {
    const { ws, deliver, closed } = fakeWebSocket();
    let seatReleased = 0;
    const socket = webAgentSocket(ws, '192.0.2.1', { onAuthenticated: () => void seatReleased++ });
    const got: number[] = [];
    socket.onMessage((data) => void got.push(data.length));
    socket.authenticated?.();
    deliver('z'.repeat(4 * PREAUTH_BYTE_BUDGET));
    expect(closed).toEqual([]);
    expect(got).toEqual([4 * PREAUTH_BYTE_BUDGET]);
    expect(seatReleased).toBe(1);
  });
});
