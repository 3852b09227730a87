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
import type { CalendlySandbox, SandboxInvitee } from './calendly-sandbox/server.ts';
import { LOCAL_SANDBOX } from './defaults.ts';
import { asksForAPerson, type DemoMessage, FRONT_DESK, messageInvariants } from './demo-message.ts';
import { twilioSignature, vapiHmacHeaders } from './signers.ts';
import type { SmsOutbox } from './sms-outbox.ts';
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

/** What the caller who called back did: found their booking, moved it, then canceled it. */
export interface DemoCallback {
  caller: string;
  /** The CallSid of the call back. */
  callSid: string;
  /** UTC ISO instants. */
  found: string[];
  movedFrom: string;
  movedTo: string;
  canceled: boolean;
  /** Texts the caller got after calling back. */
  sms: string[];
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
  callback: DemoCallback;
  message: DemoMessage;
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
/** The phrase the caller who calls back uses for the new time. */
export const DEMO_MOVE_PHRASE = 'tomorrow morning';

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
  booking_id: z.string().nullish(),
  bookings: z.array(z.object({ ref: z.string(), start: z.string(), spoken: z.string() })).optional(),
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
      // The front desk: the person transfer_to_human dials, and the phone told of each voicemail.
      FALLBACK_PHONE_NUMBER: FRONT_DESK,
      NOTIFY_PHONE_NUMBER: FRONT_DESK,
      // The sandbox's zone, so the business reads voicemail times as callers hear appointment times.
      BUSINESS_TIMEZONE: LOCAL_SANDBOX.timezone,
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

/** What every act of the scenario works with: the stack, the timeline, the callers and their tool calls. */
interface Scene {
  stack: LocalStack;
  sandbox: CalendlySandbox;
  outbox: SmsOutbox;
  timeline: Timeline;
  wiring: Wiring;
  callers: DemoCaller[];
  /** The business zone, as check_availability reports it. */
  zone: string;
}

type ToolAnswer = Awaited<ReturnType<typeof postTool>> & { toolCallId: string; requestId: number };

function local(scene: Scene, iso: string): string {
  return DateTime.fromISO(iso, { zone: 'utc' }).setZone(scene.zone).toFormat('ccc LLL d h:mm a');
}

function slotList(scene: Scene, slots: readonly Slot[]): string {
  return slots
    .map((slot) => `${slot.id} ${DateTime.fromISO(slot.start).setZone(scene.zone).toFormat('h:mm a')}`)
    .join(', ');
}

/** One tool call, shown as request and answer. */
async function tool(
  scene: Scene,
  caller: DemoCaller,
  name: string,
  args: Record<string, unknown>,
  toolCallId?: string,
): Promise<ToolAnswer> {
  const id = toolCallId ?? `call_${randomUUID().slice(0, 12)}`;
  const requestId = scene.timeline.request(caller.label, `${name} ${formatArgs(args)}`);
  const answer = await postTool(scene.wiring, caller, name, args, id);
  scene.timeline.response(requestId, describeResult(answer.result), {
    latencyMs: answer.ms,
    ok: answer.result.ok,
  });
  return { ...answer, toolCallId: id, requestId };
}

function twilioParams(scene: Scene, caller: DemoCaller, status: string): Record<string, string> {
  return {
    AccountSid: scene.wiring.twilioAccountSid,
    ApiVersion: '2010-04-01',
    CallSid: caller.callSid,
    CallStatus: status,
    Called: scene.wiring.ourNumber,
    Caller: caller.phone,
    Direction: 'inbound',
    From: caller.phone,
    To: scene.wiring.ourNumber,
  };
}

/** (a) Twilio posts each call to /twilio/voice. */
async function callsComeIn(scene: Scene): Promise<void> {
  const { timeline, wiring } = scene;
  timeline.section(
    '(a) Two calls come in: Twilio posts each to /twilio/voice (signed with X-Twilio-Signature)',
  );
  for (const caller of scene.callers) {
    const requestId = timeline.request(
      caller.label,
      `calls in from ${caller.phone}: Twilio -> POST /twilio/voice`,
    );
    const answer = await postTwilio(wiring, '/twilio/voice', twilioParams(scene, caller, 'ringing'));
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
}

/** (b) Both ask for the same phrase; returns the time both were offered and each caller's id for it. */
async function bothAskForTimes(
  scene: Scene,
): Promise<{ contestedStart: string; ids: Map<DemoCaller, string> }> {
  scene.timeline.section(
    `(b) Both ask for "${DEMO_PHRASE}": check_availability (Vapi tool calls, HMAC-signed)`,
  );
  const offered = new Map<DemoCaller, Slot[]>();
  for (const caller of scene.callers) {
    const { result } = await tool(scene, caller, 'check_availability', { when: DEMO_PHRASE });
    if (!result.ok)
      throw new DemoError(`${caller.label}: check_availability failed: ${result.error} ${result.say}`);
    scene.zone = result.timezone ?? scene.zone;
    const slots = result.slots ?? [];
    scene.timeline.detail(`slots: ${slotList(scene, slots) || 'none'} (${scene.zone})`);
    offered.set(caller, slots);
  }
  // Each caller holds its own slot id for the same start: ids are per call, times are shared.
  const [first, ...others] = scene.callers.map((caller) => offered.get(caller) ?? []);
  const contestedStart = first?.find((slot) =>
    others.every((slots) => slots.some((other) => other.start === slot.start)),
  )?.start;
  if (!contestedStart) throw new DemoError('the two callers were not offered any common time to race for');
  const ids = new Map(
    scene.callers.map((caller) => [
      caller,
      offered.get(caller)?.find((slot) => slot.start === contestedStart)?.id ?? '',
    ]),
  );
  return { contestedStart, ids };
}

interface Race {
  winner: DemoCaller;
  loser: DemoCaller;
  winnerHold: ToolAnswer;
  loserHold: ToolAnswer;
  /** What the loser was offered instead; the loser holds the first. */
  alternatives: Slot[];
}

/** (c) Both hold the contested time at once: exactly one wins, the other takes an alternative. */
async function bothHoldAtOnce(
  scene: Scene,
  contestedStart: string,
  ids: Map<DemoCaller, string>,
): Promise<Race> {
  scene.timeline.section(`(c) Both try to hold ${local(scene, contestedStart)} at the same moment`);
  const [alice, ben] = scene.callers as [DemoCaller, DemoCaller];
  const [aliceHold, benHold] = (await Promise.all(
    [alice, ben].map((caller) =>
      tool(scene, caller, 'hold_slot', { slot_id: ids.get(caller), name: caller.name, email: caller.email }),
    ),
  )) as [ToolAnswer, ToolAnswer];
  const winners = [aliceHold, benHold].filter((hold) => hold.result.ok).length;
  if (winners !== 1) {
    throw new DemoError(
      `invariant failed: exactly one caller must get the contested slot, but ${winners} did (${aliceHold.raw} / ${benHold.raw})`,
    );
  }
  const [winner, loser] = aliceHold.result.ok ? [alice, ben] : [ben, alice];
  const [winnerHold, loserTry] = aliceHold.result.ok ? [aliceHold, benHold] : [benHold, aliceHold];
  const alternatives = loserTry.result.slots ?? [];
  scene.timeline.detail(`${loser.label} is offered instead: ${slotList(scene, alternatives) || 'nothing'}`);
  // Alternatives never overlap a held or booked appointment (the lock claims every 5-minute cell), so the
  // caller simply takes the first one.
  const pick = alternatives[0];
  if (loserTry.result.error !== 'slot_taken' || !pick) {
    throw new DemoError(`${loser.label} should get slot_taken with alternatives, got: ${loserTry.raw}`);
  }
  const loserHold = await tool(scene, loser, 'hold_slot', {
    slot_id: pick.id,
    name: loser.name,
    email: loser.email,
  });
  if (!loserHold.result.ok)
    throw new DemoError(`${loser.label} could not hold an alternative: ${loserHold.raw}`);
  return { winner, loser, winnerHold, loserHold, alternatives };
}

/** (d) Both confirm; returns the bookings and the winner's confirmation, to replay. */
async function bothConfirm(
  scene: Scene,
  race: Race,
  contestedStart: string,
): Promise<{ bookings: DemoBooking[]; winnerConfirm: ToolAnswer }> {
  scene.timeline.section('(d) Both confirm: the booking is queued and the worker books it in Calendly');
  const holds = [
    { caller: race.winner, holdId: race.winnerHold.result.hold_id ?? '', start: contestedStart },
    {
      caller: race.loser,
      holdId: race.loserHold.result.hold_id ?? '',
      start: race.alternatives[0]?.start ?? '',
    },
  ];
  const bookings: DemoBooking[] = [];
  let winnerConfirm: ToolAnswer | undefined;
  for (const hold of holds) {
    const confirm = await tool(scene, hold.caller, 'confirm_booking', { hold_id: hold.holdId });
    if (!confirm.result.ok || !confirm.result.booking_id) {
      throw new DemoError(`${hold.caller.label}: confirm_booking failed: ${confirm.raw}`);
    }
    winnerConfirm ??= confirm;
    bookings.push({
      caller: hold.caller.label,
      name: hold.caller.name,
      email: hold.caller.email,
      start: hold.start,
      bookingId: confirm.result.booking_id,
      status: confirm.result.status ?? 'unknown',
    });
  }
  if (!winnerConfirm) throw new DemoError('no confirmation to replay');
  return { bookings, winnerConfirm };
}

/** (e) Vapi retries the winner's confirmation with the same toolCallId; says whether the answer was identical. */
async function replayConfirmation(scene: Scene, race: Race, winnerConfirm: ToolAnswer): Promise<boolean> {
  scene.timeline.section('(e) Vapi retries a tool call: the same toolCallId is replayed');
  const replay = await tool(
    scene,
    race.winner,
    'confirm_booking',
    { hold_id: race.winnerHold.result.hold_id ?? '' },
    winnerConfirm.toolCallId,
  );
  const identical = replay.raw === winnerConfirm.raw;
  scene.timeline.detail(
    identical
      ? `identical result to the first call (toolCallId ${winnerConfirm.toolCallId}); nothing booked twice`
      : `DIFFERENT result: first ${winnerConfirm.raw}, replay ${replay.raw}`,
  );
  return identical;
}

/** (f) Both hang up; then the queue finishes what is pending (bookings, texts). */
async function bothHangUp(scene: Scene): Promise<void> {
  const { timeline } = scene;
  timeline.section('(f) The callers hang up: Twilio posts the call-ended status callback');
  for (const caller of scene.callers) {
    const requestId = timeline.request(
      'Twilio',
      `POST /twilio/status {CallStatus: "completed"} (${caller.label})`,
    );
    const answer = await postTwilio(scene.wiring, '/twilio/status', {
      ...twilioParams(scene, caller, 'completed'),
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
  await scene.stack.queue.drain(20_000);
}

/** (g) The texts the callers got. */
function textsSent(
  scene: Scene,
  startedEpoch: number,
): { caller: string; to: string; body: string; at: number }[] {
  scene.timeline.section('(g) SMS messages in the outbox');
  const phones = new Map(scene.callers.map((caller) => [caller.phone, caller.label]));
  const sms = scene.outbox
    .messages()
    .filter((message) => phones.has(message.to))
    .map((message) => ({
      caller: phones.get(message.to) ?? '',
      to: message.to,
      body: message.body,
      at: message.receivedAt,
    }));
  for (const message of sms) {
    scene.timeline.event(
      'SMS',
      `to ${message.to} (${message.caller}), sent at +${((message.at - startedEpoch) / 1000).toFixed(3)}s:`,
    );
    scene.timeline.detail(message.body);
  }
  if (sms.length === 0) scene.timeline.event('SMS', 'none', false);
  return sms;
}

/** (h) The calendar on the days booked, as the sandbox holds it. */
function calendarOf(scene: Scene, bookings: readonly DemoBooking[]): CalendarRow[] {
  scene.timeline.section(`(h) The calendar (Calendly sandbox, ${scene.zone}) and the invariants`);
  const eventTypes = new Map(scene.sandbox.eventTypes.all.map((type) => [type.uri, type]));
  const dayOf = (iso: string) => DateTime.fromISO(iso).setZone(scene.zone).toISODate();
  const days = new Set(bookings.map((booking) => dayOf(booking.start)));
  const calendar: CalendarRow[] = scene.sandbox
    .invitees()
    .filter((invitee) => days.has(dayOf(invitee.start)))
    .sort((a, b) => Date.parse(a.start) - Date.parse(b.start))
    .map((invitee) => ({
      start: new Date(Date.parse(invitee.start)).toISOString(),
      local: local(scene, invitee.start),
      name: invitee.name,
      email: invitee.email,
      eventType: eventTypes.get(invitee.eventTypeUri)?.name ?? invitee.eventTypeUri,
      status: invitee.status,
      bookingId: invitee.tracking.utm_content ?? null,
    }));
  for (const row of calendar) {
    scene.timeline.text(
      `  ${row.local.padEnd(20)} ${row.name.padEnd(14)} ${row.eventType.padEnd(13)} ${row.status.padEnd(8)} ${row.bookingId ? `booking ${row.bookingId}` : ''}`,
    );
  }
  if (calendar.length === 0) scene.timeline.text('  (no invitees)');
  return calendar;
}

/** (i) The caller who lost the race calls back from the same number: finds the booking, moves it, cancels it. */
async function callsBack(scene: Scene, caller: DemoCaller, booking: DemoBooking): Promise<DemoCallback> {
  const { timeline } = scene;
  timeline.section(
    `(i) ${caller.label} calls back from ${caller.phone}: finds the booking by phone, moves it, then cancels it`,
  );
  const again: DemoCaller = { ...caller, callSid: `CA${randomBytes(16).toString('hex')}` };
  const textsBefore = scene.outbox.messages().filter((message) => message.to === caller.phone).length;
  const voice = await postTwilio(scene.wiring, '/twilio/voice', twilioParams(scene, again, 'ringing'));
  if (voice.status !== 200) throw new DemoError(`/twilio/voice answered ${voice.status} on the call back`);

  const found = await tool(scene, again, 'find_booking', {});
  const [mine] = found.result.bookings ?? [];
  if (!found.result.ok || !mine)
    throw new DemoError(`${caller.label}: find_booking found nothing: ${found.raw}`);
  const offered = await tool(scene, again, 'check_availability', { when: DEMO_MOVE_PHRASE });
  const pick = (offered.result.slots ?? []).find((slot) => Date.parse(slot.start) !== Date.parse(mine.start));
  if (!offered.result.ok || !pick)
    throw new DemoError(`${caller.label}: no new time offered: ${offered.raw}`);
  timeline.detail(`slots: ${slotList(scene, offered.result.slots ?? [])} (${scene.zone})`);
  const moved = await tool(scene, again, 'reschedule_booking', { booking_ref: mine.ref, slot_id: pick.id });
  if (!moved.result.ok) throw new DemoError(`${caller.label}: reschedule_booking failed: ${moved.raw}`);
  // The worker cancels the old time once the new one is booked, and texts the caller.
  await scene.stack.queue.drain(20_000);
  const refound = await tool(scene, again, 'find_booking', {});
  const [movedRef] = refound.result.bookings ?? [];
  if (!movedRef) throw new DemoError(`${caller.label}: the moved booking was not found: ${refound.raw}`);
  const canceled = await tool(scene, again, 'cancel_booking', { booking_ref: movedRef.ref });
  if (!canceled.result.ok) throw new DemoError(`${caller.label}: cancel_booking failed: ${canceled.raw}`);
  await postTwilio(scene.wiring, '/twilio/status', {
    ...twilioParams(scene, again, 'completed'),
    CallDuration: '61',
  });
  await scene.stack.queue.drain(20_000);

  const sms = scene.outbox
    .messages()
    .filter((message) => message.to === caller.phone)
    .slice(textsBefore)
    .map((message) => message.body);
  for (const body of sms) {
    timeline.event('SMS', `to ${caller.phone} (${caller.label}):`);
    timeline.detail(body);
  }
  return {
    caller: caller.label,
    callSid: again.callSid,
    found: (found.result.bookings ?? []).map((item) => new Date(Date.parse(item.start)).toISOString()),
    movedFrom: new Date(Date.parse(booking.start)).toISOString(),
    movedTo: new Date(Date.parse(pick.start)).toISOString(),
    canceled: canceled.result.status === 'canceled',
    sms,
  };
}

/** The promises of the call back, checked against the sandbox calendar and the outbox. */
function callbackInvariants(
  callback: DemoCallback,
  caller: DemoCaller,
  invitees: readonly SandboxInvitee[],
): Invariant[] {
  const theirs = invitees.filter((invitee) => invitee.email === caller.email);
  const at = (iso: string) => theirs.filter((invitee) => Date.parse(invitee.start) === Date.parse(iso));
  const moved = callback.sms.filter((body) => body.includes('moved to'));
  const canceled = callback.sms.filter((body) => body.includes('is canceled'));
  return [
    {
      name: 'the caller who called back found their booking by phone',
      ok: callback.found.length === 1 && callback.found[0] === callback.movedFrom,
      detail: `${callback.found.length} booking(s) found for ${caller.phone}`,
    },
    {
      name: 'the move booked the new time and canceled the old one; the cancel left nothing booked',
      ok:
        at(callback.movedFrom).every((invitee) => invitee.status === 'canceled') &&
        at(callback.movedTo).length === 1 &&
        callback.canceled &&
        theirs.every((invitee) => invitee.status === 'canceled'),
      detail: theirs.map((invitee) => `${invitee.start} ${invitee.status}`).join(', '),
    },
    {
      name: 'the move and the cancellation were texted once each',
      ok: moved.length === 1 && canceled.length === 1,
      detail: `${moved.length} move text(s), ${canceled.length} cancellation text(s)`,
    },
  ];
}

async function playScenario(
  stack: LocalStack,
  timeline: Timeline,
  startedEpoch: number,
): Promise<DemoSummary> {
  const { sandbox, outbox } = stack;
  if (!sandbox) throw new DemoError('the demo needs the Calendly sandbox (unset CALENDLY_API_TOKEN)');
  if (!outbox) throw new DemoError('the demo needs the SMS outbox (unset the real TWILIO_* settings)');
  const callers = CALLERS.map((caller) => ({ ...caller, callSid: `CA${randomBytes(16).toString('hex')}` }));
  const scene: Scene = {
    stack,
    sandbox,
    outbox,
    timeline,
    wiring: wiringOf(stack),
    callers,
    zone: LOCAL_SANDBOX.timezone,
  };

  await callsComeIn(scene);
  const { contestedStart, ids } = await bothAskForTimes(scene);
  const race = await bothHoldAtOnce(scene, contestedStart, ids);
  const { bookings, winnerConfirm } = await bothConfirm(scene, race, contestedStart);
  const identical = await replayConfirmation(scene, race, winnerConfirm);
  await bothHangUp(scene);
  const sms = textsSent(scene, startedEpoch);
  const calendar = calendarOf(scene, bookings);

  // The race's promises are about the calendar as the race left it, before anyone called back.
  const afterRace = sandbox.invitees();
  const loserBooking = bookings.find((booking) => booking.caller === race.loser.label);
  if (!loserBooking) throw new DemoError('the caller who lost the race has no booking to call back about');
  const callback = await callsBack(scene, race.loser, loserBooking);
  const calledBack = `${race.loser.label} (call back)`;
  const message = await asksForAPerson({
    stack,
    outbox,
    timeline,
    tool: async (caller, name, args) => (await tool(scene, caller, name, args)).result,
    twilio: async (path, caller, params) => {
      const answer = await postTwilio(scene.wiring, path, {
        ...twilioParams(scene, caller, params.CallStatus ?? 'in-progress'),
        ...params,
      });
      return { status: answer.status, text: answer.text };
    },
    callsOf: new Map([
      ...callers.map((caller) => [caller.callSid, caller.label] as const),
      [callback.callSid, calledBack],
    ]),
  });

  const invariants = checkInvariants({
    contestedStart,
    winner: race.winner,
    alternatives: race.alternatives,
    bookings,
    invitees: afterRace,
    durations: new Map(sandbox.eventTypes.all.map((type) => [type.uri, type.durationMinutes])),
    sms,
    callers,
    replayIdentical: identical,
    deadLetters: stack.queue.deadLetters().length,
  })
    .concat(callbackInvariants(callback, race.loser, sandbox.invitees()))
    .concat(
      messageInvariants(
        message,
        new Map([
          [race.winner.label, 'booked'],
          [race.loser.label, 'booked'],
          // It moved its booking, then canceled the new time: what is left is a cancellation.
          [calledBack, 'canceled'],
          [message.caller, 'message'],
        ]),
      ),
    );
  timeline.text('');
  for (const invariant of invariants) timeline.check(invariant.ok, `${invariant.name}: ${invariant.detail}`);

  return {
    ok: invariants.every((invariant) => invariant.ok),
    timezone: scene.zone,
    contested: {
      start: contestedStart,
      local: local(scene, contestedStart),
      winner: race.winner.label,
      loser: race.loser.label,
    },
    alternatives: race.alternatives.map((slot) => slot.start),
    bookings,
    calendar,
    sms: sms.map(({ caller, to, body }) => ({ caller, to, body })),
    replay: { tool: 'confirm_booking', toolCallId: winnerConfirm.toolCallId, identical },
    callback,
    message,
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
