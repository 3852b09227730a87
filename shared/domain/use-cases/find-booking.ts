/**
 * Find the caller's upcoming appointments, under the privacy rule the server enforces: by the number the
 * call comes from, only appointments tied to that number; by email, only those whose name the caller also
 * gives. Every miss looks the same, whether or not an appointment exists, and a call that misses too often
 * gets no more answers. Found appointments get refs valid for this call only, like slot ids.
 */
import type { BookingRef, CallContext } from '../model.ts';
import { namesMatch } from '../names.ts';
import type { UseCaseDeps } from './deps.ts';

export interface FindRequest {
  email: string | null;
  name: string | null;
}

export type FindOutcome =
  | { kind: 'found'; refs: BookingRef[]; zone: string; services: Record<string, string> }
  /** Nothing matched, whatever the reason: no appointment, another number's, or a name that does not match. */
  | { kind: 'not_found' }
  | { kind: 'too_many_lookups' }
  /** An email without a name cannot be looked up. */
  | { kind: 'name_needed' }
  /** No email, and the caller's number is withheld: nothing to look up by. */
  | { kind: 'no_caller_number' };

export async function findBooking(
  request: FindRequest,
  call: CallContext,
  deps: UseCaseDeps,
): Promise<FindOutcome> {
  const now = deps.clock.now();
  const { settings } = deps;
  const record = await deps.store.calls.get(call.callId);
  if ((record?.failedLookups ?? 0) >= settings.maxFailedLookups) return { kind: 'too_many_lookups' };
  const callerNumber = call.callerNumber ?? record?.callerNumber ?? null;

  let found: Awaited<ReturnType<typeof deps.store.appointments.upcoming>>;
  if (request.email) {
    if (!request.name) return { kind: 'name_needed' };
    const name = request.name;
    const user = await deps.directory.user();
    const byEmail = await deps.calendly.findUpcomingByEmail({
      userUri: user.uri,
      email: request.email.toLowerCase(),
      after: now.toISOString(),
      limit: settings.maxBookingsFound,
    });
    found = byEmail.filter((appointment) => namesMatch(name, appointment.name));
  } else {
    if (!callerNumber) return { kind: 'no_caller_number' };
    found = await deps.store.appointments.upcoming(callerNumber, now, settings.maxBookingsFound);
  }

  if (found.length === 0) {
    const failures = await deps.store.calls.countFailedLookup(call.callId, now);
    return failures > settings.maxFailedLookups ? { kind: 'too_many_lookups' } : { kind: 'not_found' };
  }
  const refs = await deps.store.calls.issueBookingRefs(call.callId, found, {
    now,
    validForMs: settings.offerValidityMs,
  });
  const zone = await deps.directory.businessTimezone();
  return { kind: 'found', refs, zone, services: await serviceNames(refs, deps) };
}

/** The name of each appointment's event type, from the directory (no Calendly request once it is warm). */
async function serviceNames(refs: BookingRef[], deps: UseCaseDeps): Promise<Record<string, string>> {
  const names: Record<string, string> = {};
  for (const uri of new Set(refs.map((ref) => ref.eventTypeUri))) {
    names[uri] = await deps.directory.eventTypeByUri(uri).then(
      (type) => type.name,
      () => 'appointment',
    );
  }
  return names;
}
