/**
 * What a fault campaign does, decided up front from a seed: per round, the callers (what they ask for, which
 * time they pick, whether they replay a tool call, how their call ends) and the faults (Calendly errors armed
 * in the sandbox, times booked on the web under a hold, lost and duplicated queue messages). A pure function
 * of (seed, round): the same seed plays the same campaign. How the concurrent parts interleave is up to the
 * machine, which is the point of running them at once.
 */
import type { SandboxEndpoint } from '../infra/local/calendly-sandbox/endpoints.ts';
import type { FaultStatus } from '../infra/local/calendly-sandbox/faults.ts';

/** mulberry32: small, fast, and good enough to pick test inputs. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export type CallEnding = 'confirm' | 'release' | 'hang_up' | 'abandon';
export type Service = 'Consultation' | 'Cleaning';

export interface CallerPlan {
  index: number;
  /** Which of the round's days the caller asks about. */
  day: number;
  /** null: the caller withholds their number (no SMS). */
  phone: string | null;
  service: Service;
  partOfDay: 'morning' | 'afternoon' | 'any';
  /** Which offered time the caller picks (clamped to what was offered); low numbers collide more. */
  pick: number;
  /** Real-time delay before the caller starts, so calls overlap in different orders. */
  startDelayMs: number;
  replayHold: boolean;
  replayConfirm: boolean;
  ending: CallEnding;
  /** Someone books the held time on Calendly's own page before this caller confirms. */
  bookedOnWebFirst: boolean;
  /** The queue loses the first delivery of this caller's booking. */
  firstDeliveryLost: boolean;
  /** A second copy of this caller's booking message is sent (SQS delivers at least once). */
  duplicateMessage: boolean;
}

/** Calendly faults, by what the client sees. */
export type CalendlyFaultKind =
  | 'rate_limited'
  | 'server_error'
  | 'connection_reset'
  | 'response_lost'
  | 'slow_past_timeout';

export interface PlannedCalendlyFault {
  kind: CalendlyFaultKind;
  endpoint: SandboxEndpoint;
  status: FaultStatus;
  afterCommit: boolean;
  resetSeconds?: number;
  delayMs?: number;
}

export interface RoundPlan {
  round: number;
  /** How many consecutive business days the callers spread over (each day has 16 half hours). */
  days: number;
  callers: CallerPlan[];
  calendlyFaults: PlannedCalendlyFault[];
  /** Calendly's event lists lag behind its writes by this much this round (0: no lag). */
  listingLagMs: number;
}

export interface PlanOptions {
  seed: number;
  minCallers: number;
  maxCallers: number;
  /**
   * Answers held back past the Calendly client's 8 s timeout cost real seconds: at most one, in one round
   * out of this many.
   */
  slowFaultEvery: number;
}

/** Longer than the Calendly client's timeout (8 s). */
export const SLOW_ANSWER_MS = 8_500;

export function planRound(round: number, options: PlanOptions): RoundPlan {
  const random = seededRandom((options.seed * 1_000_003 + round * 7_919) >>> 0);
  const chance = (p: number) => random() < p;
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const choose = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

  const callerCount = between(options.minCallers, options.maxCallers);
  // About a dozen callers per day: enough to fight over times, not so many that most find nothing.
  const days = Math.max(1, Math.round(callerCount / 12));
  const callers: CallerPlan[] = Array.from({ length: callerCount }, (_, index) => {
    const ending = choose<CallEnding>([
      'confirm',
      'confirm',
      'confirm',
      'confirm',
      'confirm',
      'confirm',
      'release',
      'hang_up',
      'abandon',
    ]);
    return {
      index,
      day: between(0, days - 1),
      phone: chance(0.1) ? null : `+1415555${String(1000 + index).padStart(4, '0')}`,
      service: chance(0.7) ? 'Consultation' : 'Cleaning',
      partOfDay: choose(['morning', 'afternoon', 'any'] as const),
      pick: chance(0.5) ? 0 : between(0, 5),
      startDelayMs: between(0, 400),
      replayHold: chance(0.15),
      replayConfirm: ending === 'confirm' && chance(0.15),
      ending,
      bookedOnWebFirst: ending === 'confirm' && chance(0.06),
      firstDeliveryLost: ending === 'confirm' && chance(0.05),
      duplicateMessage: ending === 'confirm' && chance(0.1),
    };
  });

  const calendlyFaults: PlannedCalendlyFault[] = [];
  const faultCount = between(1, Math.max(2, Math.ceil(callerCount / 3)));
  let slow = round % options.slowFaultEvery === 0 ? 0 : 1;
  for (let i = 0; i < faultCount; i++) {
    const endpoint = chance(0.75)
      ? 'create_invitee'
      : choose<SandboxEndpoint>(['available_times', 'list_scheduled_events', 'list_event_invitees']);
    const kind = choose<CalendlyFaultKind>(
      endpoint === 'create_invitee'
        ? [
            'rate_limited',
            'server_error',
            'connection_reset',
            'response_lost',
            'response_lost',
            'slow_past_timeout',
          ]
        : ['rate_limited', 'server_error', 'connection_reset'],
    );
    if (kind === 'slow_past_timeout' && slow++ > 0) continue;
    calendlyFaults.push(calendlyFault(kind, endpoint, random));
  }
  return {
    round,
    days,
    callers,
    calendlyFaults,
    listingLagMs: chance(0.2) ? between(1, 20) * 1000 : 0,
  };
}

function calendlyFault(
  kind: CalendlyFaultKind,
  endpoint: SandboxEndpoint,
  random: () => number,
): PlannedCalendlyFault {
  switch (kind) {
    case 'rate_limited':
      return { kind, endpoint, status: 429, afterCommit: false, resetSeconds: 1 + Math.floor(random() * 60) };
    case 'server_error':
      return {
        kind,
        endpoint,
        status: ([500, 502, 503] as const)[Math.floor(random() * 3)] ?? 500,
        afterCommit: false,
      };
    case 'connection_reset':
      return { kind, endpoint, status: 'drop', afterCommit: false };
    case 'response_lost':
      // Calendly booked it, and then the connection died or a 5xx came back instead of the 201.
      return { kind, endpoint, status: random() < 0.5 ? 'drop' : 502, afterCommit: true };
    case 'slow_past_timeout':
      return { kind, endpoint, status: 'slow', afterCommit: false, delayMs: SLOW_ANSWER_MS };
  }
}
