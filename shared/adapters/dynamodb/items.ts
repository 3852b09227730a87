/**
 * Item schemas: what the table holds, parsed back into domain objects with zod (never cast). Unknown
 * attributes (keys, ttl, index keys) are tolerated so items can grow without breaking older readers.
 * Attribute names are the table's and stay as they are (`phone`, `from`, `to` hold the domain's
 * `callerNumber` and `dialledNumber`), so items written by earlier releases read the same.
 */
import type { Appointment, Booking, CallRecord, Hold, ToolLedger } from '../../domain/model.ts';
import * as z from '../../zod.ts';
import { NO_LEDGER } from './tool-ledger.ts';

const SlotRefSchema = z.object({ eventTypeUri: z.string(), start: z.string(), durationMinutes: z.number() });

/** An appointment as the table stores it (a mirror item, or a booking ref of a call). */
export const AppointmentItemSchema = z.object({
  eventUri: z.string(),
  inviteeUri: z.string(),
  eventTypeUri: z.string(),
  start: z.string(),
  name: z.string(),
  email: z.string(),
  bookingId: z.nullish(z.string()),
});

export function toAppointment(item: unknown): Appointment {
  const parsed = AppointmentItemSchema.parse(item);
  return { ...parsed, bookingId: parsed.bookingId ?? null };
}

export const BookingRefItemSchema = z.extend(AppointmentItemSchema, {
  expiresAt: z.number(),
  /** When this call canceled the appointment. */
  canceledAt: z.nullish(z.number()),
  /** The booking this call is moving the appointment into. */
  movedTo: z.nullish(z.string()),
});

export const CallItemSchema = z.object({
  callId: z.string(),
  from: z.nullish(z.string()),
  to: z.nullish(z.string()),
  status: z._default(z.enum(['in-progress', 'ended']), 'in-progress'),
  startedAt: z.number(),
  endedAt: z.nullish(z.number()),
  holds: z._default(z.record(z.string(), z.number()), {}),
  version: z._default(z.number(), 0),
  arrivals: z._default(z.number(), 0),
  answer: z.nullish(z.string()),
  bookingRefs: z._default(z.record(z.string(), BookingRefItemSchema), {}),
  refSeq: z._default(z.number(), 0),
  failedLookups: z._default(z.number(), 0),
  /** A string set: the document client reads it as a Set. */
  bookingIds: z.optional(z.set(z.string())),
  transferReason: z.nullish(z.string()),
  transferredAt: z.nullish(z.number()),
  messageAt: z.nullish(z.number()),
});
export type CallItem = z.infer<typeof CallItemSchema>;

/** The call as the domain sees it: its item, and the tool ledger kept beside it (./tool-ledger.ts). */
export function toCallRecord(
  item: CallItem,
  ledger: ToolLedger = NO_LEDGER.ledger,
  revision: number | null = item.version,
): CallRecord {
  return {
    callId: item.callId,
    callerNumber: item.from ?? null,
    dialledNumber: item.to ?? null,
    status: item.status,
    startedAt: item.startedAt,
    endedAt: item.endedAt ?? null,
    ledger,
    holds: item.holds,
    revision,
    answer: item.answer ?? null,
    bookingRefs: Object.entries(item.bookingRefs).map(([ref, entry]) => ({
      ref,
      ...toAppointment(entry),
      expiresAt: entry.expiresAt,
      canceledAt: entry.canceledAt ?? null,
      movedTo: entry.movedTo ?? null,
    })),
    failedLookups: item.failedLookups,
    bookingIds: [...(item.bookingIds ?? [])].sort(),
    transferReason: item.transferReason ?? null,
    transferredAt: item.transferredAt ?? null,
    messageAt: item.messageAt ?? null,
  };
}

export const SlotItemSchema = z.object({
  state: z.enum(['held', 'booking', 'booked', 'released']),
  callId: z.nullish(z.string()),
  holdId: z.nullish(z.string()),
  bookingId: z.nullish(z.string()),
  fence: z._default(z.number(), 0),
  expiresAt: z.nullish(z.number()),
  start: z.string(),
  eventTypeUri: z.string(),
});
export type SlotItem = z.infer<typeof SlotItemSchema>;

/** A 5-minute cell of the business calendar, claimed by the hold whose appointment covers it. */
export const HoldItemSchema = z.object({
  holdId: z.string(),
  callId: z.string(),
  slot: SlotRefSchema,
  fence: z.number(),
  expiresAt: z.number(),
  name: z.string(),
  email: z.string(),
  phone: z.nullish(z.string()),
  status: z.enum(['held', 'confirmed', 'released']),
  bookingId: z.nullish(z.string()),
  createdAt: z.number(),
});

export function toHold(item: unknown): Hold {
  const { phone, ...parsed } = HoldItemSchema.parse(item);
  return { ...parsed, callerNumber: phone ?? null, bookingId: parsed.bookingId ?? null };
}

const CalendlyRefSchema = z.object({
  inviteeUri: z.string(),
  eventUri: z.string(),
  cancelUrl: z.string(),
  rescheduleUrl: z.string(),
});

export const BookingItemSchema = z.object({
  bookingId: z.string(),
  holdId: z.string(),
  callId: z.string(),
  slot: SlotRefSchema,
  fence: z.number(),
  name: z.string(),
  email: z.string(),
  phone: z.nullish(z.string()),
  timezone: z.string(),
  status: z.enum(['queued', 'posting', 'booked', 'failed', 'canceling', 'rescheduling', 'canceled']),
  attempts: z._default(z.number(), 0),
  postingStartedAt: z.nullish(z.number()),
  mayExist: z._default(z.boolean(), false),
  calendly: z.nullish(CalendlyRefSchema),
  failure: z.nullish(z.object({ code: z.string(), message: z.string() })),
  smsSentAt: z.nullish(z.number()),
  canceledBy: z.nullish(z.string()),
  replaces: z.nullish(
    z.object({
      eventUri: z.string(),
      inviteeUri: z.string(),
      eventTypeUri: z.string(),
      start: z.string(),
      bookingId: z.nullish(z.string()),
      canceledAt: z.nullish(z.number()),
    }),
  ),
  movedTo: z.nullish(z.string()),
  dueAt: z.number(),
  createdAt: z.number(),
  updatedAt: z.number(),
});

export function toBooking(item: unknown): Booking {
  const parsed = BookingItemSchema.parse(item);
  return {
    bookingId: parsed.bookingId,
    holdId: parsed.holdId,
    callId: parsed.callId,
    slot: parsed.slot,
    fence: parsed.fence,
    name: parsed.name,
    email: parsed.email,
    callerNumber: parsed.phone ?? null,
    timezone: parsed.timezone,
    status: parsed.status,
    attempts: parsed.attempts,
    postingStartedAt: parsed.postingStartedAt ?? null,
    calendly: parsed.calendly ?? null,
    failure: parsed.failure ?? null,
    smsSentAt: parsed.smsSentAt ?? null,
    canceledBy: parsed.canceledBy ?? null,
    replaces: parsed.replaces
      ? {
          ...parsed.replaces,
          bookingId: parsed.replaces.bookingId ?? null,
          canceledAt: parsed.replaces.canceledAt ?? null,
        }
      : null,
    movedTo: parsed.movedTo ?? null,
    dueAt: parsed.dueAt,
    createdAt: parsed.createdAt,
    updatedAt: parsed.updatedAt,
  };
}

/**
 * A hold or booking as the table stores it: the caller's number under `phone`, and null attributes left
 * out (absence is what conditions such as attribute_not_exists(smsSentAt) test for).
 */
export function itemOf(value: Hold | Booking): Record<string, unknown> {
  const { callerNumber, ...rest } = value;
  return Object.fromEntries(Object.entries({ ...rest, phone: callerNumber }).filter(([, v]) => v !== null));
}
