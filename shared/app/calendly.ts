/**
 * The Calendly side of the composition root, shared by the functions that read Calendly: the port
 * (rebuilt when the token rotates, ./rebuilt.ts) and the directory of who and what we book.
 */
import { createCalendlyClient } from '../adapters/calendly/client.ts';
import type { Config } from '../config.ts';
import { createCalendarDirectory } from '../domain/calendar-directory.ts';
import type { Clock } from '../domain/clock.ts';
import type { CalendlyPort, DirectorySnapshotPort } from '../domain/ports.ts';
import { delegating, rebuiltOnChange } from './rebuilt.ts';

type CalendlySettings = Pick<Config, 'CALENDLY_API_BASE_URL'> & { CALENDLY_API_TOKEN: string };

/** The Calendly port for the configured account (the sandbox's URL and token when running locally). */
export function calendlyPort(settings: () => Promise<CalendlySettings>): CalendlyPort {
  const clientFor = rebuiltOnChange(
    (s: CalendlySettings) => [s.CALENDLY_API_BASE_URL, s.CALENDLY_API_TOKEN],
    (s) => createCalendlyClient({ baseUrl: s.CALENDLY_API_BASE_URL, token: s.CALENDLY_API_TOKEN }),
  );
  return delegating(async () => clientFor(await settings()));
}

/** Who and what we book, the same in every function that needs it: memory, then the table's snapshot. */
export function directoryOf(
  calendly: CalendlyPort,
  snapshots: DirectorySnapshotPort,
  first: Config,
  clock: Clock,
) {
  return createCalendarDirectory({
    calendly,
    snapshots,
    clock,
    defaultEventTypeUri: first.CALENDLY_EVENT_TYPE_URI,
    businessTimezone: first.BUSINESS_TIMEZONE,
  });
}
