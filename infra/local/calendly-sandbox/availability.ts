/**
 * Availability rules of the sandbox host, computed on every request (never a frozen list):
 * Mon-Fri 09:00-17:00 in the host's zone, a start every 30 minutes, the whole event inside opening hours,
 * nothing overlapping an active event of any event type, nothing inside the minimum notice, nothing past the horizon.
 */
import { DateTime } from 'luxon';

/** Opening hours of the seeded host, in its own zone. */
export const BUSINESS_HOURS = {
  weekdays: [1, 2, 3, 4, 5],
  openMinute: 9 * 60,
  closeMinute: 17 * 60,
  slotStepMinutes: 30,
} as const;

/** A half-open busy interval [startMs, endMs). */
export interface BusyInterval {
  startMs: number;
  endMs: number;
}

/** Everything the rules need; all instants are epoch milliseconds. */
export interface AvailabilityInput {
  timezone: string;
  nowMs: number;
  durationMinutes: number;
  minimumNoticeMinutes: number;
  horizonDays: number;
  busy: readonly BusyInterval[];
  /** Requested window, half-open [fromMs, toMs). */
  fromMs: number;
  toMs: number;
}

/** Start instants (epoch ms, ascending) that can be booked right now within the requested window. */
export function availableStarts(input: AvailabilityInput): number[] {
  const now = DateTime.fromMillis(input.nowMs, { zone: input.timezone });
  const earliest = Math.max(input.fromMs, input.nowMs + input.minimumNoticeMinutes * 60_000);
  // Calendar days in the host's zone, so a DST change inside the horizon does not shift it by an hour.
  const latest = Math.min(input.toMs, now.plus({ days: input.horizonDays }).toMillis());
  const durationMs = input.durationMinutes * 60_000;
  const starts: number[] = [];
  if (earliest >= latest) return starts;

  let day = DateTime.fromMillis(earliest, { zone: input.timezone }).startOf('day');
  while (day.toMillis() < latest) {
    if ((BUSINESS_HOURS.weekdays as readonly number[]).includes(day.weekday)) {
      for (
        let minute = BUSINESS_HOURS.openMinute;
        minute + input.durationMinutes <= BUSINESS_HOURS.closeMinute;
        minute += BUSINESS_HOURS.slotStepMinutes
      ) {
        // Wall-clock arithmetic in the zone: 09:00 stays 09:00 local on both sides of a DST change.
        const start = day.set({ hour: Math.floor(minute / 60), minute: minute % 60 }).toMillis();
        if (start < earliest || start >= latest) continue;
        const end = start + durationMs;
        if (input.busy.some((busy) => start < busy.endMs && busy.startMs < end)) continue;
        starts.push(start);
      }
    }
    day = day.plus({ days: 1 }).startOf('day');
  }
  return starts;
}
