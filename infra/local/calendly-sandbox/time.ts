/** Timestamp helpers: Calendly writes UTC instants with microseconds, e.g. 2026-11-26T14:00:00.000000Z. */

/** Formats epoch milliseconds the way Calendly's API does (microsecond precision, `Z`). */
export function calendlyTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Parses an ISO-8601 instant that carries an explicit offset or `Z`; null when it is not one. */
export function parseInstant(value: string): number | null {
  // Without an offset Date.parse would read the time as local to this machine, which Calendly never does.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i.test(value)) return null;
  // Date.parse understands at most milliseconds; drop the extra fraction digits without rounding.
  const trimmed = value.replace(/(\.\d{3})\d+/, '$1');
  const ms = Date.parse(trimmed);
  return Number.isNaN(ms) ? null : ms;
}

/** True when `zone` is an IANA time zone name the runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
