import { systemClock, type Clock } from '../../protocol/index.ts';
import { createCircuitBreaker, type BreakerOptions, type CircuitBreaker } from './circuit-breaker.ts';
import { failure, isQueryableName, normalizeName, type DnsFailure, type DnsResult, type Question } from './dns-message.ts';
import { exchange, parseEndpoint, type DohEndpoint, type ExchangeLimits, type Exchanged } from './doh-exchange.ts';
import type { DohTransport } from './doh-transport.ts';
import { fetchTransport, type Fetch } from './fetch-transport.ts';
import { inFlightGate } from './in-flight-gate.ts';
import { singleFlight, untilAborted } from './single-flight.ts';

/** What the lookups above need from DNS: one question, one judged answer or failure. */
export interface DnsClient {
  query(question: Question, signal?: AbortSignal): Promise<DnsResult>;
}

export interface DohClientOptions {
  /** Endpoint URLs in order of preference (BZ_DOH); `json+https://…` marks a JSON-only one. */
  endpoints: readonly string[];
  /** How the questions travel (Node: nodeDohTransport); by default over `fetch`. */
  transport?: DohTransport;
  /** The Web fetch the default transport uses; by default the runtime's own. */
  fetch?: Fetch;
  clock?: Clock;
  /** Per endpoint attempt, headers and body included. Default 2000. */
  timeoutMs?: number;
  /** Default 64 KiB. */
  maxResponseBytes?: number;
  /** Default 2048 characters. */
  maxGetUrl?: number;
  /** Default 3 failures, 30 s. */
  breaker?: BreakerOptions;
  /** Questions sent at once, all endpoints together; more wait their turn. Default 16. */
  maxInFlight?: number;
  /**
   * The client's lifetime (the edge shutting down): once aborted, the questions out are given
   * up and the waiting ones answer `aborted` unsent, so nothing keeps a stopping edge waiting
   * on resolvers that do not answer.
   */
  signal?: AbortSignal;
}

/** How one endpoint fares, for /v1/health: the operator's first question when checks end in dns_error. */
export interface DohEndpointStatus {
  /** Origin and path only (DohEndpoint.shown). */
  endpoint: string;
  /** Its last question was answered (SERVFAIL included: the endpoint answered) and its circuit is closed. */
  ok: boolean;
  circuit: CircuitBreaker['state'];
  last_answer_at: number | null;
  last_failure: { at: number; reason: DnsFailure['reason']; detail: string } | null;
}

/** The DoH client the edge composes: questions, and how each endpoint fares. */
export interface DohClient extends DnsClient {
  status(): DohEndpointStatus[];
}

interface EndpointState {
  endpoint: DohEndpoint;
  breaker: CircuitBreaker;
  lastAnswerAt: number | null;
  lastFailure: DohEndpointStatus['last_failure'];
}

/** Default cap on a DoH answer's body: far above any MX, A or AAAA answer. */
const DOH_MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * RFC 8484 client: endpoints tried in order, each attempt bounded by a timeout on the injected
 * clock; failover on timeout, HTTP or content errors, undecodable or wrong answers and SERVFAIL;
 * a circuit breaker per endpoint; identical questions in flight share one query; a bounded
 * number of questions out at once.
 */
export function createDohClient(options: DohClientOptions): DohClient {
  if (options.endpoints.length === 0) throw new Error('createDohClient needs at least one endpoint');
  const clock = options.clock ?? systemClock;
  const transport = options.transport ?? fetchTransport(options.fetch ?? ((input, init) => globalThis.fetch(input, init)));
  const timeoutMs = options.timeoutMs ?? 2_000;
  const limits: ExchangeLimits = { maxBytes: options.maxResponseBytes ?? DOH_MAX_RESPONSE_BYTES, maxGetUrl: options.maxGetUrl ?? 2048 };
  const breakerOptions = options.breaker ?? { failures: 3, cooldownMs: 30_000 };
  const states: EndpointState[] = options.endpoints.map((url) => ({ endpoint: parseEndpoint(url), breaker: createCircuitBreaker(clock, breakerOptions), lastAnswerAt: null, lastFailure: null }));
  const coalesce = singleFlight<DnsResult>();
  const gate = inFlightGate(options.maxInFlight ?? 16);

  const closed = () => failure('aborted', 'the DNS client is closed');

  // The client's lifetime ends: every request out is given up (one listener, not one a question).
  const out = new Set<() => void>();
  options.signal?.addEventListener('abort', () => out.forEach((cancel) => cancel()), { once: true });

  async function attempt(endpoint: DohEndpoint, question: Question, json: boolean): Promise<Exchanged> {
    const { exchanged, cancel } = exchange(transport, endpoint, question, json, limits);
    out.add(cancel);
    let timedOut = false;
    let stopTimer = () => {};
    const timeUp = new Promise<Exchanged>((resolve) => {
      stopTimer = clock.setTimer(() => {
        timedOut = true;
        cancel();
        resolve({ result: failure('timeout', `${endpoint.shown}: no answer within ${timeoutMs} ms`), speaksJson: false });
      }, timeoutMs);
    });
    // The race, not the transport, bounds the attempt: one that ignores a cancel cannot hang us.
    const done = await Promise.race([exchanged, timeUp]);
    stopTimer();
    out.delete(cancel);
    if (options.signal?.aborted) return { result: closed(), speaksJson: false };
    if (timedOut) return { result: failure('timeout', `${endpoint.shown}: no answer within ${timeoutMs} ms`), speaksJson: false };
    return done;
  }

  async function resolve(question: Question): Promise<DnsResult> {
    const failures: DnsFailure[] = [];
    for (const state of states) {
      const { endpoint, breaker } = state;
      if (options.signal?.aborted) return closed();
      if (!breaker.tryAcquire()) {
        failures.push({ reason: 'circuit_open', detail: `${endpoint.shown}: skipped (circuit open)` });
        continue;
      }
      let { result, speaksJson } = await attempt(endpoint, question, endpoint.json);
      if (!result.ok && speaksJson) {
        ({ result } = await attempt(endpoint, question, true));
        if (result.ok) endpoint.json = true;
      }
      if (result.ok) {
        breaker.success();
        state.lastAnswerAt = clock.now();
        return result;
      }
      // SERVFAIL is the endpoint answering about one domain, not the endpoint failing.
      if (result.failure.reason === 'server_failure') {
        breaker.success();
        state.lastAnswerAt = clock.now();
      } else {
        breaker.failure();
        state.lastFailure = { at: clock.now(), reason: result.failure.reason, detail: result.failure.detail };
      }
      failures.push(result.failure);
    }
    const last = failures.filter((f) => f.reason !== 'circuit_open').at(-1) ?? failures[0];
    return failure(last?.reason ?? 'circuit_open', failures.map((f) => f.detail).join('; '));
  }

  return {
    status: () =>
      states.map(({ endpoint, breaker, lastAnswerAt, lastFailure }) => ({
        endpoint: endpoint.shown,
        ok: breaker.state === 'closed' && (lastFailure === null || (lastAnswerAt !== null && lastAnswerAt >= lastFailure.at)),
        circuit: breaker.state,
        last_answer_at: lastAnswerAt,
        last_failure: lastFailure,
      })),
    query(asked, signal) {
      const question = { ...asked, name: normalizeName(asked.name) };
      if (!isQueryableName(question.name)) return Promise.resolve(failure('invalid_name', `"${asked.name.slice(0, 300)}" is not a name to ask about`));
      // A host's addresses finish a domain whose MX answer is in: they go before new domains' MX
      // questions, so a bulk job's first domains reach SMTP while the rest are still being asked.
      const shared = coalesce(`${question.name}/${question.type}`, () => gate(() => resolve(question), question.type !== 'MX'));
      return untilAborted(shared, signal, () => failure('aborted', 'the caller gave up'));
    },
  };
}
