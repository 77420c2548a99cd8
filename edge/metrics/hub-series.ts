import type { HubMetrics } from '../dispatch/hub-metrics.ts';

type Series = { name: string; type: 'counter' | 'gauge'; help: string };

/** How each of the agent hub's numbers is exposed; the hub documents which ones are gauges. */
export const HUB_SERIES: Record<keyof HubMetrics, Series> = {
  tasks_dispatched: { name: 'bouncezero_dispatch_tasks_dispatched_total', type: 'counter', help: 'Tasks handed to an agent for the first time.' },
  tasks_redispatched: { name: 'bouncezero_dispatch_tasks_redispatched_total', type: 'counter', help: 'Tasks handed out again after their agent was lost.' },
  tasks_given_back: { name: 'bouncezero_dispatch_tasks_given_back_total', type: 'counter', help: 'Tasks given back unsent because no connected agent could take them.' },
  tasks_overdue: { name: 'bouncezero_dispatch_tasks_overdue_total', type: 'counter', help: 'Tasks a prober held past their deadline without answering, given up.' },
  tasks_abandoned: { name: 'bouncezero_dispatch_tasks_abandoned_total', type: 'counter', help: 'Tasks given up after each of the 3 probers that took them was lost.' },
  duplicate_results_dropped: { name: 'bouncezero_dispatch_duplicate_results_dropped_total', type: 'counter', help: 'Results for an already answered task, dropped.' },
  agents_connected: { name: 'bouncezero_dispatch_agents_connected', type: 'gauge', help: 'Authenticated agents connected now.' },
  tasks_waiting: { name: 'bouncezero_dispatch_queue_depth', type: 'gauge', help: 'Tasks waiting for an agent slot.' },
  tasks_in_flight: { name: 'bouncezero_dispatch_tasks_in_flight', type: 'gauge', help: 'Tasks an agent holds now.' },
};

export function renderHubMetrics(m: HubMetrics): string {
  return (Object.keys(HUB_SERIES) as (keyof HubMetrics)[])
    .map((key) => {
      const s = HUB_SERIES[key];
      return `# HELP ${s.name} ${s.help}\n# TYPE ${s.name} ${s.type}\n${s.name} ${m[key]}`;
    })
    .join('\n');
}
