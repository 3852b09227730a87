/** What every Vapi tool use case receives: the ports it may use and the settings that shape answers. */
import type { AvailabilityReader } from '../availability.ts';
import type { CalendarDirectory } from '../calendar-directory.ts';
import type { Clock } from '../clock.ts';
import type { BookingQueuePort, Store } from '../ports.ts';

export interface ToolSettings {
  holdTtlSeconds: number;
  maxLiveHolds: number;
  maxSlotsOffered: number;
  offerValidityMs: number;
  confirmWaitMs: number;
  confirmPollMs: number;
  /** How many days past an empty window we look for the next opening. */
  lookaheadDays: number;
}

export const DEFAULT_TOOL_SETTINGS: ToolSettings = {
  holdTtlSeconds: 300,
  maxLiveHolds: 2,
  maxSlotsOffered: 6,
  offerValidityMs: 15 * 60_000,
  confirmWaitMs: 3_000,
  confirmPollMs: 150,
  lookaheadDays: 7,
};

export interface ToolDeps {
  store: Store;
  availability: AvailabilityReader;
  directory: CalendarDirectory;
  queue: BookingQueuePort;
  clock: Clock;
  settings: ToolSettings;
}

/** A successful tool answer: `ok` and a speakable `say`, plus tool-specific fields (README, "Tools the assistant sees"). */
export type ToolSuccess = { ok: true; say: string } & Record<string, unknown>;
