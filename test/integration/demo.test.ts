import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DemoResult, type DemoSummary, runDemo } from '../../infra/local/demo-script.ts';

describe('runDemo (the `npm run demo` scenario on the local stack)', () => {
  let result: DemoResult;
  let summary: DemoSummary;
  const printed: string[] = [];

  beforeAll(async () => {
    // The shared DynamoDB Local saves a JVM start; everything else is the demo's own stack.
    result = await runDemo({
      print: (line) => printed.push(line),
      stackOptions: { dynamoEndpoint: inject('dynamoEndpoint') },
    });
    summary = result.summary;
  }, 60_000);

  afterAll(() => {
    if (!result?.summary.ok) console.log(printed.join('\n'));
  });

  it('reports every invariant as holding', () => {
    expect(summary.invariants.filter((invariant) => !invariant.ok)).toEqual([]);
    expect(summary.ok).toBe(true);
  });

  it('leaves exactly one active invitee on the contested start, the winner', () => {
    const onContested = summary.calendar.filter(
      (row) => row.status === 'active' && row.start === new Date(summary.contested.start).toISOString(),
    );
    expect(onContested).toHaveLength(1);
    const winner = summary.bookings.find((booking) => booking.caller === summary.contested.winner);
    expect(onContested[0]?.email).toBe(winner?.email);
  });

  it('books both callers, on two distinct starts, each once in Calendly', () => {
    expect(summary.bookings).toHaveLength(2);
    expect(new Set(summary.bookings.map((booking) => Date.parse(booking.start))).size).toBe(2);
    for (const booking of summary.bookings) {
      const rows = summary.calendar.filter(
        (row) => row.status === 'active' && row.bookingId === booking.bookingId,
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ name: booking.name, email: booking.email });
      expect(Date.parse(rows[0]?.start ?? '')).toBe(Date.parse(booking.start));
    }
    expect(summary.calendar.filter((row) => row.status === 'active')).toHaveLength(2);
  });

  it('offers the losing caller alternatives that exclude the contested time', () => {
    expect(summary.alternatives.length).toBeGreaterThan(0);
    expect(summary.alternatives.map(Date.parse)).not.toContain(Date.parse(summary.contested.start));
    const loser = summary.bookings.find((booking) => booking.caller === summary.contested.loser);
    expect(summary.alternatives.map(Date.parse)).toContain(Date.parse(loser?.start ?? ''));
  });

  it('records one confirmation SMS for each caller', () => {
    const byCaller = Object.groupBy(summary.sms, (message) => message.caller);
    expect(Object.keys(byCaller).sort()).toEqual(['Caller A', 'Caller B']);
    for (const messages of Object.values(byCaller)) {
      expect(messages).toHaveLength(1);
      expect(messages?.[0]?.body).toContain("You're booked");
    }
  });

  it('returns the identical result for a replayed toolCallId', () => {
    expect(summary.replay).toMatchObject({ tool: 'confirm_booking', identical: true });
    const replayed = result.timeline.filter(
      (entry) => entry.kind === 'request' && entry.text.startsWith('confirm_booking'),
    );
    expect(replayed).toHaveLength(3);
  });

  it('has the caller who lost the race call back, find the booking by phone, move it, then cancel it', () => {
    const { callback } = summary;
    const loser = summary.bookings.find((booking) => booking.caller === summary.contested.loser);
    expect(callback.caller).toBe(summary.contested.loser);
    expect(callback.found).toEqual([new Date(loser?.start ?? '').toISOString()]);
    expect(callback.movedTo).not.toBe(callback.movedFrom);
    expect(callback.canceled).toBe(true);
    expect(callback.sms).toEqual([
      expect.stringContaining('moved to'),
      expect.stringContaining('is canceled'),
    ]);
    const requests = result.timeline
      .filter((entry) => entry.kind === 'request')
      .map((entry) => entry.text.split(' ')[0]);
    expect(requests).toEqual(
      expect.arrayContaining(['find_booking', 'reschedule_booking', 'cancel_booking']),
    );
  });

  it('has a third caller ask for a person, reach no one, leave a message the business is texted about', () => {
    const { message } = summary;
    expect(message).toMatchObject({ caller: 'Caller C', transfer: 'transferring', dialled: true });
    expect(message.texts).toHaveLength(1);
    expect(message.texts[0]).toMatch(/New voicemail from \+14155550103 \(17 s\), .* E[SD]T\. Listen: https:/);
    expect(message.records).toHaveLength(4);
    expect(message.records).toEqual(
      expect.arrayContaining([
        { caller: summary.contested.winner, outcome: 'booked' },
        { caller: summary.contested.loser, outcome: 'booked' },
        { caller: `${summary.contested.loser} (call back)`, outcome: 'canceled' },
        { caller: 'Caller C', outcome: 'message' },
      ]),
    );
    const paths = result.timeline.filter((entry) => entry.kind === 'request').map((entry) => entry.text);
    for (const path of ['/twilio/transfer', '/twilio/dial-result', '/twilio/recording'])
      expect(paths.some((text) => text.includes(path))).toBe(true);
  });

  it('prints a timestamped timeline of who said what and what the backend answered', () => {
    const text = printed.join('\n');
    expect(text).toMatch(/\+\d+\.\d{3}s Caller A {3}-> {2}check_availability \{when: "tomorrow afternoon"\}/);
    expect(text).toContain('fallback TwiML: apology + dial the fallback number');
    expect(text).toMatch(/backend: slot_taken {2}"Sorry, someone just took that time\./);
    expect(text).toMatch(/\(\d+ ms\)/);
    // Colours are for terminals only.
    expect(text).not.toContain('\u001b[');
  });
});
