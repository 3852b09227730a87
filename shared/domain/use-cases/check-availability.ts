/** Check availability: open times for a day, phrase or clock time, each under a short id valid for this call only. */
import {
  NoServicesError,
  type RequestProblem,
  UnknownServiceError,
  UnusableRequestError,
} from '../errors.ts';
import type { CallContext } from '../model.ts';
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
  | { kind: 'no_services' };

export async function checkAvailability(
  request: AvailabilityRequest,
  call: CallContext,
  deps: UseCaseDeps & { slots: OpenSlotFinder },
): Promise<AvailabilityOutcome> {
  let zone: string;
  let service: EventTypeInfo;
  try {
    [zone, service] = await Promise.all([
      deps.directory.businessTimezone(),
      deps.directory.eventTypeFor(request.service),
    ]);
  } catch (error) {
    if (error instanceof UnknownServiceError) {
      return { kind: 'unknown_service', asked: error.asked, services: error.services };
    }
    if (error instanceof NoServicesError) return { kind: 'no_services' };
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
      return { kind: 'unusable_request', zone, problem: error.problem };
    throw error;
  }
  const offer = await deps.slots.offer(call, service, asked);
  return { kind: 'offered', zone, service, asked, offer };
}
