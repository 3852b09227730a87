/**
 * Who and what we book: the Calendly user, the business time zone and the event types ("services"),
 * read from Calendly once and kept for a few minutes per container (they change rarely).
 */

import type { Clock } from './clock.ts';
import { NoServicesError, UnknownServiceError } from './errors.ts';
import type { CalendlyPort, CalendlyUser, EventTypeInfo } from './ports.ts';

export interface CalendarDirectory {
  user(): Promise<CalendlyUser>;
  /** BUSINESS_TIMEZONE when configured, else the Calendly user's zone. */
  businessTimezone(): Promise<string>;
  /** The event type for a spoken service name, or the default one; UnknownServiceError when nothing matches, NoServicesError when nothing can be booked. */
  eventTypeFor(service?: string | null): Promise<EventTypeInfo>;
  eventTypeByUri(uri: string): Promise<EventTypeInfo>;
}

const DIRECTORY_TTL_MS = 5 * 60_000;

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

export function createCalendarDirectory(deps: {
  calendly: CalendlyPort;
  clock: Clock;
  defaultEventTypeUri?: string | undefined;
  businessTimezone?: string | undefined;
}): CalendarDirectory {
  let cached: { user: CalendlyUser; types: EventTypeInfo[]; at: number } | null = null;
  let loading: Promise<{ user: CalendlyUser; types: EventTypeInfo[]; at: number }> | null = null;
  const byUri = new Map<string, EventTypeInfo>();

  async function load() {
    if (cached && deps.clock.now().getTime() - cached.at < DIRECTORY_TTL_MS) return cached;
    loading ??= (async () => {
      const user = await deps.calendly.getCurrentUser();
      const types = (await deps.calendly.listEventTypes(user.uri)).filter((type) => type.active);
      for (const type of types) byUri.set(type.uri, type);
      cached = { user, types, at: deps.clock.now().getTime() };
      return cached;
    })().finally(() => {
      loading = null;
    });
    return await loading;
  }

  async function eventTypeByUri(uri: string): Promise<EventTypeInfo> {
    const known = byUri.get(uri);
    if (known) return known;
    const type = await deps.calendly.getEventType(uri);
    byUri.set(uri, type);
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
      const { types } = await load();
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
  };
}
