import { Hono } from 'hono';
import { z } from 'zod';
import type { Dispatcher } from '../../dispatch/dispatcher.ts';
import type { DohEndpointStatus } from '../../dns/doh-client.ts';

const DnsEndpointHealth = z.object({
  /** Origin and path: never the credentials or query the setting may carry. */
  endpoint: z.string(),
  /** Its last question was answered and its circuit is closed (also before any question). */
  ok: z.boolean(),
  circuit: z.enum(['closed', 'open', 'half_open']),
  last_answer_at: z.string().nullable(),
  last_failure: z.object({ at: z.string(), reason: z.string(), detail: z.string() }).nullable(),
});

export const HealthResponse = z.object({
  /** The edge answers; what it can do is in `agents` and `dns`. */
  ok: z.literal(true),
  /** Probers that can take work now. */
  agents: z.number().int().nonnegative(),
  /** Every connected prober, healthy or not, with its self-check results. */
  agent_list: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      healthy: z.boolean(),
      port25: z.boolean().nullable(),
      capacity: z.number(),
      in_flight: z.number(),
      plugins: z.array(z.string()),
      doctor: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string() })),
    }),
  ),
  /** The DoH endpoints (BZ_DOH): `ok` while at least one answers; when none does, checks end unknown / dns_error. */
  dns: z.object({ ok: z.boolean(), endpoints: z.array(DnsEndpointHealth) }).optional(),
  version: z.string(),
});
export type HealthResponse = z.infer<typeof HealthResponse>;

export const VERSION = '0.1.0';

/** GET /v1/health: no key needed, so load balancers and the web page can ask. */
export function healthRoutes(dispatcher: Dispatcher, dnsStatus?: () => DohEndpointStatus[]): Hono {
  return new Hono().get('/v1/health', (c) => {
    const endpoints = dnsStatus?.().map(({ last_answer_at, last_failure, ...rest }) => ({
      ...rest,
      last_answer_at: last_answer_at === null ? null : new Date(last_answer_at).toISOString(),
      last_failure: last_failure && { ...last_failure, at: new Date(last_failure.at).toISOString() },
    }));
    const body: HealthResponse = {
      ok: true,
      agents: dispatcher.healthyCount(),
      agent_list: dispatcher.agents().map(({ id, name, healthy, port25, capacity, in_flight, plugins, doctor }) => ({
        id,
        name,
        healthy,
        port25,
        capacity,
        in_flight,
        plugins,
        doctor,
      })),
      ...(endpoints ? { dns: { ok: endpoints.some((e) => e.ok), endpoints } } : {}),
      version: VERSION,
    };
    return c.json(body);
  });
}
