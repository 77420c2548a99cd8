import { Hono } from 'hono';
import { z } from 'zod';
import type { Dispatcher } from '../../dispatch/dispatcher.ts';

export const HealthResponse = z.object({
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
  version: z.string(),
});
export type HealthResponse = z.infer<typeof HealthResponse>;

export const VERSION = '0.1.0';

/** GET /v1/health: no key needed, so load balancers and the web page can ask. */
export function healthRoutes(dispatcher: Dispatcher): Hono {
  return new Hono().get('/v1/health', (c) => {
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
      version: VERSION,
    };
    return c.json(body);
  });
}
