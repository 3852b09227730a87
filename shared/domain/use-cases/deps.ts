/** What every use case of a caller on the phone receives: the ports it may use and the settings that shape it. */
import type { AvailabilityReader } from '../availability.ts';
import type { CalendarDirectory } from '../calendar-directory.ts';
import type { Clock } from '../clock.ts';
import type { BookingQueuePort, Store } from '../ports.ts';

export interface UseCaseSettings {
  holdTtlSeconds: number;
  maxLiveHolds: number;
  maxSlotsOffered: number;
  offerValidityMs: number;
  confirmWaitMs: number;
  confirmPollMs: number;
  /** How many days past an empty window we look for the next opening. */
  lookaheadDays: number;
}

export const DEFAULT_USE_CASE_SETTINGS: UseCaseSettings = {
  holdTtlSeconds: 300,
  maxLiveHolds: 2,
  maxSlotsOffered: 6,
  offerValidityMs: 15 * 60_000,
  confirmWaitMs: 3_000,
  confirmPollMs: 150,
  lookaheadDays: 7,
};

export interface UseCaseDeps {
  store: Store;
  availability: AvailabilityReader;
  directory: CalendarDirectory;
  queue: BookingQueuePort;
  clock: Clock;
  settings: UseCaseSettings;
}
