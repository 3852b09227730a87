/** The campaign report as markdown (proof/REPORT.md), the figures the README quotes. */
import type { CampaignReport } from './campaign.ts';

const FAULT_LABELS: Record<keyof CampaignReport['totals']['faults'], string> = {
  rate_limited: 'Calendly 429 with X-RateLimit-Reset (1-60 s)',
  server_error: 'Calendly 500 / 502 / 503',
  connection_reset: 'connection reset before Calendly acted',
  response_lost: 'Calendly booked it, the answer was lost (reset or 502 after the commit)',
  slow_past_timeout: 'Calendly answered after the client gave up (8.5 s > 8 s timeout, booking made)',
  booked_on_web: "time booked on Calendly's own page between hold and confirm",
  lagging_event_list: 'rounds whose reconciliation lookups saw an event list lagging 1-20 s behind',
  message_lost: 'first queue delivery lost (the sweeper must find the booking)',
  message_duplicated: 'booking message sent twice',
};

export function renderReport(
  report: CampaignReport,
  meta: { command: string; date: string; machine: string },
): string {
  const { totals } = report;
  const faults = Object.values(totals.faults).reduce((sum, count) => sum + count, 0);
  const lines = [
    '# Fault campaign report',
    '',
    `Produced by \`${meta.command}\` on ${meta.date} (${meta.machine}), in ${report.wallSeconds} s of wall time`,
    `and ${report.simulatedHours} h of simulated time. Regenerate it with the same command; the seed fixes every`,
    'caller, choice and fault (proof/plan.ts), the machine decides how the concurrent parts interleave.',
    '',
    '| result | count |',
    '|---|---|',
    `| double bookings | **${report.doubleBookings}** |`,
    `| lost bookings | **${report.lostBookings}** |`,
    `| all invariant violations | ${report.violations.length} |`,
    '',
    '| activity | count |',
    '|---|---|',
    `| rounds | ${totals.rounds} |`,
    `| callers | ${totals.callers} |`,
    `| availability offers | ${totals.offers} |`,
    `| hold attempts | ${totals.holdAttempts} |`,
    `| holds | ${totals.holds} |`,
    `| booking attempts (confirm_booking) | ${totals.bookingAttempts} |`,
    `| booked in Calendly | ${totals.booked} |`,
    `| failed (the caller told, and texted when they gave a number) | ${totals.failed} |`,
    `| holds released / calls hung up / holds left to expire | ${totals.released} / ${totals.hungUp} / ${totals.abandoned} |`,
    `| replayed tool calls (same toolCallId) | ${totals.replays} |`,
    `| sweeper runs / time jumps | ${totals.sweeps} / ${totals.timeJumps} |`,
    '',
    `| injected fault (${faults} in all) | count |`,
    '|---|---|',
    ...Object.entries(totals.faults).map(
      ([kind, count]) => `| ${FAULT_LABELS[kind as keyof typeof FAULT_LABELS]} | ${count} |`,
    ),
    '',
    'Checked after every round, against the Calendly sandbox, the SMS outbox, the table and the queue',
    '(proof/invariants.ts): no two active invitees overlap; a booking has at most one invitee; every caller',
    'told "confirmed" is booked; every "pending" ends booked or failed, and a caller with a number gets exactly',
    'one SMS saying which; no answer of an error is booked; no offered time was busy (held by another call,',
    'booked, or booked on the web) for the whole time the offer was being made; a replayed tool call gets the',
    'first answer; no message is left on the queue or dead-lettered.',
  ];
  if (report.violations.length > 0) {
    lines.push('', '## Violations', '');
    for (const violation of report.violations.slice(0, 50)) {
      lines.push(`- round ${violation.round}, ${violation.kind}: ${violation.detail}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
