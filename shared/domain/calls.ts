/**
 * The end of a call, as Twilio (final status) and Vapi (end-of-call report) each report it: its live
 * holds are released and its record in the call log is written with what the call did (./call-log.ts).
 * A message left after the end (Twilio posts the recording separately) files the record again.
 */
import { type CallEndReport, deedsOf } from './call-log.ts';
import type { Booking, CallRecord } from './model.ts';
import type { Store } from './ports.ts';

export interface CallLogSettings {
  /** How long a call's record is kept. */
  retentionDays: number;
  /** Whether Vapi's transcript is stored with the record (off unless the operator turns it on). */
  keepTranscripts: boolean;
}

type CallStore = Pick<Store, 'calls' | 'slots' | 'bookings' | 'callLog'>;

const DAY_MS = 24 * 3600 * 1000;

/**
 * Ends a call: every hold it still has is released at once so other callers can take those slots, and its
 * record is filed. Confirmed holds are bookings by now and are untouched: a confirmed booking is never lost.
 * Safe to repeat, and each sender may arrive first.
 */
export async function endCall(
  store: CallStore,
  report: CallEndReport,
  options: CallLogSettings & { now: Date },
): Promise<{ releasedHoldIds: string[] }> {
  const call = await store.calls.markEnded(report.callId, options.now);
  const released: string[] = [];
  // Holds that are over (confirmed or released) keep 0 as their expiry.
  for (const [holdId, until] of Object.entries(call.holds)) {
    if (until === 0) continue;
    const hold = await store.slots.getHold(holdId);
    if (hold?.status === 'held' && (await store.slots.release(hold, options.now))) released.push(holdId);
  }
  await fileCall(store, call, report, options);
  return { releasedHoldIds: released };
}

/** Something a call did that Twilio may report after the call's final status. */
export type LateDeed = 'message' | 'transferred';

/**
 * Notes a message the caller left, or that the person a transfer dialled answered. Twilio posts the
 * recording and a dial's outcome apart from the final status, in either order: a call that has ended
 * already has its record filed again with it.
 */
export async function noteDeed(
  store: CallStore,
  callId: string,
  deed: LateDeed,
  options: CallLogSettings & { now: Date },
): Promise<void> {
  const call =
    deed === 'message'
      ? await store.calls.markMessage(callId, options.now)
      : await store.calls.markTransferred(callId, options.now);
  if (call.status === 'ended') await fileCall(store, call, { callId }, options);
}

async function fileCall(
  store: CallStore,
  call: CallRecord,
  report: CallEndReport,
  options: CallLogSettings & { now: Date },
): Promise<void> {
  const bookings = await bookingsOf(store, call);
  // The call item's start names the record, so every sender files the same one.
  const { startedAt } = call;
  const { broke: _broke, transcript, ...reported } = report;
  const touched = new Set(call.bookingIds);
  for (const ref of call.bookingRefs) {
    if (ref.canceledAt !== null && ref.bookingId) touched.add(ref.bookingId);
    if (ref.movedTo && ref.bookingId) touched.add(ref.bookingId);
  }
  await store.callLog.save({
    ...reported,
    ...(options.keepTranscripts && transcript !== undefined ? { transcript } : {}),
    // The call item's number was read by the voice webhook, which knows Twilio's withheld-caller ids.
    callerNumber: call.callerNumber ?? report.callerNumber ?? null,
    startedAt,
    deeds: deedsOf(call, bookings, report),
    bookingIds: [...touched],
    expiresAt: startedAt + options.retentionDays * DAY_MS,
  });
}

async function bookingsOf(store: CallStore, call: CallRecord): Promise<Booking[]> {
  const found = await Promise.all(call.bookingIds.map((id) => store.bookings.get(id)));
  return found.filter((booking): booking is Booking => booking !== null);
}
