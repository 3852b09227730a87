/**
 * Calendly availability with two cache layers: this container's memory and the shared table. Entries are
 * fresh for 60 s from when Calendly answered. Concurrent misses are coalesced twice: in a container by
 * sharing one promise, across containers by a fill lease, so one (event type, day) costs at most one
 * Calendly request per minute however many callers ask.
 */
import type { AvailabilityCachePort, AvailableTime, CalendlyPort, Clock } from './ports.ts';

/** One business day to read, and the UTC range to ask Calendly for (already clamped to the future). */
export interface DayQuery {
  eventTypeUri: string;
  day: string;
  startIso: string;
  endIso: string;
}

export interface AvailabilityOptions {
  freshForMs: number;
  leaseMs: number;
  waitForFillMs: number;
  pollMs: number;
}

export const DEFAULT_AVAILABILITY_OPTIONS: AvailabilityOptions = {
  freshForMs: 60_000,
  leaseMs: 5_000,
  waitForFillMs: 3_000,
  pollMs: 50,
};

interface Entry {
  times: AvailableTime[];
  fetchedAt: number;
}

export interface AvailabilityReader {
  timesForDay(query: DayQuery): Promise<AvailableTime[]>;
}

export function createAvailabilityReader(
  deps: { calendly: CalendlyPort; cache: AvailabilityCachePort; clock: Clock },
  options: AvailabilityOptions = DEFAULT_AVAILABILITY_OPTIONS,
): AvailabilityReader {
  const memory = new Map<string, Entry>();
  const inflight = new Map<string, Promise<Entry>>();
  const isFresh = (entry: Entry | null | undefined): entry is Entry =>
    !!entry && deps.clock.now().getTime() - entry.fetchedAt < options.freshForMs;

  async function fetchAndShare(query: DayQuery): Promise<Entry> {
    const times = await deps.calendly.listAvailableTimes(query.eventTypeUri, query.startIso, query.endIso);
    const entry = { times, fetchedAt: deps.clock.now().getTime() };
    await deps.cache.write(query.eventTypeUri, query.day, times, deps.clock.now(), options.freshForMs * 10);
    return entry;
  }

  async function load(query: DayQuery): Promise<Entry> {
    const shared = await deps.cache.read(query.eventTypeUri, query.day);
    if (isFresh(shared)) return shared;
    if (await deps.cache.tryLease(query.eventTypeUri, query.day, deps.clock.now(), options.leaseMs)) {
      return await fetchAndShare(query);
    }
    // Another container is asking Calendly right now: wait for its answer rather than asking too.
    const deadline = Date.now() + options.waitForFillMs;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, options.pollMs));
      const filled = await deps.cache.read(query.eventTypeUri, query.day);
      if (isFresh(filled)) return filled;
    }
    return await fetchAndShare(query);
  }

  return {
    async timesForDay(query) {
      if (Date.parse(query.endIso) <= Date.parse(query.startIso)) return [];
      const key = `${query.eventTypeUri}|${query.day}`;
      const cached = memory.get(key);
      if (isFresh(cached)) return cached.times;
      let pending = inflight.get(key);
      if (!pending) {
        pending = load(query).finally(() => inflight.delete(key));
        inflight.set(key, pending);
      }
      const entry = await pending;
      memory.set(key, entry);
      return entry.times;
    },
  };
}
