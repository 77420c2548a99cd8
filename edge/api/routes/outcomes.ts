import { Hono } from 'hono';
import { OutcomesRequest, type Clock, type OutcomesResponse, type SyntaxCheck } from '../../../protocol/index.ts';
import type { AccessEnv } from '../../access/authenticate.ts';
import type { ResultCache } from '../../cache/result-cache.ts';
import { featuresOf, providerOf } from '../../learning/features.ts';
import type { OutcomeRow, OutcomeStore } from '../../learning/outcome-store.ts';
import { jsonBody, requireJson } from '../json-body.ts';

export interface OutcomeDeps {
  outcomes: OutcomeStore;
  cache: ResultCache;
  checkSyntax: (input: string) => SyntaxCheck;
  clock: Clock;
}

/**
 * POST /v1/outcomes: what happened to mail the user sent. Each outcome is stored with the
 * features of our verification of that address (from the result cache), so `bouncezero
 * model train` can learn which signals predict delivery.
 */
export function outcomeRoutes(deps: OutcomeDeps): Hono<AccessEnv> {
  const app = new Hono<AccessEnv>();
  app.post('/v1/outcomes', requireJson, jsonBody(OutcomesRequest), async (c) => {
    const { outcomes } = c.req.valid('json');
    const now = deps.clock.now();
    const rows: OutcomeRow[] = [];
    let invalid = 0;
    let without = 0;
    for (const o of outcomes) {
      const syntax = deps.checkSyntax(o.email);
      if (!syntax.valid || !syntax.normalized) {
        invalid++;
        continue;
      }
      // An outcome teaches only beside the verification that preceded it; an expired entry still did.
      const known = await deps.cache.get(syntax.normalized, 0);
      if (!known) without++;
      rows.push({
        normalized: syntax.normalized,
        outcome: o.outcome,
        observed_at: o.observed_at ? Date.parse(o.observed_at) : now,
        provider: known ? providerOf(known.result) : null,
        features: known ? featuresOf(known.result) : null,
      });
    }
    await deps.outcomes.add(rows);
    const body: OutcomesResponse = { stored: rows.length, without_verification: without, invalid };
    return c.json(body, 202);
  });
  return app;
}
