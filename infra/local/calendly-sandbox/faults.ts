/** Injected faults and latency: how tests make the sandbox slow, rate limited or broken on purpose. */
import type { EndpointSelector, SandboxEndpoint } from './endpoints.ts';
import type { CalendlyErrorBody } from './errors.ts';

/**
 * What an injected fault answers. 'drop' closes the connection without any response (a network error); 400
 * is a refusal, with the body given in the fault (Calendly's wording for some refusals is undocumented);
 * 403 is a token without the operation's scope (Calendly's "Insufficient scope" body, unless one is given);
 * 'slow' applies the request and answers normally, after `delayMs` (e.g. past the client's timeout).
 */
export type FaultStatus = 400 | 403 | 429 | 500 | 502 | 503 | 'drop' | 'slow';

/** A fault to inject into the next `times` matching requests. */
export interface FaultSpec {
  endpoint: EndpointSelector;
  status: FaultStatus;
  /** How many matching requests fail (default 1). */
  times?: number;
  /** X-RateLimit-Reset of an injected 429 (default 60). */
  resetSeconds?: number;
  /**
   * Apply the request first, then answer with the fault: the booking exists but the client never hears so
   * (a lost response). Default false: the request has no effect.
   */
  afterCommit?: boolean;
  /** The error body to answer with; default: Calendly's body for the status. */
  body?: CalendlyErrorBody;
  /** For 'slow': how long the answer is held back (default 10 s). */
  delayMs?: number;
}

interface ArmedFault {
  endpoint: EndpointSelector;
  status: FaultStatus;
  remaining: number;
  resetSeconds: number;
  afterCommit: boolean;
  body: CalendlyErrorBody | undefined;
  delayMs: number;
}

/** A fault that fired for one request. */
export interface FiredFault {
  endpoint: SandboxEndpoint;
  status: FaultStatus;
  resetSeconds: number;
  afterCommit: boolean;
  body: CalendlyErrorBody | undefined;
  delayMs: number;
}

/** Armed faults and configured latency. */
export class FaultBook {
  private faults: ArmedFault[] = [];
  private firedLog: FiredFault[] = [];
  private globalLatencyMs: number;
  private readonly endpointLatencyMs = new Map<SandboxEndpoint, number>();

  constructor(latencyMs = 0) {
    this.globalLatencyMs = latencyMs;
  }

  inject(spec: FaultSpec): void {
    this.faults.push({
      endpoint: spec.endpoint,
      status: spec.status,
      remaining: spec.times ?? 1,
      resetSeconds: spec.resetSeconds ?? 60,
      afterCommit: spec.afterCommit ?? false,
      body: spec.body,
      delayMs: spec.delayMs ?? 10_000,
    });
  }

  /** Disarms every fault not fired yet. */
  clear(): void {
    this.faults = [];
  }

  /** Every fault that fired, in order. */
  fired(): FiredFault[] {
    return this.firedLog.map((fault) => ({ ...fault }));
  }

  /** Consumes one use of the first armed fault matching `endpoint`, if any. */
  take(endpoint: SandboxEndpoint): FiredFault | null {
    const fault = this.faults.find(
      (candidate) =>
        candidate.remaining > 0 && (candidate.endpoint === 'any' || candidate.endpoint === endpoint),
    );
    if (fault === undefined) return null;
    fault.remaining -= 1;
    this.faults = this.faults.filter((candidate) => candidate.remaining > 0);
    const { status, resetSeconds, afterCommit, body, delayMs } = fault;
    const fired = { endpoint, status, resetSeconds, afterCommit, body, delayMs };
    this.firedLog.push(fired);
    return { ...fired };
  }

  /** Sets latency for one endpoint, or for all of them when `endpoint` is omitted (0 removes it). */
  setLatency(ms: number, endpoint?: SandboxEndpoint): void {
    if (endpoint === undefined) this.globalLatencyMs = ms;
    else if (ms > 0) this.endpointLatencyMs.set(endpoint, ms);
    else this.endpointLatencyMs.delete(endpoint);
  }

  /** Latency of `endpoint`; requests that match no endpoint (401s on unknown paths, 404s) get the global one. */
  latencyFor(endpoint: SandboxEndpoint | null): number {
    return (endpoint === null ? undefined : this.endpointLatencyMs.get(endpoint)) ?? this.globalLatencyMs;
  }
}
