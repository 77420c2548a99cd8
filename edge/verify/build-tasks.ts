import { MAX_TASK_ADDRESSES, randomHex, type MxPlan, type ProbeTask, type Random, type SyntaxCheck } from '../../protocol/index.ts';

/** One address to probe: the caller's id for it (echoed in the result) and its valid syntax check. */
export interface TaskItem {
  id: string;
  syntax: SyntaxCheck;
}

export interface TaskOptions {
  deadlineMs: number;
  fresh?: boolean;
  catchAll?: boolean;
}

export function newTaskId(random: Random): string {
  return `t_${randomHex(random, 12)}`;
}

/**
 * The ProbeTasks for one domain's valid addresses, split at MAX_TASK_ADDRESSES. Every item must
 * belong to the plan's domain and have passed stage 1 (which proves it free of control characters).
 */
export function buildProbeTasks(plan: MxPlan, items: TaskItem[], options: TaskOptions, random: Random): ProbeTask[] {
  const tasks: ProbeTask[] = [];
  for (let i = 0; i < items.length; i += MAX_TASK_ADDRESSES) {
    const addresses = items.slice(i, i + MAX_TASK_ADDRESSES).map(({ id, syntax }) => {
      if (!syntax.valid || syntax.normalized === null || syntax.domain !== plan.domain) {
        throw new Error(`buildProbeTasks: item ${id} is not a valid address of ${plan.domain}`);
      }
      return { id, address: syntax.normalized, smtputf8: syntax.flags.smtputf8 };
    });
    tasks.push({
      id: newTaskId(random),
      domain: plan.domain,
      plan,
      addresses,
      deadline_ms: Math.max(1, Math.round(options.deadlineMs)),
      catch_all: options.catchAll ?? true,
      fresh: options.fresh ?? false,
    });
  }
  return tasks;
}
