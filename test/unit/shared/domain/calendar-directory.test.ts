import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../../../infra/local/clock.ts';
import {
  createCalendarDirectory,
  DIRECTORY_MEMORY_MS,
  refreshDirectorySnapshot,
} from '../../../../shared/domain/calendar-directory.ts';
import type {
  CalendlyPort,
  CalendlyUser,
  DirectorySnapshot,
  ScheduleDays,
} from '../../../../shared/domain/ports.ts';
import { anEventType } from '../../../fixtures/event-types.ts';
import { memoryDirectorySnapshots, unusedCalendly } from '../../../fixtures/memory-ports.ts';

const USER: CalendlyUser = {
  uri: 'https://api.calendly.com/users/U1',
  name: 'Riverside Dental',
  timezone: 'America/New_York',
  organizationUri: 'https://api.calendly.com/organizations/O1',
};

const CONSULTATION = anEventType('Consultation');
const CLEANING = anEventType('Cleaning', { durationMinutes: 60 });
const WEEKDAYS_ONLY: ScheduleDays[] = [
  { timezone: 'America/New_York', weekdays: [1, 2, 3, 4, 5], overrideDates: [] },
];

/** A Calendly port that answers the directory's reads and counts them; `user` can be swapped between reads. */
function countingCalendly(options: { schedules?: () => Promise<ScheduleDays[] | null> } = {}) {
  const counts = { user: 0, eventTypes: 0, eventType: 0, schedules: 0 };
  let user = USER;
  const port: CalendlyPort = {
    ...unusedCalendly(),
    async getCurrentUser() {
      counts.user += 1;
      return user;
    },
    async listEventTypes() {
      counts.eventTypes += 1;
      return [CONSULTATION, CLEANING];
    },
    async getEventType(uri) {
      counts.eventType += 1;
      return anEventType('Configured', { uri });
    },
    async listScheduleDays() {
      counts.schedules += 1;
      return options.schedules ? await options.schedules() : WEEKDAYS_ONLY;
    },
  };
  return {
    port,
    counts,
    renameUser(name: string) {
      user = { ...user, name };
    },
  };
}

const aSnapshot = (fields: Partial<DirectorySnapshot> = {}): DirectorySnapshot => ({
  user: USER,
  eventTypes: [CONSULTATION, CLEANING],
  extraEventTypes: [],
  schedules: { [CONSULTATION.uri]: WEEKDAYS_ONLY, [CLEANING.uri]: null },
  fetchedAt: 0,
  ...fields,
});

describe('createCalendarDirectory', () => {
  it('asks Calendly only when no snapshot exists at all, and stores what it read', async () => {
    const clock = createManualClock();
    const calendly = countingCalendly();
    const snapshots = memoryDirectorySnapshots();
    const directory = createCalendarDirectory({ calendly: calendly.port, clock, snapshots });

    expect(await directory.eventTypeFor('cleaning')).toEqual(CLEANING);
    expect(calendly.counts).toEqual({ user: 1, eventTypes: 1, eventType: 0, schedules: 2 });
    expect(snapshots.stored).toEqual({
      user: USER,
      eventTypes: [CONSULTATION, CLEANING],
      extraEventTypes: [],
      schedules: { [CONSULTATION.uri]: WEEKDAYS_ONLY, [CLEANING.uri]: WEEKDAYS_ONLY },
      fetchedAt: clock.now().getTime(),
    });
  });

  it('serves a new container from the stored snapshot without asking Calendly', async () => {
    const clock = createManualClock();
    const snapshots = memoryDirectorySnapshots();
    await createCalendarDirectory({ calendly: countingCalendly().port, clock, snapshots }).user();

    const calendly = countingCalendly();
    const fresh = createCalendarDirectory({ calendly: calendly.port, clock, snapshots });
    expect(await fresh.user()).toEqual(USER);
    expect(await fresh.businessTimezone()).toBe('America/New_York');
    expect(await fresh.eventTypeFor()).toEqual(CONSULTATION);
    expect(await fresh.eventTypeByUri(CLEANING.uri)).toEqual(CLEANING);
    expect(await fresh.scheduleOf(CONSULTATION.uri)).toEqual(WEEKDAYS_ONLY);
    expect(calendly.counts).toEqual({ user: 0, eventTypes: 0, eventType: 0, schedules: 0 });
  });

  it('serves a snapshot however old it is, without asking Calendly', async () => {
    const clock = createManualClock();
    const snapshots = memoryDirectorySnapshots();
    snapshots.stored = aSnapshot({ fetchedAt: clock.now().getTime() - 30 * 86_400_000 });
    const calendly = countingCalendly();
    const directory = createCalendarDirectory({ calendly: calendly.port, clock, snapshots });

    expect((await directory.eventTypeFor()).uri).toBe(CONSULTATION.uri);
    clock.advance(DIRECTORY_MEMORY_MS * 3);
    expect((await directory.user()).name).toBe('Riverside Dental');
    expect(calendly.counts).toEqual({ user: 0, eventTypes: 0, eventType: 0, schedules: 0 });
  });

  it('keeps the snapshot in memory for a while, then reads the stored one again', async () => {
    const clock = createManualClock();
    const snapshots = memoryDirectorySnapshots();
    snapshots.stored = aSnapshot();
    const directory = createCalendarDirectory({ calendly: countingCalendly().port, clock, snapshots });

    await directory.user();
    await directory.eventTypeFor('consultation');
    expect(snapshots.reads).toBe(1);
    snapshots.stored = aSnapshot({ user: { ...USER, name: 'Riverside Dental Care' }, fetchedAt: 1 });
    clock.advance(DIRECTORY_MEMORY_MS - 1);
    expect((await directory.user()).name).toBe('Riverside Dental');
    clock.advance(1);
    expect((await directory.user()).name).toBe('Riverside Dental Care');
    expect(snapshots.reads).toBe(2);
  });

  it('fetches a configured event type outside the list once, and keeps it in the snapshot', async () => {
    const clock = createManualClock();
    const configured = 'https://api.calendly.com/event_types/CONFIGURED';
    const snapshots = memoryDirectorySnapshots();
    const calendly = countingCalendly();
    const first = createCalendarDirectory({
      calendly: calendly.port,
      clock,
      snapshots,
      defaultEventTypeUri: configured,
    });
    expect((await first.eventTypeFor()).uri).toBe(configured);
    expect((await first.eventTypeByUri(configured)).uri).toBe(configured);
    expect(calendly.counts.eventType).toBe(1);

    const later = createCalendarDirectory({
      calendly: calendly.port,
      clock,
      snapshots,
      defaultEventTypeUri: configured,
    });
    expect((await later.eventTypeFor()).uri).toBe(configured);
    expect(calendly.counts.eventType).toBe(1);
    expect(await later.scheduleOf(configured)).toEqual(WEEKDAYS_ONLY);
  });

  it('stores a schedule it cannot read as unknown', async () => {
    const clock = createManualClock();
    const snapshots = memoryDirectorySnapshots();
    const calendly = countingCalendly({
      schedules: async () => {
        throw new Error('403 Insufficient scope');
      },
    });
    const directory = createCalendarDirectory({ calendly: calendly.port, clock, snapshots });
    expect(await directory.scheduleOf(CONSULTATION.uri)).toBeNull();
    expect(snapshots.stored?.schedules).toEqual({ [CONSULTATION.uri]: null, [CLEANING.uri]: null });
  });

  it('answers concurrent first uses with one read of Calendly', async () => {
    const clock = createManualClock();
    const calendly = countingCalendly();
    const directory = createCalendarDirectory({
      calendly: calendly.port,
      clock,
      snapshots: memoryDirectorySnapshots(),
    });
    await Promise.all([directory.user(), directory.eventTypeFor(), directory.businessTimezone()]);
    expect(calendly.counts.user).toBe(1);
    expect(calendly.counts.eventTypes).toBe(1);
  });
});

describe('refreshDirectorySnapshot', () => {
  it('leaves a young snapshot alone, without asking Calendly', async () => {
    const clock = createManualClock();
    const snapshots = memoryDirectorySnapshots();
    snapshots.stored = aSnapshot({ fetchedAt: clock.now().getTime() - 60_000 });
    const calendly = countingCalendly();
    const outcome = await refreshDirectorySnapshot({ calendly: calendly.port, clock, snapshots });
    expect(outcome).toEqual({ kind: 'fresh', ageMs: 60_000 });
    expect(calendly.counts).toEqual({ user: 0, eventTypes: 0, eventType: 0, schedules: 0 });
    expect(snapshots.writes).toBe(0);
  });

  it('re-reads Calendly and stores the snapshot when it is older than five minutes', async () => {
    const clock = createManualClock();
    const snapshots = memoryDirectorySnapshots();
    const old = clock.now().getTime() - 5 * 60_000;
    snapshots.stored = aSnapshot({ fetchedAt: old });
    const calendly = countingCalendly();
    calendly.renameUser('Riverside Dental Care');

    const outcome = await refreshDirectorySnapshot({ calendly: calendly.port, clock, snapshots });
    expect(outcome).toEqual({ kind: 'refreshed', eventTypes: 2, previousAgeMs: 5 * 60_000 });
    expect(snapshots.stored?.fetchedAt).toBe(clock.now().getTime());
    expect(snapshots.stored?.user.name).toBe('Riverside Dental Care');
    expect(snapshots.stored?.schedules[CLEANING.uri]).toEqual(WEEKDAYS_ONLY);

    // A container reading it afterwards gets the refreshed directory, still without Calendly.
    const reader = countingCalendly();
    const directory = createCalendarDirectory({ calendly: reader.port, clock, snapshots });
    expect((await directory.user()).name).toBe('Riverside Dental Care');
    expect(reader.counts.user).toBe(0);
  });

  it('writes the first snapshot when there is none', async () => {
    const clock = createManualClock();
    const snapshots = memoryDirectorySnapshots();
    const outcome = await refreshDirectorySnapshot({
      calendly: countingCalendly().port,
      clock,
      snapshots,
    });
    expect(outcome).toEqual({ kind: 'refreshed', eventTypes: 2, previousAgeMs: null });
    expect(snapshots.stored?.eventTypes.map((type) => type.name)).toEqual(['Consultation', 'Cleaning']);
  });

  it('drops date overrides that are already past', async () => {
    const clock = createManualClock(Date.UTC(2030, 0, 7, 9));
    const snapshots = memoryDirectorySnapshots();
    const calendly = countingCalendly({
      schedules: async () => [
        { timezone: 'UTC', weekdays: [1], overrideDates: ['2029-12-25', '2030-01-06', '2030-01-12'] },
      ],
    });
    await refreshDirectorySnapshot({ calendly: calendly.port, clock, snapshots });
    expect(snapshots.stored?.schedules[CONSULTATION.uri]).toEqual([
      { timezone: 'UTC', weekdays: [1], overrideDates: ['2030-01-06', '2030-01-12'] },
    ]);
  });
});
