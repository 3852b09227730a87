/**
 * Appointments occupy time, not just a start: a 60-minute hold at 12:00 must block a 30-minute offer at
 * 12:30, whatever the event type (one business calendar). The lock therefore also claims every 5-minute
 * cell an appointment covers, in the same transaction as the slot itself. Two appointments overlap exactly
 * when they share a cell, as long as starts and durations fall on 5-minute steps, which is how Calendly
 * spaces start times; other durations are rounded outward, which can only block more, never less.
 */
import type { SlotRef } from './model.ts';

export const CELL_MINUTES = 5;
const CELL_MS = CELL_MINUTES * 60_000;

/** Longer appointments are refused: their cells would make conditions (and transactions) needlessly large. */
export const MAX_CELLS_PER_SLOT = 96;

/** End of the appointment (epoch ms). */
export function slotEndMs(slot: SlotRef): number {
  return Date.parse(slot.start) + slot.durationMinutes * 60_000;
}

/** Start instants (epoch ms) of the cells [start, end) covers. Throws for appointments too long to lock at once. */
export function cellsOf(slot: Pick<SlotRef, 'start' | 'durationMinutes'>): number[] {
  const start = Date.parse(slot.start);
  if (Number.isNaN(start) || !(slot.durationMinutes > 0))
    throw new RangeError('a slot needs a start and a duration');
  const first = Math.floor(start / CELL_MS) * CELL_MS;
  const end = Math.ceil((start + slot.durationMinutes * 60_000) / CELL_MS) * CELL_MS;
  const cells: number[] = [];
  for (let cell = first; cell < end; cell += CELL_MS) cells.push(cell);
  if (cells.length > MAX_CELLS_PER_SLOT) {
    throw new RangeError(
      `appointments longer than ${(MAX_CELLS_PER_SLOT * CELL_MINUTES) / 60} hours cannot be held`,
    );
  }
  return cells;
}

/** True when any cell of the slot is in `occupied`. */
export function overlapsOccupied(
  slot: Pick<SlotRef, 'start' | 'durationMinutes'>,
  occupied: ReadonlySet<number>,
): boolean {
  return cellsOf(slot).some((cell) => occupied.has(cell));
}
