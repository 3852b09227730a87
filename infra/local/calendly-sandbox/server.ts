/**
 * A Calendly API v2 look-alike on node:http for tests, the local stack and the demo: the real paths, shapes,
 * errors and rate-limit headers of the endpoints this product uses (Calendly API v2 reference, developer.calendly.com), over an in-memory
 * calendar whose availability is computed from rules at request time. Never talks to Calendly.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { listenLocally } from '../listen.ts';
import { handleControlRequest } from './control.ts';
import { ENDPOINT_SCOPES, type SandboxEndpoint } from './endpoints.ts';
import {
  insufficientScopeBody,
  invalidArgument,
  notFound,
  SandboxApiError,
  serverErrorBody,
  unauthenticated,
} from './errors.ts';
import { FaultBook, type FaultSpec, type FiredFault } from './faults.ts';
import { type JsonBody, readJsonBody, sendJson } from './http.ts';
import { resolveLocation } from './invitee-request.ts';
import { MinuteWindow, type RateLimitHeaders } from './rate-limit.ts';
import { EMPTY_TRACKING, type EventTypeRecord, type InviteeRecord, type Tracking } from './records.ts';
import { eventTypeResource, scheduledEventResource, webhookSubscriptionResource } from './resources.ts';
import { matchRoute } from './routes.ts';
import { readSavedState, restoreState, savedPort, saveState } from './state-file.ts';
import { SandboxStore, uuidOf } from './store.ts';
import { calendlyTime, isTimeZone, parseInstant } from './time.ts';
import { type WebhookDelivery, WebhookDispatcher } from './webhooks.ts';

/** How to start a sandbox; every option has a sensible default. */
export interface CalendlySandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** IANA zone of the seeded user and of its business hours (default America/New_York). */
  timezone?: string;
  /** The sandbox's clock: availability, minimum notice, rate-limit windows and timestamps follow it. */
  now?: () => Date;
  /** Bookable horizon in days from now (default 7). */
  days?: number;
  /** Bearer token the API accepts (default 'sandbox-token'). */
  token?: string;
  /** Latency added to every API response (default 0). */
  latencyMs?: number;
  /** No start earlier than this many minutes from now is offered or bookable (default 60). */
  minimumNoticeMinutes?: number;
  /** Global per-user limit (default 500/min, the paid-plan figure). */
  rateLimitPerMinute?: number;
  /** Extra limit on POST /invitees (Calendly's is 10/min on paid non-Enterprise plans); off by default. */
  inviteeRateLimit?: { perMinute: number };
  /** Key for subscriptions created without `signing_key` (default 'sandbox-webhook-signing-key'). */
  webhookSigningKey?: string;
  /** Additional generic active event types, e.g. to exercise pagination (default 0). */
  extraEventTypes?: number;
  /**
   * Keep the calendar (events, invitees, webhook subscriptions) in this JSON file: loaded at start, written
   * after every change, and served on the saved port again when it is free. Default: memory only.
   */
  stateFile?: string;
}

/** Who books on Calendly's own page, when a test cares. */
export interface WalkInDetails {
  name?: string;
  email?: string;
  textReminderNumber?: string | null;
  questionsAndAnswers?: { question: string; answer: string; position: number }[];
}

/** A seeded event type, for tests and local wiring. */
export interface SandboxEventType {
  uri: string;
  name: string;
  durationMinutes: number;
  active: boolean;
}

/** An invitee as tests look at it (no Calendly envelope). */
export interface SandboxInvitee {
  uri: string;
  eventUri: string;
  eventTypeUri: string;
  /** Calendly format, e.g. 2026-11-26T14:00:00.000000Z. */
  start: string;
  status: 'active' | 'canceled';
  name: string;
  email: string;
  textReminderNumber: string | null;
  tracking: Tracking;
  location: Record<string, string>;
  schedulingMethod: InviteeRecord['schedulingMethod'];
}

/** One API request the sandbox received: never bodies, never query strings (they carry emails). */
export interface SandboxRequest {
  method: string;
  path: string;
  /** null for paths that are not an API operation (answered 404). */
  endpoint: SandboxEndpoint | null;
  /** 0 until answered, and for dropped connections. */
  status: number;
  at: string;
}

/** A running sandbox and its test handles. */
export interface CalendlySandbox {
  /** Base URL, e.g. http://127.0.0.1:54321 (use as CALENDLY_API_BASE_URL). */
  url: string;
  token: string;
  webhookSigningKey: string;
  user: { uri: string; name: string; email: string; timezone: string; organizationUri: string };
  eventTypes: {
    consultation: SandboxEventType;
    cleaning: SandboxEventType;
    inactive: SandboxEventType;
    all: SandboxEventType[];
  };
  stop(): Promise<void>;
  invitees(): SandboxInvitee[];
  /** Active invitees of `eventTypeUri` starting at the instant `startIso` (any ISO format). */
  activeInviteesAt(eventTypeUri: string, startIso: string): SandboxInvitee[];
  /**
   * Someone books this time on Calendly's own page: it leaves availability and invitee.created fires. The
   * invitee is a numbered walk-in unless `invitee` says who (a phone number goes where Calendly keeps it
   * for text reminders, or in answers to the event type's questions).
   */
  bookElsewhere(eventTypeUri: string, startIso: string, invitee?: WalkInDetails): SandboxInvitee;
  /** The invitee cancels on Calendly's own page: invitee.canceled fires. */
  cancelElsewhere(inviteeUri: string): SandboxInvitee;
  /**
   * The invitee moves the booking with Calendly's own reschedule link: a new invitee at `startIso`
   * (invitee.created, `old_invitee` set) and the old one canceled (invitee.canceled, `rescheduled: true`).
   */
  rescheduleElsewhere(inviteeUri: string, startIso: string): SandboxInvitee;
  injectFault(fault: FaultSpec): void;
  /** Disarms the faults that have not fired. */
  clearFaults(): void;
  /** Every injected fault that fired, in order. */
  firedFaults(): FiredFault[];
  /** Latency for one endpoint, or for all when `endpoint` is omitted. */
  setLatency(ms: number, endpoint?: SandboxEndpoint): void;
  /** New scheduled events stay out of GET /scheduled_events for this long (an eventually consistent list). */
  setListingLag(ms: number): void;
  requests(): SandboxRequest[];
  requestCount(endpoint?: SandboxEndpoint): number;
  clearRequests(): void;
  webhookDeliveries(): WebhookDelivery[];
  /** Resolves when every webhook delivery started so far has finished. */
  settleWebhooks(): Promise<void>;
  /** Everything the sandbox holds, in Calendly shapes (what GET /__sandbox/state answers). */
  state(): Record<string, unknown>;
}

interface Answer {
  status: number;
  body?: unknown;
  headers: Record<string, string>;
  drop?: boolean;
  /** Held back this long before it is sent (a 'slow' fault). */
  delayMs?: number;
}

/** Starts a sandbox on 127.0.0.1 and resolves once it accepts connections. */
/** What one running sandbox is made of; the parts below take it instead of closing over it. */
interface Sandbox {
  url: string;
  token: string;
  store: SandboxStore;
  webhooks: WebhookDispatcher;
  faults: FaultBook;
  globalWindow: MinuteWindow;
  inviteeWindow: MinuteWindow | null;
  log: SandboxRequest[];
  /** Writes the state file, when there is one. */
  persist: () => void;
}

export async function startCalendlySandbox(options: CalendlySandboxOptions = {}): Promise<CalendlySandbox> {
  const timezone = options.timezone ?? 'America/New_York';
  if (!isTimeZone(timezone)) throw new Error(`unknown time zone: ${timezone}`);
  const webhookSigningKey = options.webhookSigningKey ?? 'sandbox-webhook-signing-key';
  const saved = options.stateFile ? readSavedState(options.stateFile) : null;
  const server = createServer();
  const url = await listenOnSavedPort(server, options.port, saved);

  const store = new SandboxStore({
    baseUrl: url,
    timezone,
    now: options.now ?? (() => new Date()),
    days: options.days ?? 7,
    minimumNoticeMinutes: options.minimumNoticeMinutes ?? 60,
    extraEventTypes: options.extraEventTypes ?? 0,
  });
  if (saved) restoreState(store, saved);
  const webhooks = new WebhookDispatcher(store, webhookSigningKey);
  store.onInviteeEvent = (name, invitee, event) => webhooks.dispatch(name, invitee, event);
  const parts: Sandbox = {
    url,
    token: options.token ?? 'sandbox-token',
    store,
    webhooks,
    faults: new FaultBook(options.latencyMs ?? 0),
    globalWindow: new MinuteWindow(options.rateLimitPerMinute ?? 500),
    inviteeWindow: options.inviteeRateLimit ? new MinuteWindow(options.inviteeRateLimit.perMinute) : null,
    log: [],
    persist: () => {
      if (options.stateFile) saveState(store, options.stateFile);
    },
  };
  const sandbox = controls(parts, server, webhookSigningKey);
  server.on('request', (request, response) => {
    serve(parts, sandbox, request, response).catch(() => {
      if (!response.headersSent) sendJson(response, 500, serverErrorBody(500));
      else response.destroy();
    });
  });
  return sandbox;
}

/** Listens on the port asked for, else the saved one, else any: a taken saved port re-issues URIs under a new one. */
async function listenOnSavedPort(
  server: ReturnType<typeof createServer>,
  port: number | undefined,
  saved: ReturnType<typeof readSavedState>,
): Promise<string> {
  try {
    return (await listenLocally(server, { port: port ?? savedPort(saved) })).url;
  } catch (error) {
    if (port !== undefined || savedPort(saved) === undefined) throw error;
    return (await listenLocally(server, { port: 0 })).url;
  }
}

function inviteeView(store: SandboxStore, invitee: InviteeRecord): SandboxInvitee {
  const event = store.events.get(invitee.eventUuid);
  if (event === undefined) throw new Error(`invitee ${invitee.uuid} has no event`);
  return {
    uri: invitee.uri,
    eventUri: event.uri,
    eventTypeUri: event.eventTypeUri,
    start: calendlyTime(event.startMs),
    status: invitee.status,
    name: invitee.name,
    email: invitee.email,
    textReminderNumber: invitee.textReminderNumber,
    tracking: { ...invitee.tracking },
    location: { ...event.location },
    schedulingMethod: invitee.schedulingMethod,
  };
}

function eventTypeView(eventType: EventTypeRecord): SandboxEventType {
  return {
    uri: eventType.uri,
    name: eventType.name,
    durationMinutes: eventType.duration,
    active: eventType.active,
  };
}

function instantOf(iso: string): number {
  const ms = parseInstant(iso);
  if (ms === null) throw new Error(`not an ISO instant: ${iso}`);
  return ms;
}

/** A walk-in booked on Calendly's own pages (not through the API), so the time is gone. */
function bookElsewhere(
  parts: Sandbox,
  eventTypeUri: string,
  startIso: string,
  details: WalkInDetails = {},
  oldInvitee?: string,
): SandboxInvitee {
  const { store } = parts;
  const eventType = store.findEventType(eventTypeUri);
  if (eventType === undefined) throw new Error(`unknown event type ${eventTypeUri}`);
  const startMs = instantOf(startIso);
  if (!store.isAvailable(eventType, startMs)) throw new Error(`${startIso} is not available`);
  const walkIn = store.invitees.size + 1;
  const { invitee } = store.book({
    eventType,
    startMs,
    email: details.email ?? `walk-in-${walkIn}@example.com`,
    name: details.name ?? `Walk-in ${walkIn}`,
    firstName: null,
    lastName: null,
    timezone: store.user.timezone,
    textReminderNumber: details.textReminderNumber ?? null,
    location: resolveLocation(undefined, eventType),
    questionsAndAnswers: details.questionsAndAnswers ?? [],
    tracking: { ...EMPTY_TRACKING },
    guests: [],
    schedulingMethod: null,
    ...(oldInvitee === undefined ? {} : { oldInvitee }),
  });
  parts.persist();
  return inviteeView(store, invitee);
}

function activeInvitee(store: SandboxStore, inviteeUri: string): InviteeRecord {
  const invitee = store.invitees.get(uuidOf(inviteeUri));
  if (invitee === undefined || invitee.status !== 'active')
    throw new Error(`no active invitee ${inviteeUri}`);
  return invitee;
}

/** The invitee cancels through Calendly's own cancel page. */
function cancelElsewhere(parts: Sandbox, inviteeUri: string): SandboxInvitee {
  const { store } = parts;
  const invitee = activeInvitee(store, inviteeUri);
  const event = store.events.get(invitee.eventUuid);
  if (event === undefined) throw new Error(`invitee ${inviteeUri} has no event`);
  store.cancelEvent(event, null, { by: { name: invitee.name, type: 'invitee' } });
  parts.persist();
  return inviteeView(store, invitee);
}

/** The invitee moves the booking through Calendly's own reschedule page: a new booking, the old one canceled. */
function rescheduleElsewhere(parts: Sandbox, inviteeUri: string, startIso: string): SandboxInvitee {
  const { store } = parts;
  const old = activeInvitee(store, inviteeUri);
  const event = store.events.get(old.eventUuid);
  if (event === undefined) throw new Error(`invitee ${inviteeUri} has no event`);
  const moved = bookElsewhere(
    parts,
    event.eventTypeUri,
    startIso,
    {
      name: old.name,
      email: old.email,
      textReminderNumber: old.textReminderNumber,
      questionsAndAnswers: old.questionsAndAnswers,
    },
    old.uri,
  );
  const created = store.invitees.get(uuidOf(moved.uri));
  store.cancelEvent(event, null, {
    by: { name: old.name, type: 'invitee' },
    ...(created ? { rescheduledTo: created } : {}),
  });
  parts.persist();
  return moved;
}

/** The handle tests and the demo hold: seeded data, faults, latency, and what happened. */
function controls(
  parts: Sandbox,
  server: ReturnType<typeof createServer>,
  webhookSigningKey: string,
): CalendlySandbox {
  const { store, faults, webhooks } = parts;
  const seeded = (name: string): SandboxEventType => {
    const eventType = store.eventTypes.find((candidate) => candidate.name === name);
    if (eventType === undefined) throw new Error(`seed is missing ${name}`);
    return eventTypeView(eventType);
  };
  const sandbox: CalendlySandbox = {
    url: parts.url,
    token: parts.token,
    webhookSigningKey,
    user: {
      uri: store.user.uri,
      name: store.user.name,
      email: store.user.email,
      timezone: store.user.timezone,
      organizationUri: store.user.organizationUri,
    },
    eventTypes: {
      consultation: seeded('Consultation'),
      cleaning: seeded('Cleaning'),
      inactive: seeded('Whitening'),
      all: store.eventTypes.map(eventTypeView),
    },
    stop: async () => {
      if (!server.listening) return;
      webhooks.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await webhooks.settle();
    },
    invitees: () => [...store.invitees.values()].map((invitee) => inviteeView(store, invitee)),
    activeInviteesAt: (eventTypeUri, startIso) => {
      const startMs = instantOf(startIso);
      const eventType = store.findEventType(eventTypeUri);
      return [...store.invitees.values()]
        .filter((invitee) => invitee.status === 'active')
        .filter((invitee) => {
          const event = store.events.get(invitee.eventUuid);
          return event?.eventTypeUri === eventType?.uri && event?.startMs === startMs;
        })
        .map((invitee) => inviteeView(store, invitee));
    },
    bookElsewhere: (eventTypeUri, startIso, invitee) => bookElsewhere(parts, eventTypeUri, startIso, invitee),
    cancelElsewhere: (inviteeUri) => cancelElsewhere(parts, inviteeUri),
    rescheduleElsewhere: (inviteeUri, startIso) => rescheduleElsewhere(parts, inviteeUri, startIso),
    injectFault: (fault) => faults.inject(fault),
    clearFaults: () => faults.clear(),
    firedFaults: () => faults.fired(),
    setLatency: (ms, endpoint) => faults.setLatency(ms, endpoint),
    setListingLag: (ms) => {
      store.listingLagMs = ms;
    },
    requests: () => parts.log.map((entry) => ({ ...entry })),
    requestCount: (endpoint) =>
      endpoint === undefined
        ? parts.log.length
        : parts.log.filter((entry) => entry.endpoint === endpoint).length,
    clearRequests: () => {
      parts.log.length = 0;
    },
    webhookDeliveries: () => webhooks.deliveries(),
    settleWebhooks: () => webhooks.settle(),
    state: () => ({
      url: parts.url,
      now: calendlyTime(store.nowMs()),
      user: sandbox.user,
      event_types: store.eventTypes.map((eventType) => eventTypeResource(eventType, store.user)),
      scheduled_events: [...store.events.values()].map((event) =>
        scheduledEventResource(event, store.inviteesOf(event.uuid), store.user),
      ),
      invitees: sandbox.invitees(),
      webhook_subscriptions: [...store.subscriptions.values()].map(webhookSubscriptionResource),
      webhook_deliveries: webhooks.deliveries(),
      requests: sandbox.requests(),
    }),
  };
  return sandbox;
}

/** Auth, rate limits, faults, then the handler; synchronous so a request is decided atomically. */
function decide(
  parts: Sandbox,
  request: IncomingMessage,
  target: URL,
  body: JsonBody,
): { entry: SandboxRequest; answer: Answer } {
  const { store, faults, globalWindow, inviteeWindow } = parts;
  const nowMs = store.nowMs();
  const route = matchRoute(request.method ?? 'GET', target.pathname);
  const entry: SandboxRequest = {
    method: request.method ?? 'GET',
    path: target.pathname,
    endpoint: route?.endpoint ?? null,
    status: 0,
    at: calendlyTime(nowMs),
  };
  parts.log.push(entry);
  const fail = (error: SandboxApiError, headers: RateLimitHeaders): Answer => ({
    status: error.status,
    body: error.body,
    headers: { ...headers },
  });
  if (request.headers.authorization !== `Bearer ${parts.token}`) {
    return { entry, answer: fail(unauthenticated(), globalWindow.headers(nowMs)) };
  }
  const global = globalWindow.take(nowMs);
  if (!global.allowed) return { entry, answer: rateLimited(global.headers) };
  if (route === null) return { entry, answer: fail(notFound(), global.headers) };
  let headers = global.headers;
  if (route.endpoint === 'create_invitee' && inviteeWindow !== null) {
    const invitee = inviteeWindow.take(nowMs);
    if (!invitee.allowed) return { entry, answer: rateLimited(invitee.headers) };
    headers = invitee.headers;
  }
  const fault = faults.take(route.endpoint);
  if (fault !== null && !fault.afterCommit && fault.status !== 'slow') {
    return { entry, answer: faultAnswer(fault, headers) };
  }
  let answer: Answer;
  try {
    if (body.kind === 'invalid')
      throw invalidArgument([{ parameter: 'body', message: 'must be valid JSON' }]);
    const result = route.handle({
      store,
      url: target,
      params: route.params,
      body: body.kind === 'json' ? body.value : undefined,
    });
    answer = { status: result.status, body: result.body, headers: { ...headers } };
  } catch (error) {
    if (!(error instanceof SandboxApiError)) throw error;
    answer = fail(error, headers);
  }
  if (fault?.status === 'slow') answer.delayMs = fault.delayMs;
  // afterCommit: the change above stands, but the client gets the fault instead of the answer.
  else if (fault !== null) answer = faultAnswer(fault, headers);
  return { entry, answer };
}

/** One HTTP request: the control routes, or the API decided above, answered after its latency. */
async function serve(
  parts: Sandbox,
  sandbox: CalendlySandbox,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const target = new URL(request.url ?? '/', parts.url);
  const body = await readJsonBody(request);
  if (target.pathname === '/__sandbox' || target.pathname.startsWith('/__sandbox/')) {
    const result = handleControlRequest(sandbox, request.method ?? 'GET', target.pathname, body);
    sendJson(response, result.status, result.body);
    return;
  }
  const { entry, answer } = decide(parts, request, target, body);
  if (request.method !== 'GET') parts.persist();
  const latency = parts.faults.latencyFor(entry.endpoint) + (answer.delayMs ?? 0);
  if (latency > 0) await sleep(latency, undefined, { ref: false });
  if (answer.drop) {
    request.socket.destroy();
    return;
  }
  entry.status = answer.status;
  sendJson(response, answer.status, answer.body, answer.headers);
}

function rateLimited(headers: RateLimitHeaders): Answer {
  return { status: 429, body: serverErrorBody(429), headers: { ...headers, 'X-RateLimit-Remaining': '0' } };
}

/** The answer of a fault that replaces the real one (every status but 'slow'). */
function faultAnswer(fault: FiredFault, headers: RateLimitHeaders): Answer {
  if (fault.status === 'drop' || fault.status === 'slow') return { status: 0, headers: {}, drop: true };
  if (fault.status === 429) {
    return rateLimited({ ...headers, 'X-RateLimit-Reset': String(fault.resetSeconds) });
  }
  const fallback =
    fault.status === 403
      ? insufficientScopeBody(ENDPOINT_SCOPES[fault.endpoint])
      : serverErrorBody(fault.status);
  return { status: fault.status, body: fault.body ?? fallback, headers: { ...headers } };
}
