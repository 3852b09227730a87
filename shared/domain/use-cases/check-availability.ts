/** Check availability: open times for a day, phrase or clock time, each under a short id valid for this call only. */
import {
  NoServicesError,
  type RequestProblem,
  UnknownServiceError,
  UnusableRequestError,
} from '../errors.ts';
import type { AnswerKeeper, CallContext } from '../model.ts';
import type { OpenSlotFinder, SlotOffer } from '../open-slots.ts';
import type { EventTypeInfo } from '../ports.ts';
import type { PartOfDay } from '../time/parts-of-day.ts';
import { resolveSearchWindow, type SearchWindow } from '../time/resolve-window.ts';
import type { UseCaseDeps } from './deps.ts';

/** What the caller asked for; blank and null mean not given. */
export interface AvailabilityRequest {
  date?: string | null | undefined;
  when?: string | null | undefined;
  time?: string | null | undefined;
  partOfDay?: PartOfDay | null | undefined;
  service?: string | null | undefined;
}

export type AvailabilityOutcome =
  /** Slots were offered (none when neither the window nor the days after it have an opening). */
  | { kind: 'offered'; zone: string; service: EventTypeInfo; asked: SearchWindow; offer: SlotOffer }
  | { kind: 'unusable_request'; zone: string; problem: RequestProblem }
  | { kind: 'unknown_service'; asked: string; services: string[] }
  | { kind: 'no_services' }
  /** A replay of a tool call this call made: its first answer, as kept in the call's ledger. */
  | { kind: 'replayed'; answer: string };

/**
 * With `keep`, the answer of this tool call is kept in the call's ledger (in the same write as the offers
 * it names), and a replay of the tool call gets that answer back instead of a new search.
 */
export async function checkAvailability(
  request: AvailabilityRequest,
  call: CallContext,
  deps: UseCaseDeps & { slots: OpenSlotFinder },
  keep?: AnswerKeeper<AvailabilityOutcome>,
): Promise<AvailabilityOutcome> {
  // Read while the search runs: the ledger says whether this is a replay, and is what the offers build on.
  const ledgerRead = deps.store.calls.ledger(call.callId);
  ledgerRead.catch(() => undefined);
  const replayed = async (): Promise<AvailabilityOutcome | null> => {
    const answer = keep ? (await ledgerRead).answers[keep.toolCallId] : undefined;
    return answer === undefined ? null : { kind: 'replayed', answer };
  };
  /** An outcome that issues no offers: kept on its own. */
  const settled = async (outcome: AvailabilityOutcome): Promise<AvailabilityOutcome> => {
    const again = await replayed();
    if (again) return again;
    const line = keep?.answer(outcome) ?? null;
    if (keep && line !== null) {
      await deps.store.calls.keepAnswer(call.callId, keep.toolCallId, line, {
        now: deps.clock.now(),
        ledger: await ledgerRead,
      });
    }
    return outcome;
  };

  let zone: string;
  let service: EventTypeInfo;
  try {
    [zone, service] = await Promise.all([
      deps.directory.businessTimezone(),
      deps.directory.eventTypeFor(request.service),
    ]);
  } catch (error) {
    if (error instanceof UnknownServiceError) {
      return await settled({ kind: 'unknown_service', asked: error.asked, services: error.services });
    }
    if (error instanceof NoServicesError) return await settled({ kind: 'no_services' });
    throw error;
  }
  let asked: SearchWindow;
  try {
    asked = resolveSearchWindow(
      { date: request.date, when: request.when, time: request.time, partOfDay: request.partOfDay },
      { now: deps.clock.now(), zone },
    );
  } catch (error) {
    if (error instanceof UnusableRequestError)
      return await settled({ kind: 'unusable_request', zone, problem: error.problem });
    throw error;
  }
  const [found, again] = await Promise.all([deps.slots.search(service, asked), replayed()]);
  if (again) return again;
  const outcomeOf = (offer: SlotOffer): AvailabilityOutcome => ({
    kind: 'offered',
    zone,
    service,
    asked,
    offer,
  });
  const offer = await deps.slots.register(call, service, found, {
    ledger: await ledgerRead,
    keep: keep && { toolCallId: keep.toolCallId, answer: (offered) => keep.answer(outcomeOf(offered)) },
  });
  return outcomeOf(offer);
}
