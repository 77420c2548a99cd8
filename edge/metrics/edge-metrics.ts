import type { ProbeStats, VerificationResult } from '../../protocol/index.ts';
import type { VerifyObserver } from '../verify/verify-address.ts';
import { Counter, renderGauge } from './counter.ts';

/** Point-in-time values read when /metrics is scraped: name (without prefix) → [help, value]. */
export type GaugeSource = () => Record<string, [help: string, value: number]>;

/**
 * The edge's counters. One instance per app, passed in (never a module singleton), so two
 * apps in one process (tests) count apart.
 */
export class EdgeMetrics implements VerifyObserver {
  readonly requests = new Counter('bouncezero_http_requests_total', 'HTTP requests by route, method and status.', ['route', 'method', 'status'] as const);
  readonly verdicts = new Counter('bouncezero_verdicts_total', 'Verification results by verdict and reason.', ['verdict', 'reason'] as const);
  readonly cache = new Counter('bouncezero_result_cache_lookups_total', 'Result cache lookups by outcome.', ['outcome'] as const);
  readonly smtpSessions = new Counter('bouncezero_smtp_sessions_total', 'SMTP connections the probers opened for our tasks.', []);
  readonly smtpCommands = new Counter('bouncezero_smtp_commands_total', 'SMTP commands the probers sent for our tasks.', []);
  readonly providerBackoffs = new Counter('bouncezero_smtp_provider_backoffs_total', 'Back-offs a prober started of every MX of a provider that refused its IP, by provider.', ['provider'] as const);
  readonly backedOff = new Counter('bouncezero_smtp_backed_off_addresses_total', 'Addresses answered without a connection because their provider was backed off.', []);
  readonly turnedAway = new Counter('bouncezero_smtp_turned_away_total', 'Sessions mail servers turned away at the banner as one too many; the prober then keeps to their limit.', []);
  private readonly gauges: GaugeSource[] = [];
  private readonly texts: (() => string)[] = [];

  request(route: string, method: string, status: number): void {
    this.requests.inc({ route, method, status: String(status) });
  }

  verdict(result: Pick<VerificationResult, 'verdict' | 'reason'>): void {
    this.verdicts.inc({ verdict: result.verdict, reason: result.reason });
  }

  cacheLookup(hit: boolean): void {
    this.cache.inc({ outcome: hit ? 'hit' : 'miss' });
  }

  probed(stats: ProbeStats): void {
    this.smtpSessions.inc({}, stats.connections);
    this.smtpCommands.inc({}, stats.commands);
    for (const provider of stats.provider_backoffs ?? []) this.providerBackoffs.inc({ provider });
    if (stats.backed_off) this.backedOff.inc({}, stats.backed_off);
    if (stats.turned_away) this.turnedAway.inc({}, stats.turned_away);
  }

  /** Adds gauges read at scrape time (agents, queue depth …). */
  addGauges(source: GaugeSource): void {
    this.gauges.push(source);
  }

  /** Adds series rendered by their owner at scrape time (the agent hub's). */
  addText(source: () => string): void {
    this.texts.push(source);
  }

  render(): string {
    const parts = [this.requests, this.verdicts, this.cache, this.smtpSessions, this.smtpCommands, this.providerBackoffs, this.backedOff, this.turnedAway].map((c) => c.render());
    for (const source of this.gauges) {
      for (const [name, [help, value]] of Object.entries(source())) parts.push(renderGauge(`bouncezero_${name}`, help, value));
    }
    for (const source of this.texts) parts.push(source());
    return `${parts.join('\n')}\n`;
  }
}
