import type { MxPlan } from '../../protocol/index.ts';

/**
 * What the rest of the edge needs from stage 2: a domain's MX plan. A plan always comes
 * back; DNS failures are plans with rule `dns_error`, never throws.
 */
export interface MxResolver {
  plan(domain: string, options?: { fresh?: boolean; signal?: AbortSignal }): Promise<MxPlan>;
}
