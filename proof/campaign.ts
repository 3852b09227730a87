/**
 * The fault campaign: rounds of 2 to 40 simulated callers at once, through the real handlers on the local
 * stack (real HTTP, signed like Vapi, DynamoDB Local, the in-process queue and worker), while the Calendly
 * sandbox fails on purpose and the queue loses and duplicates messages. Each round settles (time jumps over
 * retry delays, rate-limit resets and the sweeper's grace: ./time-warp.ts) and is then checked against the
 * sandbox's own calendar, the SMS outbox, the table and the queue (./invariants.ts).
 *
 * Call `installTimeWarp()` before importing this module (the CLI and the test do).
 */
import { isDeepStrictEqual } from 'node:util';
import type { SQSRecord } from 'aws-lambda';
import type { SandboxInvitee } from '../infra/local/calendly-sandbox/server.ts';
import { type LocalStack, startLocalStack, sweepDepsOf } from '../infra/local/stack.ts';
import { OVERDUE_GRACE_MS, type SweepDeps, sweepOverdue } from '../shared/domain/sweep.ts';
import { addDays, weekdayOf } from '../shared/domain/time/calendar-day.ts';
import { localDayOf } from '../shared/domain/time/zone.ts';
import { newCall, postVapi, resultOf, toolCallsMessage, vapiCall } from '../test/fixtures/vapi-messages.ts';
import {
  type BookingFact,
  type BusySpan,
  type ConfirmAnswer,
  checkBookings,
  checkNoOverlaps,
  checkOffers,
  type InviteeFact,
  type OfferFact,
  type Violation,
} from './invariants.ts';
import { type CallerPlan, type PlanOptions, planRound, type RoundPlan } from './plan.ts';
import { installTimeWarp } from './time-warp.ts';

const ZONE = 'America/New_York';
const SECRET = 'campaign-vapi-server-secret-0123456789';
/** The product's in-memory availability is re-checked against the table this often (README, Availability). */
const MEMORY_CACHE_RECHECK_MS = 5_000;
const ROUND_REAL_TIMEOUT_MS = 180_000;
const ROUND_SIMULATED_LIMIT_MS = 24 * 3_600_000;

export type FaultKind =
  | 'rate_limited'
  | 'server_error'
  | 'connection_reset'
  | 'response_lost'
  | 'slow_past_timeout'
  | 'booked_on_web'
  | 'lagging_event_list'
  | 'message_lost'
  | 'message_duplicated';

export interface CampaignTotals {
  rounds: number;
  callers: number;
  offers: number;
  holdAttempts: number;
  holds: number;
  /** confirm_booking calls: a caller asking for a held time to be booked. */
  bookingAttempts: number;
  booked: number;
  failed: number;
  released: number;
  hungUp: number;
  abandoned: number;
  replays: number;
  faults: Record<FaultKind, number>;
  sweeps: number;
  timeJumps: number;
}

export interface CampaignReport {
  seed: number;
  totals: CampaignTotals;
  doubleBookings: number;
  lostBookings: number;
  violations: (Violation & { round: number })[];
  simulatedHours: number;
  wallSeconds: number;
}

export interface CampaignOptions extends Partial<Omit<PlanOptions, 'seed'>> {
  seed: number;
  rounds: number;
  /** A running DynamoDB Local to use (tests share one); otherwise one is started. */
  dynamoEndpoint?: string;
  /** Stops after the round being played; the report covers the rounds played. */
  signal?: AbortSignal;
  onRound?: (round: number, totals: CampaignTotals, violations: Violation[]) => void;
}

const FAULT_KINDS: FaultKind[] = [
  'rate_limited',
  'server_error',
  'connection_reset',
  'response_lost',
  'slow_past_timeout',
  'booked_on_web',
  'lagging_event_list',
  'message_lost',
  'message_duplicated',
];

const emptyTotals = (): CampaignTotals => ({
  rounds: 0,
  callers: 0,
  offers: 0,
  holdAttempts: 0,
  holds: 0,
  bookingAttempts: 0,
  booked: 0,
  failed: 0,
  released: 0,
  hungUp: 0,
  abandoned: 0,
  replays: 0,
  faults: Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>,
  sweeps: 0,
  timeJumps: 0,
});

interface Slot {
  id: string;
  start: string;
}

/** A hold's busy span; `confirmAt` is when confirm_booking was sent for it. */
type HeldSpan = BusySpan & { confirmAt?: number };

interface RoundFacts {
  offers: OfferFact[];
  /** With the span its hold made busy, so a failed booking can give the time back. */
  bookings: { bookingId: string; told: ConfirmAnswer; phone: string | null; held: HeldSpan }[];
  violations: Violation[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runCampaign(options: CampaignOptions): Promise<CampaignReport> {
  const warp = installTimeWarp();
  const planOptions: PlanOptions = {
    seed: options.seed,
    minCallers: options.minCallers ?? 2,
    maxCallers: options.maxCallers ?? 40,
    slowFaultEvery: options.slowFaultEvery ?? 4,
  };
  const started = Date.now();
  const wallStarted = performance.now();
  const totals = emptyTotals();
  const violations: (Violation & { round: number })[] = [];

  /** The callers of the round being played, by email (the worker wrapper knows a booking by its email). */
  let roundCallers = new Map<string, CallerPlan>();
  const lostAlready = new Set<string>();
  let stack: LocalStack | undefined;
  let sweepDeps: SweepDeps | undefined;

  stack = await startLocalStack({
    dynamoEndpoint: options.dynamoEndpoint,
    env: { VAPI_SERVER_SECRET: SECRET, POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' },
    queue: {
      clock: warp.clock,
      // The queue loses the first delivery of the bookings the plan says (a SendMessage that never arrived).
      wrapWorker: (worker) => async (event, context) => {
        const kept: SQSRecord[] = [];
        for (const record of event.Records) {
          if (record.attributes.ApproximateReceiveCount === '1' && (await planSaysLose(record))) {
            totals.faults.message_lost++;
            continue;
          }
          kept.push(record);
        }
        return kept.length === 0 ? { batchItemFailures: [] } : await worker({ Records: kept }, context);
      },
    },
  });
  const planSaysLose = async (record: SQSRecord): Promise<boolean> => {
    const { bookingId } = JSON.parse(record.body) as { bookingId: string };
    if (lostAlready.has(bookingId) || !sweepDeps) return false;
    const booking = await sweepDeps.store.bookings.get(bookingId);
    if (!booking || !roundCallers.get(booking.email)?.firstDeliveryLost) return false;
    lostAlready.add(bookingId);
    return true;
  };

  try {
    const sandbox = stack.sandbox;
    const outbox = stack.outbox;
    if (!sandbox || !outbox) throw new Error('the campaign runs on the Calendly sandbox and the SMS outbox');
    sweepDeps = await sweepDepsOf(stack);
    await subscribeWebhook(stack);
    const eventTypes = {
      Consultation: sandbox.eventTypes.consultation,
      Cleaning: sandbox.eventTypes.cleaning,
    };
    const durationOf = new Map(sandbox.eventTypes.all.map((type) => [type.uri, type.durationMinutes]));
    /** Times busy across rounds: booked bookings and times booked on the web. */
    const busy: BusySpan[] = [];

    let lastDay = '';
    for (let round = 1; round <= options.rounds && !options.signal?.aborted; round++) {
      // Fresh days for every round, so the calendar has room; earlier bookings stay and still count.
      const plan = planRound(round, planOptions);
      do warp.jump(24 * 3_600_000);
      while (businessDayAhead(1) <= lastDay);
      const roundBusy: HeldSpan[] = [];
      roundCallers = new Map(plan.callers.map((caller) => [emailOf(round, caller), caller]));
      outbox.clear();
      sandbox.clearRequests();
      const firedBefore = sandbox.firedFaults().length;
      for (const fault of plan.calendlyFaults) sandbox.injectFault(fault);
      sandbox.setListingLag(plan.listingLagMs);

      const facts: RoundFacts = { offers: [], bookings: [], violations: [] };
      const days = Array.from({ length: plan.days }, (_, index) => businessDayAhead(1 + index));
      lastDay = days.at(-1) ?? lastDay;
      await Promise.all(
        plan.callers.map((caller) =>
          playCaller({
            stack: stack as LocalStack,
            plan,
            caller,
            day: days[caller.day] ?? days[0] ?? '',
            facts,
            totals,
            busy: roundBusy,
            eventTypeUri: eventTypes[caller.service].uri,
            durationMinutes: eventTypes[caller.service].durationMinutes,
            duplicate: (bookingId) => (sweepDeps as SweepDeps).queue.enqueue(bookingId),
          }).catch((error: unknown) => {
            // A tool call that did not answer 200 is a failure of the product, not of the campaign.
            facts.violations.push({
              kind: 'wrong_answer',
              detail: `caller ${caller.index}: ${error instanceof Error ? error.message : String(error)}`,
            });
          }),
        ),
      );

      const settled = await settle(stack, sweepDeps, facts, warp, totals);
      if (!settled) facts.violations.push({ kind: 'message_stuck', detail: `round ${round} did not settle` });
      await sandbox.settleWebhooks();
      sandbox.clearFaults();
      sandbox.setListingLag(0);
      if (
        plan.listingLagMs > 0 &&
        sandbox.requests().some((request) => request.endpoint === 'list_scheduled_events')
      ) {
        totals.faults.lagging_event_list++;
      }
      for (const fired of sandbox.firedFaults().slice(firedBefore)) {
        if (fired.status === 'slow') totals.faults.slow_past_timeout++;
        else if (fired.afterCommit) totals.faults.response_lost++;
        else if (fired.status === 'drop') totals.faults.connection_reset++;
        else if (fired.status === 429) totals.faults.rate_limited++;
        else totals.faults.server_error++;
      }

      const invitees = sandbox.invitees().map((invitee) => inviteeFact(invitee, durationOf));
      const bookingFacts: BookingFact[] = [];
      for (const { held, ...booking } of facts.bookings) {
        const stored = await sweepDeps.store.bookings.get(booking.bookingId);
        bookingFacts.push({
          ...booking,
          finalStatus: stored?.status ?? null,
          texts: booking.phone
            ? outbox
                .messages()
                .filter((message) => message.to === booking.phone)
                .map((message) => message.body)
            : [],
        });
        if (stored?.status === 'booked') totals.booked++;
        if (stored?.status === 'failed') totals.failed++;
        // A booked time stays busy for good; a failed one was given back at some point after confirming.
        if (stored?.status === 'failed') held.until = Math.min(held.until, held.confirmAt ?? held.until);
      }
      const stats = stack.queue.stats();
      if (stats.visible + stats.delayed + stats.inFlight > 0 || stack.queue.deadLetters().length > 0) {
        facts.violations.push({
          kind: 'message_stuck',
          detail: `queue after round ${round}: ${JSON.stringify(stats)}`,
        });
      }
      const roundViolations = [
        ...facts.violations,
        ...checkNoOverlaps(invitees),
        ...checkBookings(bookingFacts, invitees),
        ...checkOffers(facts.offers, [...busy, ...roundBusy]),
      ];
      for (const violation of roundViolations) violations.push({ ...violation, round });
      busy.push(...roundBusy.filter((span) => span.until === Number.POSITIVE_INFINITY));
      totals.rounds = round;
      options.onRound?.(round, totals, roundViolations);
    }
  } finally {
    await stack?.stop();
  }

  const count = (kinds: Violation['kind'][]) =>
    violations.filter((violation) => kinds.includes(violation.kind)).length;
  return {
    seed: options.seed,
    totals,
    doubleBookings: count(['double_booking', 'overlapping_invitees']),
    lostBookings: count(['lost_booking', 'missing_sms', 'message_stuck']),
    violations,
    simulatedHours: Math.round((Date.now() - started) / 360_000) / 10,
    wallSeconds: Math.round((performance.now() - wallStarted) / 100) / 10,
  };
}

const emailOf = (round: number, caller: CallerPlan) => `r${round}c${caller.index}@example.com`;

/** The local date `daysAhead` business days after today, in the business zone. */
function businessDayAhead(daysAhead: number): string {
  let day = localDayOf(new Date(), ZONE);
  for (let left = daysAhead; left > 0; ) {
    day = addDays(day, 1);
    if (weekdayOf(day) <= 5) left--;
  }
  return day;
}

function inviteeFact(invitee: SandboxInvitee, durations: Map<string, number>): InviteeFact {
  const startMs = Date.parse(invitee.start);
  return {
    uri: invitee.uri,
    status: invitee.status,
    bookingId: invitee.tracking.utm_content,
    startMs,
    endMs: startMs + (durations.get(invitee.eventTypeUri) ?? 30) * 60_000,
  };
}

async function subscribeWebhook(stack: LocalStack): Promise<void> {
  const sandbox = stack.sandbox;
  if (!sandbox) return;
  const response = await fetch(`${sandbox.url}/webhook_subscriptions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      url: `${stack.apiUrl}/calendly/webhook`,
      events: ['invitee.created', 'invitee.canceled'],
      organization: sandbox.user.organizationUri,
      user: sandbox.user.uri,
      scope: 'user',
      signing_key: stack.env.CALENDLY_WEBHOOK_SIGNING_KEY,
    }),
  });
  if (response.status !== 201) throw new Error(`webhook subscription failed: ${response.status}`);
}

interface CallerContext {
  stack: LocalStack;
  plan: RoundPlan;
  caller: CallerPlan;
  day: string;
  facts: RoundFacts;
  totals: CampaignTotals;
  busy: HeldSpan[];
  eventTypeUri: string;
  durationMinutes: number;
  duplicate: (bookingId: string) => Promise<void>;
}

/** One caller's conversation: look, hold (maybe twice), then confirm, release, hang up or walk away. */
async function playCaller(context: CallerContext): Promise<void> {
  const { stack, plan, caller, facts, totals } = context;
  await sleep(caller.startDelayMs);
  totals.callers++;
  const call = newCall(caller.phone);
  let callIds = 0;
  const tool = async (name: string, args: unknown, replay = false) => {
    const id = `call_${plan.round}_${caller.index}_${callIds++}`;
    const send = () =>
      postVapi(stack.apiUrl, '/vapi/tools', toolCallsMessage(call, [{ name, args, id }]), SECRET).then(
        (response) => {
          if (response.status !== 200) throw new Error(`/vapi/tools answered ${response.status} to ${name}`);
          return resultOf(response.body);
        },
      );
    const result = await send();
    if (replay) {
      totals.replays++;
      const again = await send();
      if (!isDeepStrictEqual(again, result)) {
        facts.violations.push({ kind: 'replay_differs', detail: `${name} ${id}: ${JSON.stringify(again)}` });
      }
    }
    return result;
  };
  const span = (start: string) => {
    const startMs = Date.parse(start);
    return { startMs, endMs: startMs + context.durationMinutes * 60_000 };
  };
  const offered = (sentAt: number, slots: unknown) => {
    const list = (slots as Slot[] | undefined) ?? [];
    facts.offers.push({
      callSid: call.callSid,
      sentAt,
      answeredAt: Date.now(),
      slots: list.map((slot) => span(slot.start)),
    });
    return list;
  };

  let sentAt = Date.now();
  const offer = await tool('check_availability', {
    date: context.day,
    part_of_day: caller.partOfDay,
    service: caller.service,
  });
  totals.offers++;
  let slots = offered(sentAt, offer.slots);
  let slot = slots[Math.min(caller.pick, slots.length - 1)];
  let hold: Record<string, unknown> | undefined;
  for (let attempt = 0; slot && attempt < 2 && !hold; attempt++) {
    totals.holdAttempts++;
    sentAt = Date.now();
    const answer = await tool(
      'hold_slot',
      { slot_id: slot.id, name: `Caller ${caller.index}`, email: emailOf(plan.round, caller) },
      caller.replayHold,
    );
    if (answer.ok) {
      hold = answer;
      break;
    }
    // slot_taken comes with fresh alternatives: take the first, as a caller would.
    slots = offered(sentAt, answer.slots);
    slot = slots[0];
  }
  if (!hold || !slot) return;
  totals.holds++;
  const heldAt = Date.now();
  const held: HeldSpan = {
    ...span(slot.start),
    from: heldAt,
    until: Date.parse(String(hold.expires_at)),
    what: `hold ${String(hold.hold_id)}`,
    callSid: call.callSid,
  };
  context.busy.push(held);

  switch (caller.ending) {
    case 'release':
      totals.released++;
      held.until = Date.now();
      await tool('release_hold', { hold_id: hold.hold_id });
      return;
    case 'hang_up': {
      totals.hungUp++;
      held.until = Date.now();
      const report = {
        message: { type: 'end-of-call-report', endedReason: 'customer-ended-call', call: vapiCall(call) },
      };
      const response = await postVapi(stack.apiUrl, '/vapi/events', report, SECRET);
      if (response.status !== 200) throw new Error(`/vapi/events answered ${response.status}`);
      return;
    }
    case 'abandon':
      totals.abandoned++;
      return;
    case 'confirm':
      break;
  }

  if (caller.bookedOnWebFirst) {
    try {
      context.stack.sandbox?.bookElsewhere(context.eventTypeUri, slot.start);
      totals.faults.booked_on_web++;
      await context.stack.sandbox?.settleWebhooks();
      context.busy.push({
        ...span(slot.start),
        from: Date.now() + MEMORY_CACHE_RECHECK_MS,
        until: Number.POSITIVE_INFINITY,
        what: 'booked on the web',
        callSid: null,
      });
    } catch {
      // Not free in Calendly after all (another event type took an overlapping time): nothing booked.
    }
  }
  totals.bookingAttempts++;
  held.confirmAt = Date.now();
  const answer = await tool('confirm_booking', { hold_id: hold.hold_id }, caller.replayConfirm);
  const bookingId = typeof answer.booking_id === 'string' ? answer.booking_id : null;
  if (!bookingId) return;
  const told: ConfirmAnswer = answer.ok
    ? (answer.status as 'confirmed' | 'pending')
    : `error:${String(answer.error)}`;
  facts.bookings.push({ bookingId, told, phone: caller.phone, held });
  // The hold became a booking: busy for good if it is booked (the round trims it if it failed).
  held.until = Number.POSITIVE_INFINITY;
  held.what = `booking ${bookingId}`;
  if (caller.duplicateMessage) {
    totals.faults.message_duplicated++;
    await context.duplicate(bookingId);
  }
}

/**
 * Waits until every booking of the round is finished and texted and the queue is empty. When nothing is
 * running and only delayed messages are left, time jumps to the next one; when the queue is empty but a
 * booking is unfinished (its message was lost), time jumps past the sweeper's grace and the sweeper runs.
 */
async function settle(
  stack: LocalStack,
  deps: SweepDeps,
  facts: RoundFacts,
  warp: ReturnType<typeof installTimeWarp>,
  totals: CampaignTotals,
): Promise<boolean> {
  const realDeadline = performance.now() + ROUND_REAL_TIMEOUT_MS;
  const simulatedDeadline = Date.now() + ROUND_SIMULATED_LIMIT_MS;
  while (performance.now() < realDeadline && Date.now() < simulatedDeadline) {
    await sleep(20);
    const stats = stack.queue.stats();
    if (stats.running > 0 || stats.visible > 0) continue;
    if (stats.delayed + stats.inFlight > 0) {
      const next = warp.nextTimerAt();
      if (next !== undefined) {
        warp.jump(Math.max(0, next - Date.now()) + 1);
        totals.timeJumps++;
      }
      continue;
    }
    const unfinished = [];
    for (const { bookingId } of facts.bookings) {
      const booking = await deps.store.bookings.get(bookingId);
      if (!booking) continue;
      const final = booking.status === 'booked' || booking.status === 'failed';
      if (!final || (booking.callerNumber !== null && booking.smsSentAt === null)) unfinished.push(booking);
    }
    if (unfinished.length === 0) return true;
    // Nothing is on the queue for them: wait out the sweeper's grace, as the scheduled sweeper would.
    const latestDue = Math.max(...unfinished.map((booking) => booking.dueAt));
    warp.jump(Math.max(0, latestDue + OVERDUE_GRACE_MS + 1_000 - Date.now()));
    totals.timeJumps++;
    await sweepOverdue(deps, new Date());
    totals.sweeps++;
  }
  return false;
}
