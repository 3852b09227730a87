/**
 * Calendly availability with two cache layers: this container's memory and the shared table. Entries are
 * fresh for 60 s from when the Calendly request for them started. Concurrent misses are coalesced twice: in
 * a container by sharing one promise, across containers by a fill lease, so one (event type, day) costs at
 * most one Calendly request per minute however many callers ask.
 *
 * Staleness is bounded three ways. A Calendly webhook invalidates the shared entries of its day, and a fill
 * whose request started before that invalidation is not stored (its caller still gets the answer). Memory is
 * trusted for a few seconds only, then re-checked against the shared entry, which an invalidation voids.
 */
import { type Clock, sleep } from './clock.ts';
import type { AvailabilityCachePort, AvailableTime, CachedTimes, CalendlyPort } from './ports.ts';

/** One business day to read, and the UTC range to ask Calendly for (already clamped to the future). */
export interface DayQuery {
  eventTypeUri: string;
  day: string;
  startIso: string;
  endIso: string;
}

/** Timings of the availability cache. */
export interface AvailabilityOptions {
  /** How long Calendly's answer is used, counted from when the request for it started. */
  freshForMs: number;
  /** How long memory is served without re-checking the shared entry (the most an invalidation goes unseen). */
  memoryTrustMs: number;
  /** How long a filler may take before another caller may fill instead. */
  leaseMs: number;
  /** One wait for another container's fill; after two, a caller asks Calendly without the lease. */
  waitForFillMs: number;
  pollMs: number;
}

/** The timings the product runs with. */
export const DEFAULT_AVAILABILITY_OPTIONS: AvailabilityOptions = {
  freshForMs: 60_000,
  memoryTrustMs: 5_000,
  leaseMs: 5_000,
  waitForFillMs: 3_000,
  pollMs: 50,
};

/** A memory entry and when it was last known not to be invalidated (epoch ms). */
interface Remembered {
  entry: CachedTimes;
  checkedAt: number;
}

/** Calendly's available times for one business day, through both cache layers. */
export interface AvailabilityReader {
  /**
   * Calendly's times for one day. `recheck` skips this container's few-seconds memory and reads the shared
   * entry, so an invalidation from a Calendly webhook is seen at once (hold_slot uses it before a read-back).
   */
  timesForDay(query: DayQuery, options?: { recheck?: boolean }): Promise<AvailableTime[]>;
}

/** Builds one container's reader: its own memory and in-flight requests over the shared cache. */
export function createAvailabilityReader(
  deps: { calendly: CalendlyPort; cache: AvailabilityCachePort; clock: Clock },
  options: AvailabilityOptions = DEFAULT_AVAILABILITY_OPTIONS,
): AvailabilityReader {
  const memory = new Map<string, Remembered>();
  const inflight = new Map<string, Promise<AvailableTime[]>>();
  const nowMs = () => deps.clock.now().getTime();
  const isFresh = (entry: CachedTimes | null | undefined): entry is CachedTimes =>
    !!entry && nowMs() - entry.fetchedAt < options.freshForMs;

  async function releaseLease(query: DayQuery, leaseUntil: number | null): Promise<void> {
    if (leaseUntil === null) return;
    // Best effort: a lease that cannot be given back simply runs out after leaseMs.
    await deps.cache.releaseLease(query.eventTypeUri, query.day, leaseUntil).catch(() => undefined);
  }

  async function fetchAndShare(query: DayQuery, key: string, leaseUntil: number | null) {
    // Stamped before asking: anything Calendly changed after this instant may be missing from the answer.
    const fetchStartedAt = deps.clock.now();
    let times: AvailableTime[];
    try {
      times = await deps.calendly.listAvailableTimes(query.eventTypeUri, query.startIso, query.endIso);
    } catch (error) {
      // Let one waiting caller try at once rather than when the lease runs out.
      await releaseLease(query, leaseUntil);
      throw error;
    }
    const stored = await deps.cache.write(
      query.eventTypeUri,
      query.day,
      times,
      fetchStartedAt,
      options.freshForMs * 10,
    );
    if (stored) {
      memory.set(key, { entry: { times, fetchedAt: fetchStartedAt.getTime() }, checkedAt: nowMs() });
    } else {
      // The day changed while we asked: our callers get this answer, but nobody else should, so the next
      // caller fills again (and needs the lease for that).
      await releaseLease(query, leaseUntil);
    }
    return times;
  }

  async function load(query: DayQuery, key: string): Promise<AvailableTime[]> {
    const lastResortAt = nowMs() + 2 * options.waitForFillMs;
    for (;;) {
      const shared = await deps.cache.read(query.eventTypeUri, query.day);
      if (isFresh(shared.entry)) {
        memory.set(key, { entry: shared.entry, checkedAt: nowMs() });
        return shared.entry.times;
      }
      // The lease is tried whenever it is free, so when its holder died or had its answer invalidated, one
      // waiter takes over rather than all of them asking Calendly at once.
      if (shared.leaseUntil === null || shared.leaseUntil <= nowMs()) {
        const leaseUntil = await deps.cache.tryLease(
          query.eventTypeUri,
          query.day,
          deps.clock.now(),
          options.leaseMs,
        );
        if (leaseUntil !== null) return await fetchAndShare(query, key, leaseUntil);
      }
      // Two waits without an answer or a free lease: the shared cache is not working, ask Calendly anyway.
      if (nowMs() >= lastResortAt) return await fetchAndShare(query, key, null);
      await sleep(deps.clock, options.pollMs);
    }
  }

  return {
    async timesForDay(query, { recheck = false } = {}) {
      if (Date.parse(query.endIso) <= Date.parse(query.startIso)) return [];
      const key = `${query.eventTypeUri}|${query.day}`;
      const remembered = memory.get(key);
      if (
        !recheck &&
        remembered &&
        isFresh(remembered.entry) &&
        nowMs() - remembered.checkedAt < options.memoryTrustMs
      ) {
        return remembered.entry.times;
      }
      let pending = inflight.get(key);
      if (!pending) {
        pending = load(query, key).finally(() => inflight.delete(key));
        inflight.set(key, pending);
      }
      return await pending;
    },
  };
}
