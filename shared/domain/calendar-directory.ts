/**
 * Who and what we book: the Calendly user, the business time zone, the event types ("services") and when
 * their schedules have hours. One snapshot of them lives in the table, shared by every container: a
 * container serves from its memory, else from that snapshot, and asks Calendly only when there is no
 * snapshot at all (the first use ever), then stores what it read. An old snapshot is still served; the
 * booking sweeper refreshes it off the callers' path (refreshDirectorySnapshot), so in steady state no
 * caller waits for Calendly to learn who we are.
 */

import type { Clock } from './clock.ts';
import { NoServicesError, UnknownServiceError } from './errors.ts';
import type {
  CalendlyPort,
  CalendlyUser,
  DirectorySnapshot,
  DirectorySnapshotPort,
  EventTypeInfo,
  ScheduleDays,
} from './ports.ts';
import { addDays, dayOfUtcMillis } from './time/calendar-day.ts';

export interface CalendarDirectory {
  user(): Promise<CalendlyUser>;
  /** BUSINESS_TIMEZONE when configured, else the Calendly user's zone. */
  businessTimezone(): Promise<string>;
  /** The event type for a spoken service name, or the default one; UnknownServiceError when nothing matches, NoServicesError when nothing can be booked. */
  eventTypeFor(service?: string | null): Promise<EventTypeInfo>;
  eventTypeByUri(uri: string): Promise<EventTypeInfo>;
}

/** The directory as built here: it also knows when each event type's schedules have hours. */
export interface SnapshotDirectory extends CalendarDirectory {
  /** When the event type's schedules have hours, as of the snapshot; null when unknown (never skip a day). */
  scheduleOf(eventTypeUri: string): Promise<ScheduleDays[] | null>;
}

/** How long a container serves its memory before reading the shared snapshot again (one GetItem). */
export const DIRECTORY_MEMORY_MS = 5 * 60_000;
/** A snapshot older than this is refreshed by the sweeper (it is still served meanwhile). */
export const DIRECTORY_REFRESH_AFTER_MS = 5 * 60_000;
/** Schedules of this many event types are read from Calendly at once. */
const SCHEDULE_CONCURRENCY = 4;

function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9 ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Picks the event type a caller means: exact name, then name contains the phrase or vice versa. */
export function matchEventType(types: readonly EventTypeInfo[], service: string): EventTypeInfo | null {
  const wanted = normalise(service);
  if (!wanted) return null;
  const named = types.map((type) => ({ type, name: normalise(type.name), slug: normalise(type.slug ?? '') }));
  return (
    named.find((entry) => entry.name === wanted || entry.slug === wanted)?.type ??
    named.find((entry) => entry.name.includes(wanted) || wanted.includes(entry.name))?.type ??
    null
  );
}

/** What reading the directory from Calendly needs. */
export interface DirectorySource {
  calendly: CalendlyPort;
  clock: Clock;
  /** CALENDLY_EVENT_TYPE_URI: fetched by URI (and kept in the snapshot) when it is not in the list. */
  defaultEventTypeUri?: string | undefined;
}

/**
 * A fresh snapshot from Calendly: the user, then the active event types (and the configured default when it is
 * not among them), then each one's schedule days. A schedule that cannot be read is stored as unknown.
 */
export async function readDirectoryFromCalendly(source: DirectorySource): Promise<DirectorySnapshot> {
  const fetchedAt = source.clock.now().getTime();
  const user = await source.calendly.getCurrentUser();
  const eventTypes = (await source.calendly.listEventTypes(user.uri)).filter((type) => type.active);
  const extraEventTypes: EventTypeInfo[] = [];
  const wanted = source.defaultEventTypeUri;
  if (wanted && !eventTypes.some((type) => type.uri === wanted)) {
    extraEventTypes.push(await source.calendly.getEventType(wanted));
  }
  // Overrides dated before yesterday (UTC) can no longer matter to a search.
  const oldest = addDays(dayOfUtcMillis(fetchedAt), -1);
  const schedules: Record<string, ScheduleDays[] | null> = {};
  const queue = [...eventTypes, ...extraEventTypes].map((type) => type.uri);
  const worker = async () => {
    for (let uri = queue.shift(); uri !== undefined; uri = queue.shift()) {
      const days = await source.calendly.listScheduleDays(uri).catch(() => null);
      schedules[uri] =
        days?.map((schedule) => ({
          ...schedule,
          overrideDates: schedule.overrideDates.filter((date) => date >= oldest),
        })) ?? null;
    }
  };
  await Promise.all(Array.from({ length: SCHEDULE_CONCURRENCY }, worker));
  return { user, eventTypes, extraEventTypes, schedules, fetchedAt };
}

/** What the sweeper's refresh did. */
export type DirectoryRefresh =
  | { kind: 'fresh'; ageMs: number }
  | { kind: 'refreshed'; eventTypes: number; previousAgeMs: number | null };

/**
 * Re-reads the directory from Calendly when the stored snapshot is missing or older than `refreshAfterMs`,
 * and stores it. Run by the booking sweeper on its schedule, never on a caller's path.
 */
export async function refreshDirectorySnapshot(
  deps: DirectorySource & { snapshots: DirectorySnapshotPort },
  refreshAfterMs = DIRECTORY_REFRESH_AFTER_MS,
): Promise<DirectoryRefresh> {
  const stored = await deps.snapshots.read();
  const ageMs = stored ? deps.clock.now().getTime() - stored.fetchedAt : null;
  if (ageMs !== null && ageMs < refreshAfterMs) return { kind: 'fresh', ageMs };
  const snapshot = await readDirectoryFromCalendly(deps);
  await deps.snapshots.write(snapshot);
  return { kind: 'refreshed', eventTypes: snapshot.eventTypes.length, previousAgeMs: ageMs };
}

/** One container's directory: its memory over the shared snapshot, over Calendly for the very first use. */
export function createCalendarDirectory(
  deps: DirectorySource & {
    snapshots: DirectorySnapshotPort;
    businessTimezone?: string | undefined;
  },
): SnapshotDirectory {
  let cached: { snapshot: DirectorySnapshot; readAt: number } | null = null;
  let loading: Promise<DirectorySnapshot> | null = null;
  /** Event types fetched by URI in this container because no snapshot has them. */
  const fetchedByUri = new Map<string, EventTypeInfo>();
  const nowMs = () => deps.clock.now().getTime();

  async function fromSnapshotOrCalendly(): Promise<DirectorySnapshot> {
    let stored: DirectorySnapshot | null;
    try {
      stored = await deps.snapshots.read();
    } catch {
      // The table cannot be read: an older memory is better than nothing, then Calendly itself.
      if (cached) return cached.snapshot;
      stored = null;
    }
    if (stored) return stored;
    const snapshot = await readDirectoryFromCalendly(deps);
    // Best effort: the next container reads it instead of asking Calendly; the sweeper writes it otherwise.
    await deps.snapshots.write(snapshot).catch(() => false);
    return snapshot;
  }

  async function load(): Promise<DirectorySnapshot> {
    if (cached && nowMs() - cached.readAt < DIRECTORY_MEMORY_MS) return cached.snapshot;
    loading ??= (async () => {
      const readAt = nowMs();
      const snapshot = await fromSnapshotOrCalendly();
      cached = { snapshot, readAt };
      return snapshot;
    })().finally(() => {
      loading = null;
    });
    return await loading;
  }

  async function eventTypeByUri(uri: string): Promise<EventTypeInfo> {
    const snapshot = await load();
    const known =
      snapshot.eventTypes.find((type) => type.uri === uri) ??
      snapshot.extraEventTypes.find((type) => type.uri === uri) ??
      fetchedByUri.get(uri);
    if (known) return known;
    const type = await deps.calendly.getEventType(uri);
    fetchedByUri.set(uri, type);
    return type;
  }

  return {
    async user() {
      return (await load()).user;
    },

    async businessTimezone() {
      return deps.businessTimezone ?? (await load()).user.timezone;
    },

    async eventTypeFor(service) {
      const { eventTypes: types } = await load();
      if (service?.trim()) {
        const match = matchEventType(types, service);
        if (match) return match;
        throw new UnknownServiceError(
          service.trim(),
          types.map((type) => type.name),
        );
      }
      if (deps.defaultEventTypeUri) return await eventTypeByUri(deps.defaultEventTypeUri);
      const first = types[0];
      if (!first) throw new NoServicesError();
      return first;
    },

    eventTypeByUri,

    async scheduleOf(eventTypeUri) {
      return (await load()).schedules[eventTypeUri] ?? null;
    },
  };
}
