import type { ProbeResult, ProbeTask, ReasonCode, Verdict } from '../../protocol/index.ts';
import { checkSyntax } from '../../edge/syntax/index.ts';
import { assemble } from '../../edge/verify/domain-pipeline.ts';

/**
 * The verdict and reason a user is told for one address of a prober's result: the edge's one
 * scoring pass over the SMTP answer and the evidence beside it, as /v1/verify and jobs run it.
 */
export async function publicAnswer(task: ProbeTask, result: ProbeResult, address: string): Promise<{ verdict: Verdict; reason: ReasonCode }> {
  const probe = result.results.find((r) => r.address === address);
  const syntax = checkSyntax(address);
  if (!probe || !syntax.valid || syntax.normalized === null) throw new Error(`no probed, valid address ${address}`);
  const item = { id: probe.id, email: address, syntax: { ...syntax, normalized: syntax.normalized } };
  const { verdict, reason } = await assemble({}, item, { stage: 'smtp', plan: task.plan, probe, catchAll: result.catch_all }, 0);
  return { verdict, reason };
}
