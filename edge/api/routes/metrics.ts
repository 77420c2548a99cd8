import { Hono } from 'hono';
import type { EdgeMetrics } from '../../metrics/edge-metrics.ts';

/** GET /metrics in the Prometheus text format. */
export function metricsRoutes(metrics: EdgeMetrics): Hono {
  return new Hono().get('/metrics', (c) => c.text(metrics.render(), 200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }));
}
