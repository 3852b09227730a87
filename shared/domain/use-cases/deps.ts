/** What every use case of a caller on the phone receives: the ports it may use and the settings that shape it. */
import type { AvailabilityReader } from '../availability.ts';
import type { CalendarDirectory } from '../calendar-directory.ts';
import type { Clock } from '../clock.ts';
import type { BookingQueuePort, CalendlyPort, CallerTexts, SmsPort, Store } from '../ports.ts';
import type { TransferSetup } from './transfer-to-human.ts';

export interface UseCaseSettings {
  holdTtlSeconds: number;
  maxLiveHolds: number;
  maxSlotsOffered: number;
  offerValidityMs: number;
  confirmWaitMs: number;
  confirmPollMs: number;
  /** How many days past an empty window we look for the next opening. */
  lookaheadDays: number;
  /** find_booking lookups that may find nothing before the tool stops answering for the call. */
  maxFailedLookups: number;
  /** How many upcoming appointments find_booking lists at most. */
  maxBookingsFound: number;
  /** How long a cancellation may stay unfinished before the booking worker finishes it. */
  cancelLeaseMs: number;
}

export const DEFAULT_USE_CASE_SETTINGS: UseCaseSettings = {
  holdTtlSeconds: 300,
  maxLiveHolds: 2,
  maxSlotsOffered: 6,
  offerValidityMs: 15 * 60_000,
  confirmWaitMs: 3_000,
  confirmPollMs: 150,
  lookaheadDays: 7,
  maxFailedLookups: 3,
  maxBookingsFound: 5,
  cancelLeaseMs: 60_000,
};

export interface UseCaseDeps {
  store: Store;
  /** Calendly itself, for what the cache and the directory do not cover: finding by email, canceling. */
  calendly: CalendlyPort;
  /** Texts the caller; null when SMS is not configured. */
  sms: SmsPort | null;
  texts: CallerTexts;
  availability: AvailabilityReader;
  directory: CalendarDirectory;
  queue: BookingQueuePort;
  clock: Clock;
  settings: UseCaseSettings;
  /** How a caller reaches a person (transfer_to_human). */
  transfer: TransferSetup;
}
