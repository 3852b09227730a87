/** Call lifecycle use cases: a call arrives (Twilio webhook) and ends (Twilio status callback, Vapi report). */
import type { CallArrival, Store } from './ports.ts';

/**
 * Records an inbound call; safe to repeat for the same call (Twilio retries the webhook once when the
 * connection fails, and a captured request can be replayed). A repeat is told the answer the first gave.
 */
export async function recordInboundCall(
  store: Pick<Store, 'calls'>,
  call: { callId: string; callerNumber: string | null; dialledNumber: string | null; now: Date },
): Promise<CallArrival> {
  return await store.calls.record(call);
}

/**
 * Ends a call: every hold it still has is released at once so other callers can take those slots.
 * Confirmed holds are bookings by now and are untouched: a confirmed booking is never lost.
 */
export async function endCall(
  store: Pick<Store, 'calls' | 'slots'>,
  callId: string,
  now: Date,
): Promise<{ releasedHoldIds: string[] }> {
  const call = await store.calls.markEnded(callId, now);
  if (!call) return { releasedHoldIds: [] };
  const released: string[] = [];
  for (const holdId of Object.keys(call.holds)) {
    const hold = await store.slots.getHold(holdId);
    if (hold?.status === 'held' && (await store.slots.release(hold, now))) released.push(holdId);
  }
  return { releasedHoldIds: released };
}
