/**
 * Open slots: Calendly's availability for the days of a window (through the availability cache), kept
 * to the window's hours, minus what our own lock says is held or booked, then narrowed to a few choices
 * (the asked time and its nearest neighbours, or a few spread over the window) and registered as offers
 * of the asking call. A day on which the event type's availability schedule has no hours is not asked of
 * Calendly (nor of the cache) at all (./schedule-days.ts).
 */
import type { AvailabilityReader } from './availability.ts';
import type { Clock } from './clock.ts';
import { type AnswerKeeper, type CallContext, isReplayed, type Replayed, type SlotRef } from './model.ts';
import type { EventTypeInfo, ScheduleDays, Store } from './ports.ts';
import { mayHaveTimes } from './schedule-days.ts';
import { overlapsOccupied } from './slot-cells.ts';
import { addDays } from './time/calendar-day.ts';
import { isoInstant } from './time/instant.ts';
import { type ClockTime, clockText } from './time/phrases.ts';
import { isWithinWindow, resolveSearchWindow, type SearchWindow } from './time/resolve-window.ts';
import { inZone, localDayOf, localHourMillis } from './time/zone.ts';

/** Calendly refuses a start_time in the past; asking from a little ahead of now keeps clocks out of it. */
const CALENDLY_START_MARGIN_MS = 60_000;

/** What the finder needs of an event type: which one, and how long its appointments last. */
export type Bookable = Pick<EventTypeInfo, 'uri' | 'durationMinutes'>;

const slotOf = (offer: { id: string; start: string }): OfferedSlot => ({
  id: offer.id,
  start: isoInstant(offer.start),
});

/** A slot offered to a call: its short id and its UTC start. */
export interface OfferedSlot {
  id: string;
  start: string;
}

/** What was offered: the slots in the order to offer them, and the window they come from. */
export interface SlotOffer {
  /** Empty when neither the window nor the days after it have an opening. */
  slots: OfferedSlot[];
  /** The window the slots are from: the one asked for, or a later day when that one had none. */
  window: SearchWindow;
  lookedAhead: boolean;
  /** With an asked time: whether it is free (it is then the first slot). Null when no time was asked. */
  askedTimeFree: boolean | null;
}

/** What a search found: the starts to offer, in order, before any id is issued for them. */
export interface SlotSearch {
  starts: string[];
  window: SearchWindow;
  lookedAhead: boolean;
  askedTimeFree: boolean | null;
}

/** How offers are registered: keeping the tool call's answer with them (a replay gets the kept one). */
export interface OfferOptions {
  keep?: AnswerKeeper<SlotOffer> | undefined;
}

/** The slots offered, or the answer a replayed tool call already had kept. */
export type Registered = SlotOffer | Replayed;

export interface OpenSlotFinder {
  /** Free starts in the window, ascending, as Calendly wrote them. */
  find(service: Bookable, window: SearchWindow): Promise<string[]>;
  /** Picks up to the configured number of starts; looks ahead when the window is empty. Issues nothing. */
  search(service: Bookable, window: SearchWindow): Promise<SlotSearch>;
  /** Issues the call's ids for what a search found (and keeps the tool call's answer in the same write). */
  register(
    call: CallContext,
    service: Bookable,
    found: SlotSearch,
    options: OfferOptions,
  ): Promise<Registered>;
  /** True while Calendly (through the availability cache) still lists the slot's start as bookable. */
  stillListed(slot: SlotRef, zone: string): Promise<boolean>;
  /** Fresh choices near a slot that was just taken: the nearest free times that day, or on the next day with any. */
  alternativesTo(call: CallContext, taken: SlotRef, zone: string, options: OfferOptions): Promise<Registered>;
}

/** With an asked time, this many choices: the time itself (or its nearest) and the nearest around it. */
export const ASKED_TIME_CHOICES = 3;

/**
 * Starts nearest the asked time of day first (on any of the window's days, earlier days first on a tie),
 * and whether the asked time itself is among them.
 */
export function nearestTo(
  starts: readonly string[],
  asked: ClockTime,
  zone: string,
): { starts: string[]; exact: boolean } {
  const target = asked.hour * 60 + asked.minute;
  const distance = (start: string) => {
    const local = inZone(Date.parse(isoInstant(start)), zone);
    return Math.abs(local.hour * 60 + local.minute - target);
  };
  const ranked = starts
    .map((start) => ({ start, distance: distance(start), at: Date.parse(isoInstant(start)) }))
    .sort((a, b) => a.distance - b.distance || a.at - b.at);
  return { starts: ranked.map((entry) => entry.start), exact: ranked[0]?.distance === 0 };
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
  /**
   * When an event type's schedules have hours (the calendar directory's snapshot); null, a failure or no
   * lookup at all means unknown, and then every day is asked.
   */
  schedules?: (eventTypeUri: string) => Promise<ScheduleDays[] | null>;
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

  async function scheduleOf(eventTypeUri: string): Promise<ScheduleDays[] | null> {
    if (!deps.schedules) return null;
    return await deps.schedules(eventTypeUri).catch(() => null);
  }

  async function find(service: Bookable, window: SearchWindow): Promise<string[]> {
    const eventTypeUri = service.uri;
    const now = deps.clock.now().getTime();
    const earliest = now + CALENDLY_START_MARGIN_MS;
    // Cells from the window's start to its end plus one appointment: a start near the end still covers
    // them. Read while the schedules and Calendly's times are looked up.
    const occupiedRead = deps.store.slots.occupiedCells(
      window.start,
      new Date(Date.parse(window.end) + service.durationMinutes * 60_000).toISOString(),
      deps.clock.now(),
    );
    occupiedRead.catch(() => undefined);
    const schedules = await scheduleOf(eventTypeUri);
    const queries = [];
    for (let day = window.firstDay; day <= window.lastDay; day = addDays(day, 1)) {
      const query = dayQuery(eventTypeUri, day, window.zone);
      // The query's own UTC range against the schedules' zones: skipped only when no schedule has hours on
      // any of its dates that range touches.
      if (mayHaveTimes(schedules, Date.parse(query.startIso), Date.parse(query.endIso))) queries.push(query);
    }
    const [perDay, occupied] = await Promise.all([
      Promise.all(queries.map((query) => deps.availability.timesForDay(query))),
      occupiedRead,
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

  async function register(
    call: CallContext,
    service: Bookable,
    found: SlotSearch,
    { keep }: OfferOptions,
  ): Promise<Registered> {
    const offerOf = (slots: OfferedSlot[]): SlotOffer => ({
      slots,
      window: found.window,
      lookedAhead: found.lookedAhead,
      askedTimeFree: found.askedTimeFree,
    });
    // Nothing to issue and no answer to keep: no write at all.
    if (found.starts.length === 0 && !keep) return offerOf([]);
    const issued = await deps.store.calls.issueOffers(
      call.callId,
      found.starts.map((start) => ({
        eventTypeUri: service.uri,
        start,
        durationMinutes: service.durationMinutes,
      })),
      {
        now: deps.clock.now(),
        validForMs: deps.offerValidityMs,
        keep: keep && {
          toolCallId: keep.toolCallId,
          answer: (offers) => keep.answer(offerOf(offers.map(slotOf))),
        },
      },
    );
    return isReplayed(issued) ? issued : offerOf(issued.offers.map(slotOf));
  }

  /** Windows after `window`, one day at a time, in the same part of day. */
  async function lookAhead(service: Bookable, window: SearchWindow) {
    const now = deps.clock.now();
    const windows: SearchWindow[] = [];
    for (let offset = 1; offset <= deps.lookaheadDays; offset++) {
      try {
        windows.push(
          resolveSearchWindow(
            {
              date: addDays(window.lastDay, offset),
              partOfDay: window.partOfDay,
              time: window.askedTime && clockText(window.askedTime),
            },
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

  /** The starts to offer, in order: nearest an asked time first, else spread over the window. */
  function choose(
    starts: string[],
    window: SearchWindow,
  ): { starts: string[]; askedTimeFree: boolean | null } {
    if (window.askedTime === null)
      return { starts: spread(starts, deps.maxSlotsOffered), askedTimeFree: null };
    const nearest = nearestTo(starts, window.askedTime, window.zone);
    return {
      starts: nearest.starts.slice(0, Math.min(ASKED_TIME_CHOICES, deps.maxSlotsOffered)),
      askedTimeFree: nearest.exact,
    };
  }

  async function search(service: Bookable, window: SearchWindow): Promise<SlotSearch> {
    const starts = await find(service, window);
    if (starts.length > 0) return { ...choose(starts, window), window, lookedAhead: false };
    const ahead = await lookAhead(service, window);
    if (!ahead) return { starts: [], window, lookedAhead: false, askedTimeFree: null };
    return { ...choose(ahead.starts, ahead.window), window: ahead.window, lookedAhead: true };
  }

  async function alternativesTo(
    call: CallContext,
    taken: SlotRef,
    zone: string,
    options: OfferOptions,
  ): Promise<Registered> {
    const now = deps.clock.now();
    const at = inZone(Date.parse(isoInstant(taken.start)), zone);
    const sameDay = resolveSearchWindow({ date: at.day, time: clockText(at) }, { now, zone });
    const service = { uri: taken.eventTypeUri, durationMinutes: taken.durationMinutes };
    const none = { slots: [], window: sameDay, lookedAhead: false, askedTimeFree: null };
    try {
      return await register(call, service, await search(service, sameDay), options);
    } catch {
      return none;
    }
  }

  return { find, search, register, stillListed, alternativesTo };
}
