/** Instants as strings: one canonical form, so a slot's start compares and keys the same everywhere. */
import { DateTime } from 'luxon';

// An offset is required: a timestamp without one is a wall time in an unknown zone, not an instant.
const INSTANT_SHAPE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * The canonical `Date#toISOString()` form of an ISO instant: Calendly's `2026-11-26T14:00:00.000000Z`
 * becomes `2026-11-26T14:00:00.000Z`. Digits below the millisecond are dropped. Throws RangeError for
 * anything that is not a real instant with an offset (`2026-02-30T...` included).
 */
export function isoInstant(value: string): string {
  if (!INSTANT_SHAPE.test(value)) throw new RangeError(`not an ISO instant with an offset: ${value}`);
  const parsed = DateTime.fromISO(value, { setZone: true });
  if (!parsed.isValid) throw new RangeError(`not a real instant: ${value}`);
  return new Date(parsed.toMillis()).toISOString();
}
