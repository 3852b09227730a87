/**
 * Every key this product writes, built in one place. Layout of the single table:
 *
 * | item         | pk                                   | sk                   | notes                          |
 * |--------------|--------------------------------------|----------------------|--------------------------------|
 * | call         | CALL#<callId>                        | CALL                 | live holds, status, refs       |
 * | tool ledger  | CALL#<callId>                        | LEDGER               | offers, answers kept for replays |
 * | slot lock    | SLOT#<eventTypeId>#<UTC day>         | <start, ISO ms>      | state, holder, fence, lease    |
 * | cell bucket  | CELL#<UTC month>                     | <bucket start, ISO ms> | which hold covers each 5 min of 2 h |
 * | hold         | HOLD#<holdId>                        | HOLD                 | who, which slot, lease         |
 * | booking      | BOOKING#<bookingId>                  | BOOKING              | worker state, Calendly refs    |
 * | appointment  | PHONE#<E.164>                        | <start, ISO ms>#<event uuid> | an upcoming appointment tied to that number |
 * | call record  | CALLS#<UTC day the call started>     | <start, ISO ms>#<callId> | what the call was and came to |
 * | voicemail    | VOICEMAIL#<RecordingSid>             | VOICEMAIL            | a message, and its alerts sent |
 * | availability | AVAIL#<YYYY-MM-DD in zone>           | <eventTypeId>        | shared 60 s cache + fill lease |
 * | availability | AVAIL#<YYYY-MM-DD in zone>           | #INVALIDATED         | when the day last changed      |
 * | rate budget  | RATE#<name>                          | <window>#<start>     | counters for Calendly limits   |
 * | idempotency  | IDEMPOTENCY#tool-call                | <sha256 of [callId, toolCallId]> | a tool call's first result |
 * | directory    | DIRECTORY                            | CALENDLY             | Calendly user, event types, schedule days (one GetItem) |
 *
 * Slots are partitioned by event type and UTC day so "what is taken between A and B" is one Query per day.
 * Availability is partitioned by business day, not event type: every event type is booked on one host
 * calendar, so a change Calendly reports voids the whole day, which one item (`#INVALIDATED`) records and
 * one Query reads together with an event type's entry.
 */
import { isoInstant } from '../../domain/time/instant.ts';
import { uuidOf } from '../calendly/uri.ts';

export const keys = {
  call: (callId: string) => ({ pk: `CALL#${callId}`, sk: 'CALL' }),
  /** Beside the call item, so one Query reads both. */
  ledger: (callId: string) => ({ pk: `CALL#${callId}`, sk: 'LEDGER' }),
  slot: (eventTypeUri: string, start: string) => {
    const instant = isoInstant(start);
    return { pk: slotPartition(eventTypeUri, instant.slice(0, 10)), sk: instant };
  },
  /** The bucket of calendar cells starting at `bucketStartMs` (./cells.ts). */
  cellBucket: (bucketStartMs: number) => {
    const instant = new Date(bucketStartMs).toISOString();
    return { pk: cellPartition(instant.slice(0, 7)), sk: instant };
  },
  hold: (holdId: string) => ({ pk: `HOLD#${holdId}`, sk: 'HOLD' }),
  booking: (bookingId: string) => ({ pk: `BOOKING#${bookingId}`, sk: 'BOOKING' }),
  /** A tool call's stored first result, by a hash of (call, toolCallId): the ids are the provider's. */
  toolCall: (hash: string) => ({ pk: 'IDEMPOTENCY#tool-call', sk: hash }),
  voicemail: (recordingSid: string) => ({ pk: `VOICEMAIL#${recordingSid}`, sk: 'VOICEMAIL' }),
  /** An appointment tied to a phone number: by start, so "upcoming" is one Query from now on. */
  appointment: (phone: string, start: string, eventUri: string) => ({
    pk: phonePartition(phone),
    sk: `${isoInstant(start)}#${uuidOf(eventUri)}`,
  }),
  /** The stored record of an ended call: by day and start, so "recent calls" is a Query per day. */
  callRecord: (startedAt: number, callId: string) => {
    const instant = new Date(startedAt).toISOString();
    return { pk: callLogPartition(instant.slice(0, 10)), sk: `${instant}#${callId}` };
  },
  availability: (eventTypeUri: string, day: string) => ({
    pk: availabilityPartition(day),
    sk: uuidOf(eventTypeUri),
  }),
  /** When the day's availability last changed in Calendly: entries fetched before then are void. */
  availabilityInvalidation: (day: string) => ({
    pk: availabilityPartition(day),
    sk: AVAILABILITY_INVALIDATION_SK,
  }),
  /** The one shared snapshot of the Calendly directory (user, event types, when their schedules have hours). */
  directory: () => ({ pk: 'DIRECTORY', sk: 'CALENDLY' }),
  rate: (name: string, window: string, windowStart: number) => ({
    pk: `RATE#${name}`,
    sk: `${window}#${windowStart}`,
  }),
};

/** Partition holding one event type's slot locks for one UTC day. */
export function slotPartition(eventTypeUri: string, utcDay: string): string {
  return `SLOT#${uuidOf(eventTypeUri)}#${utcDay}`;
}

/** Partition holding the upcoming appointments tied to one phone number. */
export function phonePartition(phone: string): string {
  return `PHONE#${phone}`;
}

/** Partition holding the records of the calls that started on one UTC day. */
export function callLogPartition(utcDay: string): string {
  return `CALLS#${utcDay}`;
}

/** Partition holding one business day's cached availability, for every event type, and its invalidation. */
export function availabilityPartition(day: string): string {
  return `AVAIL#${day}`;
}

/** Sort key of a day's invalidation item; `#` cannot start a Calendly id, so it never meets an entry. */
export const AVAILABILITY_INVALIDATION_SK = '#INVALIDATED';

/** Partition holding one UTC month (YYYY-MM) of calendar cell buckets (all event types: one business calendar). */
export function cellPartition(utcMonth: string): string {
  return `CELL#${utcMonth}`;
}

/** Value of the pending index partition key while a booking is unfinished. */
export const PENDING_PARTITION = 'PENDING';

/** Value of the pending index partition key while a voicemail is owed an alert. */
export const VOICEMAILS_PENDING_PARTITION = 'VOICEMAILS';

/** Epoch seconds for the TTL attribute. */
export const ttlSeconds = (epochMs: number): number => Math.ceil(epochMs / 1000);

/** Sort key of the pending index: when the booking is due next, unique per booking. */
export function pendingSortKey(dueAt: number, bookingId: string): string {
  return `${new Date(dueAt).toISOString()}#${bookingId}`;
}
