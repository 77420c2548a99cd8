import { describe, inject, it } from 'vitest';

/**
 * The world tier: tests that need the local test world (Postfix, BIND/dnsdist DoH, dante,
 * Chromium, the CLI against it). They run when test/world-probe.ts found the world up, and
 * skip together otherwise; the probe prints the one line saying how to run them.
 */
export const worldUp: boolean = inject('worldUp');

/** `describe` for a world-tier suite. */
export const describeWorld = describe.skipIf(!worldUp);

/** `it` for a world-tier test outside a describe. */
export const itWorld = it.skipIf(!worldUp);
