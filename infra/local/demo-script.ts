/**
 * The demo scenario behind `npm run demo`: two callers race for one slot, played against the local stack
 * through the real HTTP routes with properly signed requests (Twilio signatures over PUBLIC_BASE_URL + path,
 * Vapi HMAC signatures), so every step runs the same authentication, handlers, slot lock, queue and worker
 * as in AWS. Printing is separate (./timeline.ts); `runDemo` returns the timeline and a summary whose
 * invariants the caller checks.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { ENV } from '../../shared/env.ts';
import type { SandboxInvitee } from './calendly-sandbox/server.ts';
import { LOCAL_SANDBOX } from './defaults.ts';
import { twilioSignature, vapiHmacHeaders } from './signers.ts';
import type { LocalQueueEvent } from './sqs-queue.ts';
import { type LocalStack, type LocalStackOptions, startLocalStack } from './stack.ts';
import { createTimeline, formatArgs, type Timeline, type TimelineEntry } from './timeline.ts';

export interface DemoOptions {
  /** Receives each timeline line as it happens; default: nothing is printed. */
  print?: (line: string) => void;
  /** ANSI colours in printed lines. */
  color?: boolean;
  /** Play against this running stack and leave it running (it must use the Calendly sandbox and SMS outbox). */
  stack?: LocalStack;
  /** Without `stack`: options for the stack the demo starts and stops itself (e.g. a shared `dynamoEndpoint`). */
  stackOptions?: LocalStackOptions;
}

/** One caller of the scenario (fake demo data). */
export interface DemoCaller {
  label: string;
  name: string;
  email: string;
  phone: string;
  callSid: string;
}

export interface DemoBooking {
  caller: string;
  name: string;
  email: string;
  /** UTC ISO instant. */
  start: string;
  bookingId: string;
  /** What confirm_booking answered: confirmed, or pending when the worker took longer than the wait. */
  status: string;
}

/** One sandbox invitee on a demo day. */
export interface CalendarRow {
  start: string;
  /** In the business zone, e.g. "Thu Nov 26 12:30 PM". */
  local: string;
  name: string;
  email: string;
  eventType: string;
  status: 'active' | 'canceled';
  /** Our booking id (Calendly tracking.utm_content), when we booked it. */
  bookingId: string | null;
}

export interface Invariant {
  name: string;
  ok: boolean;
  detail: string;
}

export interface DemoSummary {
  /** True when every invariant holds. */
  ok: boolean;
  timezone: string;
  contested: { start: string; local: string; winner: string; loser: string };
  /** The loser's slot_taken alternatives (UTC ISO starts). */
  alternatives: string[];
  bookings: DemoBooking[];
  calendar: CalendarRow[];
  sms: { caller: string; to: string; body: string }[];
  replay: { tool: string; toolCallId: string; identical: boolean };
  invariants: Invariant[];
  timings: { stackStartMs: number | null; scenarioMs: number; totalMs: number };
}

export interface DemoResult {
  timeline: readonly TimelineEntry[];
  summary: DemoSummary;
}

/** The scenario could not go on (a route failed, nothing was offered): the message says what and where. */
export class DemoError extends Error {
  override readonly name = 'DemoError';
}

/** The phrase both callers use; resolved by the tool against "now" in the business zone. */
export const DEMO_PHRASE = 'tomorrow afternoon';

const CALLERS = [
  { label: 'Caller A', name: 'Alice Moreno', email: 'alice@example.com', phone: '+14155550101' },
  { label: 'Caller B', name: 'Ben Okafor', email: 'ben@example.com', phone: '+14155550102' },
] as const;

const SlotSchema = z.object({ id: z.string(), start: z.string(), spoken: z.string() });
type Slot = z.infer<typeof SlotSchema>;

/** A tool `result` line (README, "Tools the assistant sees"); provider-style, so unknown keys are kept. */
const ToolResultSchema = z.looseObject({
  ok: z.boolean(),
  say: z.string(),
  error: z.string().optional(),
  timezone: z.string().optional(),
  slots: z.array(SlotSchema).optional(),
  hold_id: z.string().optional(),
  expires_at: z.string().optional(),
  slot: SlotSchema.optional(),
  status: z.string().optional(),
  booking_id: z.string().optional(),
});
type ToolResult = z.infer<typeof ToolResultSchema>;

const ToolResponseSchema = z.object({
  results: z.array(z.object({ toolCallId: z.string(), name: z.string(), result: z.string() })).min(1),
});

/** Everything the demo needs from a configuration. */
interface Wiring {
  apiUrl: string;
  publicBaseUrl: string;
  twilioAuthToken: string;
  twilioAccountSid: string;
  ourNumber: string;
  vapiSecret: string;
  vapiConfigured: boolean;
}

function wiringOf(stack: LocalStack): Wiring {
  const need = (name: string): string => {
    const value = stack.env[name];
    if (!value) throw new DemoError(`the local stack has no ${name}`);
    return value;
  };
  return {
    apiUrl: stack.apiUrl,
    publicBaseUrl: need(ENV.PUBLIC_BASE_URL).replace(/\/+$/, ''),
    twilioAuthToken: need(ENV.TWILIO_AUTH_TOKEN),
    twilioAccountSid: need(ENV.TWILIO_ACCOUNT_SID),
    ourNumber: need(ENV.TWILIO_PHONE_NUMBER),
    vapiSecret: need(ENV.VAPI_SERVER_SECRET),
    vapiConfigured: !!stack.env[ENV.VAPI_API_KEY],
  };
}

interface HttpAnswer {
  status: number;
  contentType: string;
  text: string;
  ms: number;
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<HttpAnswer> {
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', headers, body });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    text,
    ms: performance.now() - started,
  };
}

/** A form POST signed the way Twilio signs it: over the public URL it called, not the local one. */
async function postTwilio(wiring: Wiring, path: string, params: Record<string, string>): Promise<HttpAnswer> {
  const signature = twilioSignature(wiring.twilioAuthToken, `${wiring.publicBaseUrl}${path}`, params);
  return await post(`${wiring.apiUrl}${path}`, new URLSearchParams(params).toString(), {
    'content-type': 'application/x-www-form-urlencoded',
    'x-twilio-signature': signature,
  });
}

/** A Vapi `tool-calls` message, HMAC-signed (hex HMAC-SHA256 of `${timestamp}.${rawBody}`). */
async function postTool(
  wiring: Wiring,
  caller: DemoCaller,
  name: string,
  args: Record<string, unknown>,
  toolCallId: string,
): Promise<{ raw: string; result: ToolResult; ms: number }> {
  const body = JSON.stringify({
    message: {
      type: 'tool-calls',
      timestamp: Date.now(),
      toolCallList: [{ id: toolCallId, type: 'function', function: { name, arguments: args } }],
      call: {
        id: `vapi-${caller.callSid}`,
        type: 'inboundPhoneCall',
        phoneCallProviderId: caller.callSid,
        customer: { number: caller.phone },
      },
    },
  });
  const answer = await post(`${wiring.apiUrl}/vapi/tools`, body, {
    'content-type': 'application/json',
    ...vapiHmacHeaders(wiring.vapiSecret, body),
  });
  if (answer.status !== 200) {
    throw new DemoError(
      `${caller.label}: ${name} answered HTTP ${answer.status}: ${answer.text.slice(0, 200)}`,
    );
  }
  const parsed = ToolResponseSchema.safeParse(safeJson(answer.text));
  const raw = parsed.success ? parsed.data.results[0]?.result : undefined;
  if (raw === undefined)
    throw new DemoError(`${caller.label}: ${name} answered without a result: ${answer.text}`);
  if (raw.includes('\n')) throw new DemoError(`${caller.label}: ${name} result spans more than one line`);
  const result = ToolResultSchema.safeParse(safeJson(raw));
  if (!result.success) throw new DemoError(`${caller.label}: ${name} result is not {ok, say, ...}: ${raw}`);
  return { raw, result: result.data, ms: answer.ms };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** What a TwiML answer does, in a few words (never the whole document). */
export function twimlGist(xml: string, vapiConfigured: boolean): string {
  if (/<Connect[\s>]|<Stream[\s>]|<Sip[\s>]/.test(xml))
    return "Vapi's TwiML: the call is connected to the assistant";
  const verbs: string[] = [];
  if (/<Say[\s>]/.test(xml)) verbs.push('apology');
  if (/<Dial[\s>]/.test(xml)) verbs.push('dial the fallback number');
  if (/<Record[\s>]/.test(xml)) verbs.push('voicemail');
  if (verbs.length === 0) return 'empty TwiML';
  const why = vapiConfigured ? 'Vapi could not take the call' : 'no VAPI_API_KEY configured';
  return `fallback TwiML: ${verbs.join(' + ')} (${why})`;
}

const quote = (text: string): string => JSON.stringify(text);

/** Plays the scenario (starting and stopping a stack unless one is given) and checks the invariants. */
export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const startedEpoch = Date.now();
  const timeline = createTimeline({
    ...(options.print ? { print: options.print } : {}),
    ...(options.color === undefined ? {} : { color: options.color }),
  });
  timeline.title('Voice booking demo: two callers race for one slot (everything local, no accounts)');

  let stack = options.stack;
  let stackStartMs: number | null = null;
  const ownStack = !stack;
  if (!stack) {
    const stackStarted = performance.now();
    stack = await startDemoStack(options.stackOptions ?? {}, timeline);
    stackStartMs = performance.now() - stackStarted;
    timeline.event(
      'stack',
      `up in ${(stackStartMs / 1000).toFixed(1)} s: DynamoDB Local (in memory), Calendly sandbox (seeded week, ${LOCAL_SANDBOX.timezone}), SMS outbox, in-process queue -> booking worker, API ${stack.apiUrl}`,
    );
  }
  const scenarioStarted = performance.now();
  try {
    const summary = await playScenario(stack, timeline, startedEpoch);
    const scenarioMs = performance.now() - scenarioStarted;
    summary.timings = { stackStartMs, scenarioMs, totalMs: timeline.elapsedMs() };
    const stackPart = stackStartMs === null ? '' : `, stack start ${(stackStartMs / 1000).toFixed(1)} s`;
    timeline.text(
      `\n${summary.ok ? 'All invariants hold.' : 'INVARIANTS FAILED.'} Scenario ${(scenarioMs / 1000).toFixed(1)} s${stackPart}.`,
    );
    return { timeline: timeline.entries, summary };
  } finally {
    if (ownStack) await stack.stop();
  }
}

/**
 * Starts a stack that can only reach local fakes: settings from the shell (a real VAPI_API_KEY, a
 * CALENDLY_EVENT_TYPE_URI, ...) would leak into the functions through process.env, so they are cleared.
 */
async function startDemoStack(stackOptions: LocalStackOptions, timeline: Timeline): Promise<LocalStack> {
  for (const name of Object.values(ENV)) delete process.env[name];
  const onQueueEvent = (event: LocalQueueEvent) => {
    describeQueueEvent(timeline, event);
    stackOptions.onQueueEvent?.(event);
  };
  return await startLocalStack({
    ...stackOptions,
    env: {
      // Handlers log JSON and emit metrics on stdout; the timeline is the demo's output.
      POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT',
      POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
      ...stackOptions.env,
    },
    onQueueEvent,
  });
}

function describeQueueEvent(timeline: Timeline, event: LocalQueueEvent): void {
  switch (event.type) {
    case 'sent':
      timeline.event('queue', 'booking message queued for the worker');
      break;
    case 'received':
      timeline.event('worker', `picks up the booking message (delivery #${event.receiveCount})`);
      break;
    case 'deleted':
      timeline.event('worker', 'done: booking message deleted from the queue');
      break;
    case 'failed':
      timeline.event(
        'worker',
        `delivery failed, will be retried: ${event.reason ?? 'unknown reason'}`,
        false,
      );
      break;
    case 'dead-lettered':
      timeline.event('queue', 'booking message moved to the dead-letter queue', false);
      break;
  }
}

async function playScenario(
  stack: LocalStack,
  timeline: Timeline,
  startedEpoch: number,
): Promise<DemoSummary> {
  const sandbox = stack.sandbox;
  if (!sandbox) throw new DemoError('the demo needs the Calendly sandbox (unset CALENDLY_API_TOKEN)');
  const outbox = stack.outbox;
  if (!outbox) throw new DemoError('the demo needs the SMS outbox (unset the real TWILIO_* settings)');
  const wiring = wiringOf(stack);
  const callers: DemoCaller[] = CALLERS.map((caller) => ({
    ...caller,
    callSid: `CA${randomBytes(16).toString('hex')}`,
  }));
  const [alice, ben] = callers as [DemoCaller, DemoCaller];
  let zone: string = LOCAL_SANDBOX.timezone;
  const local = (iso: string) =>
    DateTime.fromISO(iso, { zone: 'utc' }).setZone(zone).toFormat('ccc LLL d h:mm a');
  const slotList = (slots: readonly Slot[]) =>
    slots
      .map((slot) => `${slot.id} ${DateTime.fromISO(slot.start).setZone(zone).toFormat('h:mm a')}`)
      .join(', ');

  /** One tool call, shown as request and answer. */
  const tool = async (
    caller: DemoCaller,
    name: string,
    args: Record<string, unknown>,
    toolCallId?: string,
  ) => {
    const id = toolCallId ?? `call_${randomUUID().slice(0, 12)}`;
    const requestId = timeline.request(caller.label, `${name} ${formatArgs(args)}`);
    const answer = await postTool(wiring, caller, name, args, id);
    timeline.response(requestId, describeResult(answer.result), {
      latencyMs: answer.ms,
      ok: answer.result.ok,
    });
    return { ...answer, toolCallId: id, requestId };
  };

  const twilioParams = (caller: DemoCaller, status: string): Record<string, string> => ({
    AccountSid: wiring.twilioAccountSid,
    ApiVersion: '2010-04-01',
    CallSid: caller.callSid,
    CallStatus: status,
    Called: wiring.ourNumber,
    Caller: caller.phone,
    Direction: 'inbound',
    From: caller.phone,
    To: wiring.ourNumber,
  });

  // (a) ------------------------------------------------------------------------------------------------
  timeline.section(
    '(a) Two calls come in: Twilio posts each to /twilio/voice (signed with X-Twilio-Signature)',
  );
  for (const caller of callers) {
    const requestId = timeline.request(
      caller.label,
      `calls in from ${caller.phone}: Twilio -> POST /twilio/voice`,
    );
    const answer = await postTwilio(wiring, '/twilio/voice', twilioParams(caller, 'ringing'));
    if (answer.status !== 200 || !answer.contentType.startsWith('text/xml')) {
      throw new DemoError(
        `/twilio/voice answered ${answer.status} ${answer.contentType}: ${answer.text.slice(0, 200)}`,
      );
    }
    timeline.response(requestId, twimlGist(answer.text, wiring.vapiConfigured), { latencyMs: answer.ms });
  }
  timeline.detail(
    '(with Vapi configured the caller would now talk to the assistant; here we play its tool calls)',
  );

  // (b) ------------------------------------------------------------------------------------------------
  timeline.section(`(b) Both ask for "${DEMO_PHRASE}": check_availability (Vapi tool calls, HMAC-signed)`);
  const offered = new Map<DemoCaller, Slot[]>();
  for (const caller of callers) {
    const { result } = await tool(caller, 'check_availability', { when: DEMO_PHRASE });
    if (!result.ok)
      throw new DemoError(`${caller.label}: check_availability failed: ${result.error} ${result.say}`);
    zone = result.timezone ?? zone;
    const slots = result.slots ?? [];
    timeline.detail(`slots: ${slotList(slots) || 'none'} (${zone})`);
    offered.set(caller, slots);
  }
  const aliceSlots = offered.get(alice) ?? [];
  const benSlots = offered.get(ben) ?? [];
  // Each caller holds its own slot id for the same start: ids are per call, times are shared.
  const contestedStart = aliceSlots.find((slot) =>
    benSlots.some((other) => other.start === slot.start),
  )?.start;
  if (!contestedStart) throw new DemoError('the two callers were not offered any common time to race for');
  const aliceId = aliceSlots.find((slot) => slot.start === contestedStart)?.id ?? '';
  const benId = benSlots.find((slot) => slot.start === contestedStart)?.id ?? '';

  // (c) ------------------------------------------------------------------------------------------------
  timeline.section(`(c) Both try to hold ${local(contestedStart)} at the same moment`);
  const [aliceHold, benHold] = await Promise.all([
    tool(alice, 'hold_slot', { slot_id: aliceId, name: alice.name, email: alice.email }),
    tool(ben, 'hold_slot', { slot_id: benId, name: ben.name, email: ben.email }),
  ]);
  const winners = [aliceHold, benHold].filter((hold) => hold.result.ok).length;
  if (winners !== 1) {
    throw new DemoError(
      `invariant failed: exactly one caller must get the contested slot, but ${winners} did (${aliceHold.raw} / ${benHold.raw})`,
    );
  }
  const [winner, loser] = aliceHold.result.ok ? [alice, ben] : [ben, alice];
  const [winnerHold, loserTry] = aliceHold.result.ok ? [aliceHold, benHold] : [benHold, aliceHold];
  const alternatives = loserTry.result.slots ?? [];
  timeline.detail(`${loser.label} is offered instead: ${slotList(alternatives) || 'nothing'}`);
  // Alternatives never overlap a held or booked appointment (the lock claims every 5-minute cell), so the
  // caller simply takes the first one.
  const pick = alternatives[0];
  if (loserTry.result.error !== 'slot_taken' || !pick) {
    throw new DemoError(`${loser.label} should get slot_taken with alternatives, got: ${loserTry.raw}`);
  }
  const loserHold = await tool(loser, 'hold_slot', {
    slot_id: pick.id,
    name: loser.name,
    email: loser.email,
  });
  if (!loserHold.result.ok)
    throw new DemoError(`${loser.label} could not hold an alternative: ${loserHold.raw}`);

  // (d) ------------------------------------------------------------------------------------------------
  timeline.section('(d) Both confirm: the booking is queued and the worker books it in Calendly');
  const holds = [
    { caller: winner, holdId: winnerHold.result.hold_id ?? '', start: contestedStart },
    { caller: loser, holdId: loserHold.result.hold_id ?? '', start: pick.start },
  ];
  const bookings: DemoBooking[] = [];
  let winnerConfirm: { raw: string; toolCallId: string } | undefined;
  for (const hold of holds) {
    const confirm = await tool(hold.caller, 'confirm_booking', { hold_id: hold.holdId });
    if (!confirm.result.ok || !confirm.result.booking_id) {
      throw new DemoError(`${hold.caller.label}: confirm_booking failed: ${confirm.raw}`);
    }
    winnerConfirm ??= { raw: confirm.raw, toolCallId: confirm.toolCallId };
    bookings.push({
      caller: hold.caller.label,
      name: hold.caller.name,
      email: hold.caller.email,
      start: hold.start,
      bookingId: confirm.result.booking_id,
      status: confirm.result.status ?? 'unknown',
    });
  }

  // (e) ------------------------------------------------------------------------------------------------
  timeline.section('(e) Vapi retries a tool call: the same toolCallId is replayed');
  if (!winnerConfirm) throw new DemoError('no confirmation to replay');
  const replay = await tool(
    winner,
    'confirm_booking',
    { hold_id: holds[0]?.holdId ?? '' },
    winnerConfirm.toolCallId,
  );
  const identical = replay.raw === winnerConfirm.raw;
  timeline.detail(
    identical
      ? `identical result to the first call (toolCallId ${winnerConfirm.toolCallId}); nothing booked twice`
      : `DIFFERENT result: first ${winnerConfirm.raw}, replay ${replay.raw}`,
  );

  // (f) ------------------------------------------------------------------------------------------------
  timeline.section('(f) The callers hang up: Twilio posts the call-ended status callback');
  for (const caller of callers) {
    const requestId = timeline.request(
      'Twilio',
      `POST /twilio/status {CallStatus: "completed"} (${caller.label})`,
    );
    const answer = await postTwilio(wiring, '/twilio/status', {
      ...twilioParams(caller, 'completed'),
      CallDuration: '94',
    });
    if (answer.status !== 200)
      throw new DemoError(`/twilio/status answered ${answer.status}: ${answer.text}`);
    timeline.response(
      requestId,
      `call ended (any live holds are released); ${twimlGist(answer.text, true)}`,
      {
        latencyMs: answer.ms,
      },
    );
  }
  // Bookings still pending, and the SMS the worker sends after booking, finish in the background.
  await stack.queue.drain(20_000);

  // (g) ------------------------------------------------------------------------------------------------
  timeline.section('(g) SMS messages in the outbox');
  const phones = new Map(callers.map((caller) => [caller.phone, caller.label]));
  const sms = outbox
    .messages()
    .filter((message) => phones.has(message.to))
    .map((message) => ({
      caller: phones.get(message.to) ?? '',
      to: message.to,
      body: message.body,
      at: message.receivedAt,
    }));
  for (const message of sms) {
    timeline.event(
      'SMS',
      `to ${message.to} (${message.caller}), sent at +${((message.at - startedEpoch) / 1000).toFixed(3)}s:`,
    );
    timeline.detail(message.body);
  }
  if (sms.length === 0) timeline.event('SMS', 'none', false);

  // (h) ------------------------------------------------------------------------------------------------
  timeline.section(`(h) The calendar (Calendly sandbox, ${zone}) and the invariants`);
  const eventTypes = new Map(sandbox.eventTypes.all.map((type) => [type.uri, type]));
  const days = new Set(bookings.map((booking) => DateTime.fromISO(booking.start).setZone(zone).toISODate()));
  const invitees = sandbox
    .invitees()
    .filter((invitee) => days.has(DateTime.fromISO(invitee.start).setZone(zone).toISODate()))
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
  const calendar: CalendarRow[] = invitees.map((invitee) => ({
    start: new Date(Date.parse(invitee.start)).toISOString(),
    local: local(invitee.start),
    name: invitee.name,
    email: invitee.email,
    eventType: eventTypes.get(invitee.eventTypeUri)?.name ?? invitee.eventTypeUri,
    status: invitee.status,
    bookingId: invitee.tracking.utm_content ?? null,
  }));
  for (const row of calendar) {
    timeline.text(
      `  ${row.local.padEnd(20)} ${row.name.padEnd(14)} ${row.eventType.padEnd(13)} ${row.status.padEnd(8)} ${row.bookingId ? `booking ${row.bookingId}` : ''}`,
    );
  }
  if (calendar.length === 0) timeline.text('  (no invitees)');

  const invariants = checkInvariants({
    contestedStart,
    winner,
    alternatives,
    bookings,
    invitees: sandbox.invitees(),
    durations: new Map([...eventTypes].map(([uri, type]) => [uri, type.durationMinutes])),
    sms,
    callers,
    replayIdentical: identical,
    deadLetters: stack.queue.deadLetters().length,
  });
  timeline.text('');
  for (const invariant of invariants) timeline.check(invariant.ok, `${invariant.name}: ${invariant.detail}`);

  return {
    ok: invariants.every((invariant) => invariant.ok),
    timezone: zone,
    contested: {
      start: contestedStart,
      local: local(contestedStart),
      winner: winner.label,
      loser: loser.label,
    },
    alternatives: alternatives.map((slot) => slot.start),
    bookings,
    calendar,
    sms: sms.map(({ caller, to, body }) => ({ caller, to, body })),
    replay: { tool: 'confirm_booking', toolCallId: winnerConfirm.toolCallId, identical },
    invariants,
    timings: { stackStartMs: null, scenarioMs: 0, totalMs: 0 },
  };
}

/** The backend's answer in one line: error code if any, the `say` text, and the key fields. */
function describeResult(result: ToolResult): string {
  const parts: string[] = [];
  if (!result.ok) parts.push(result.error ?? 'error');
  parts.push(quote(result.say));
  if (result.hold_id) parts.push(`hold_id ${result.hold_id}`);
  if (result.expires_at)
    parts.push(`expires ${DateTime.fromISO(result.expires_at).toUTC().toFormat('HH:mm:ss')} UTC`);
  if (result.status) parts.push(`status ${result.status}`);
  if (result.booking_id) parts.push(`booking_id ${result.booking_id}`);
  return parts.join('  ');
}

interface InvariantInput {
  contestedStart: string;
  winner: DemoCaller;
  alternatives: readonly Slot[];
  bookings: readonly DemoBooking[];
  invitees: readonly SandboxInvitee[];
  durations: ReadonlyMap<string, number>;
  sms: readonly { to: string; body: string }[];
  callers: readonly DemoCaller[];
  replayIdentical: boolean;
  deadLetters: number;
}

/** The product's promises, checked against the sandbox calendar and the outbox (not against our own records). */
export function checkInvariants(input: InvariantInput): Invariant[] {
  const sameInstant = (a: string, b: string) => Date.parse(a) === Date.parse(b);
  const active = input.invitees.filter((invitee) => invitee.status === 'active');
  const onContested = active.filter((invitee) => sameInstant(invitee.start, input.contestedStart));
  const ours = input.bookings.map((booking) => ({
    booking,
    invitees: active.filter((invitee) => invitee.tracking.utm_content === booking.bookingId),
  }));
  const bookedStarts = new Set(input.bookings.map((booking) => Date.parse(booking.start)));
  const overlaps: string[] = [];
  const intervals = active.map((invitee) => {
    const start = Date.parse(invitee.start);
    return { invitee, start, end: start + (input.durations.get(invitee.eventTypeUri) ?? 30) * 60_000 };
  });
  for (const [i, a] of intervals.entries()) {
    for (const b of intervals.slice(i + 1)) {
      if (a.start < b.end && b.start < a.end) overlaps.push(`${a.invitee.start} / ${b.invitee.start}`);
    }
  }
  const smsFor = (caller: DemoCaller) => input.sms.filter((message) => message.to === caller.phone);

  return [
    {
      name: 'exactly one booking on the contested slot',
      ok: onContested.length === 1 && onContested[0]?.email === input.winner.email,
      detail: `${onContested.length} active invitee(s) at ${input.contestedStart}${onContested[0] ? ` (${onContested[0].name})` : ''}`,
    },
    {
      name: 'the other caller got fresh alternatives',
      ok:
        input.alternatives.length > 0 &&
        input.alternatives.every((slot) => !sameInstant(slot.start, input.contestedStart)),
      detail: `${input.alternatives.length} alternative(s), none at the contested time`,
    },
    {
      name: 'both callers booked, on distinct starts',
      ok:
        input.bookings.length === 2 &&
        bookedStarts.size === 2 &&
        ours.every(
          ({ booking, invitees }) =>
            invitees.length === 1 &&
            invitees[0]?.email === booking.email &&
            sameInstant(invitees[0]?.start ?? '', booking.start),
        ),
      detail: ours
        .map(
          ({ booking, invitees }) =>
            `${booking.caller}: ${invitees.length} invitee(s) for ${booking.bookingId}`,
        )
        .join(', '),
    },
    {
      name: 'no double booking',
      ok: overlaps.length === 0,
      detail:
        overlaps.length === 0
          ? `${active.length} active invitee(s), none overlapping`
          : `overlaps: ${overlaps.join(', ')}`,
    },
    {
      name: 'a replayed tool call returns the identical result',
      ok: input.replayIdentical,
      detail: input.replayIdentical
        ? 'confirm_booking replay matched byte for byte'
        : 'the replay answered differently',
    },
    {
      name: 'an SMS confirmation for each caller',
      ok: input.callers.every(
        (caller) => smsFor(caller).length === 1 && smsFor(caller)[0]?.body.includes('booked'),
      ),
      detail: input.callers.map((caller) => `${caller.label}: ${smsFor(caller).length}`).join(', '),
    },
    {
      name: 'no booking message dead-lettered',
      ok: input.deadLetters === 0,
      detail: `${input.deadLetters} dead letter(s)`,
    },
  ];
}
