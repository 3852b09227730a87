/** Check availability: open times for a day, phrase or clock time, each under a short id valid for this call only. */
import {
  NoServicesError,
  type RequestProblem,
  UnknownServiceError,
  UnusableRequestError,
} from '../errors.ts';
import { type AnswerKeeper, type CallContext, isReplayed, type Replayed } from '../model.ts';
import type { OpenSlotFinder, SlotOffer } from '../open-slots.ts';
import type { EventTypeInfo } from '../ports.ts';
import type { PartOfDay } from '../time/parts-of-day.ts';
import { resolveSearchWindow, type SearchWindow } from '../time/resolve-window.ts';
import type { UseCaseDeps } from './deps.ts';
import { keptOutcome } from './kept-answer.ts';

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
  | Replayed;

/**
 * With `keep`, the answer of this tool call is kept in the call's ledger (in the same write as the offers
 * it names), and a replay of the tool call gets that answer back instead of the new search's.
 */
export async function checkAvailability(
  request: AvailabilityRequest,
  call: CallContext,
  deps: UseCaseDeps & { slots: OpenSlotFinder },
  keep?: AnswerKeeper<AvailabilityOutcome>,
): Promise<AvailabilityOutcome> {
  /** An outcome that issues no offers: kept on its own (a replay gets the answer kept first). */
  const settled = async (outcome: AvailabilityOutcome) => await keptOutcome(outcome, call, keep, deps);

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
  const found = await deps.slots.search(service, asked);
  const outcomeOf = (offer: SlotOffer): AvailabilityOutcome => ({
    kind: 'offered',
    zone,
    service,
    asked,
    offer,
  });
  // A replay is told apart in the write that issues the offers: its first answer is there already.
  const offer = await deps.slots.register(call, service, found, {
    keep: keep && { toolCallId: keep.toolCallId, answer: (offered) => keep.answer(outcomeOf(offered)) },
  });
  return isReplayed(offer) ? offer : outcomeOf(offer);
}
