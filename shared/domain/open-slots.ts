/**
 * Open slots: Calendly's availability for the days of a window (through the availability cache), kept
 * to the window's hours, minus what our own lock says is held or booked, then thinned to a few well
 * spread choices and registered as offers of the asking call.
 */
import type { AvailabilityReader } from './availability.ts';
import type { Clock } from './clock.ts';
import type { CallContext, Offer, SlotRef } from './model.ts';
import type { EventTypeInfo, Store } from './ports.ts';
import { overlapsOccupied } from './slot-cells.ts';
import { addDays } from './time/calendar-day.ts';
import { isoInstant } from './time/instant.ts';
import { partOfDayOf } from './time/parts-of-day.ts';
import { isWithinWindow, resolveSearchWindow, type SearchWindow } from './time/resolve-window.ts';
import { speakSlotList, speakWindow } from './time/speak.ts';
import { localDayOf, localHourMillis } from './time/zone.ts';

/** Calendly refuses a start_time in the past; asking from a little ahead of now keeps clocks out of it. */
const CALENDLY_START_MARGIN_MS = 60_000;

/** What the finder needs of an event type: which one, and how long its appointments last. */
export type Bookable = Pick<EventTypeInfo, 'uri' | 'durationMinutes'>;

/** Offered slots as a tool result lists them: short id, UTC start, and how they are spoken. */
export interface OfferedSlot {
  id: string;
  start: string;
  spoken: string;
}

export interface OpenSlotFinder {
  /** Free starts in the window, ascending, as Calendly wrote them. */
  find(service: Bookable, window: SearchWindow): Promise<string[]>;
  /** Picks, offers and speaks up to the configured number of slots; looks ahead when the window is empty. */
  offer(
    call: CallContext,
    service: Bookable,
    window: SearchWindow,
  ): Promise<{ slots: OfferedSlot[]; window: SearchWindow; say: string; lookedAhead: boolean }>;
  /** True while Calendly (through the availability cache) still lists the slot's start as bookable. */
  stillListed(slot: SlotRef, zone: string): Promise<boolean>;
  /** Fresh choices near a slot that was just taken: same day and part of day, then the whole day, then ahead. */
  alternativesTo(
    call: CallContext,
    taken: SlotRef,
    zone: string,
  ): Promise<{ slots: OfferedSlot[]; say: string }>;
}

/** Up to `count` items spread evenly over the list, first and last included, in order. */
export function spread<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  if (count <= 1) return items.slice(0, count);
  const picked: T[] = [];
  for (let i = 0; i < count; i++) {
    const item = items[Math.round((i * (items.length - 1)) / (count - 1))];
    if (item !== undefined) picked.push(item);
  }
  return picked;
}

export function createOpenSlotFinder(deps: {
  store: Store;
  availability: AvailabilityReader;
  clock: Clock;
  maxSlotsOffered: number;
  offerValidityMs: number;
  lookaheadDays: number;
}): OpenSlotFinder {
  /** The query for one business day, from a little ahead of now (Calendly refuses starts in the past). */
  function dayQuery(eventTypeUri: string, day: string, zone: string) {
    const earliest = deps.clock.now().getTime() + CALENDLY_START_MARGIN_MS;
    return {
      eventTypeUri,
      day,
      startIso: new Date(
        Math.max(localHourMillis(day, 0, zone), Math.ceil(earliest / 60_000) * 60_000),
      ).toISOString(),
      endIso: new Date(localHourMillis(day, 24, zone)).toISOString(),
    };
  }

  async function stillListed(slot: SlotRef, zone: string): Promise<boolean> {
    const instant = Date.parse(isoInstant(slot.start));
    const times = await deps.availability.timesForDay(
      dayQuery(slot.eventTypeUri, localDayOf(instant, zone), zone),
      {
        recheck: true,
      },
    );
    return times.some((time) => Date.parse(isoInstant(time.start)) === instant && time.inviteesRemaining > 0);
  }

  async function find(service: Bookable, window: SearchWindow): Promise<string[]> {
    const eventTypeUri = service.uri;
    const now = deps.clock.now().getTime();
    const earliest = now + CALENDLY_START_MARGIN_MS;
    const days: string[] = [];
    for (let day = window.firstDay; day <= window.lastDay; day = addDays(day, 1)) days.push(day);
    const [perDay, occupied] = await Promise.all([
      Promise.all(days.map((day) => deps.availability.timesForDay(dayQuery(eventTypeUri, day, window.zone)))),
      // Cells from the window's start to its end plus one appointment: a start near the end still covers them.
      deps.store.slots.occupiedCells(
        window.start,
        new Date(Date.parse(window.end) + service.durationMinutes * 60_000).toISOString(),
        deps.clock.now(),
      ),
    ]);
    const seen = new Set<string>();
    const open: string[] = [];
    for (const time of perDay.flat()) {
      const instant = isoInstant(time.start);
      if (seen.has(instant) || time.inviteesRemaining < 1) continue;
      if (overlapsOccupied({ start: instant, durationMinutes: service.durationMinutes }, occupied)) continue;
      if (Date.parse(instant) < earliest || !isWithinWindow(time.start, window)) continue;
      seen.add(instant);
      open.push(time.start);
    }
    return open.sort((a, b) => Date.parse(a) - Date.parse(b));
  }

  async function register(call: CallContext, service: Bookable, starts: string[], zone: string) {
    const now = deps.clock.now();
    const offers: Offer[] = await deps.store.calls.issueOffers(
      call.callId,
      starts.map((start) => ({ eventTypeUri: service.uri, start, durationMinutes: service.durationMinutes })),
      { now, validForMs: deps.offerValidityMs },
    );
    return offers.map((offer) => ({
      id: offer.id,
      start: isoInstant(offer.start),
      spoken: speakSlotList([offer.start], { zone, now }),
    }));
  }

  /** Windows after `window`, one day at a time, in the same part of day. */
  async function lookAhead(service: Bookable, window: SearchWindow) {
    const now = deps.clock.now();
    const windows: SearchWindow[] = [];
    for (let offset = 1; offset <= deps.lookaheadDays; offset++) {
      try {
        windows.push(
          resolveSearchWindow(
            { date: addDays(window.lastDay, offset), partOfDay: window.partOfDay },
            { now, zone: window.zone },
          ),
        );
      } catch {
        break; // past the booking horizon
      }
    }
    // All days at once: a caller waits for the slowest Calendly answer, not for the sum of seven.
    const found = await Promise.all(
      windows.map(async (next) => ({ window: next, starts: await find(service, next) })),
    );
    return found.find((day) => day.starts.length > 0) ?? null;
  }

  async function offer(call: CallContext, service: Bookable, window: SearchWindow) {
    const now = deps.clock.now();
    let starts = await find(service, window);
    let shown = window;
    let lookedAhead = false;
    if (starts.length === 0) {
      const ahead = await lookAhead(service, window);
      if (!ahead) {
        return {
          slots: [],
          window,
          lookedAhead: false,
          say: `I don't see any openings ${speakWindow(window)}, or in the days after. Would another time work?`,
        };
      }
      starts = ahead.starts;
      shown = ahead.window;
      lookedAhead = true;
    }
    const chosen = spread(starts, deps.maxSlotsOffered);
    const slots = await register(call, service, chosen, window.zone);
    const list = speakSlotList(chosen, { zone: window.zone, now });
    const say = lookedAhead
      ? `I don't see any openings ${speakWindow(window)}. The next ones are ${list}. Would one of those work?`
      : `I have ${list}. Which would you like?`;
    return { slots, window: shown, say, lookedAhead };
  }

  async function alternativesTo(call: CallContext, taken: SlotRef, zone: string) {
    const now = deps.clock.now();
    const day = localDayOf(Date.parse(isoInstant(taken.start)), zone);
    const sameDayPart = resolveSearchWindow(
      { date: day, partOfDay: partOfDayOf(taken.start, zone) },
      { now, zone },
    );
    const service = { uri: taken.eventTypeUri, durationMinutes: taken.durationMinutes };
    const result = await offer(call, service, sameDayPart).catch(() => null);
    if (result && result.slots.length > 0) return { slots: result.slots, say: result.say };
    return { slots: [], say: '' };
  }

  return { find, offer, stillListed, alternativesTo };
}
