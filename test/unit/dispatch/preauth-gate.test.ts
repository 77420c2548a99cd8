import { describe, expect, it } from 'vitest';
import { PreauthGate } from '../../../edge/dispatch/preauth-gate.ts';
import { originAllowed } from '../../../edge/dispatch/upgrade-origin.ts';

describe('PreauthGate', () => {
  it('admits up to the per-address and total caps; a seat released twice counts once', () => {
    const gate = new PreauthGate({ perAddress: 2, total: 3 });
    const a1 = gate.admit('a');
    expect(a1.ok && gate.admit('a').ok).toBe(true);
    expect(gate.admit('a')).toEqual({ ok: false, reason: 'too_many_from_address' });
    expect(gate.admit('b').ok).toBe(true);
    expect(gate.admit('c')).toEqual({ ok: false, reason: 'too_many_pending' });
    if (!a1.ok) throw new Error('unreachable');
    a1.release();
    a1.release();
    expect(gate.size).toBe(2);
    expect(gate.admit('c').ok).toBe(true);
    expect(gate.admit('c').ok).toBe(false);
  });
});

describe('originAllowed', () => {
  it('lets probers (no Origin) and the edge\'s own page in, and nothing else', () => {
    expect(originAllowed(undefined, 'edge:8080')).toBe(true);
    expect(originAllowed('https://edge:8080', 'edge:8080')).toBe(true);
    expect(originAllowed('https://evil.example', 'edge:8080')).toBe(false);
    expect(originAllowed('null', 'edge:8080')).toBe(false);
    expect(originAllowed('https://edge:8080', undefined)).toBe(false);
  });
});
