/**
 * Calendly API v2 adapter (CalendlyPort). Every response is parsed with zod; every failure becomes one of the
 * domain's vendor errors, with the original as `cause` and never the token, an email or a query string in a
 * message. GETs are retried once on 5xx/network errors; POST /invitees never is, because Calendly has no
 * idempotency key: after a failed POST the caller looks the booking up (findInviteeByTracking) before retrying.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AppError,
  SlotUnavailableError,
  VendorRejectedError,
  VendorUnavailableError,
} from '../../domain/errors.ts';
import type { Appointment } from '../../domain/model.ts';
import type {
  AvailableTime,
  CalendlyCancelResult,
  CalendlyPort,
  CalendlyUser,
  CreatedInvitee,
  CreateInviteeInput,
  EventTypeInfo,
  FindInviteeQuery,
  ScheduleDays,
  UpcomingByEmailQuery,
} from '../../domain/ports.ts';
import type * as z from '../../zod.ts';
import { answerOf, attemptVendor, type VendorAttempt, type VendorResponse } from '../vendor-http.ts';
import {
  AvailableTimesSchema,
  type CalendlyError,
  CalendlyErrorSchema,
  type CalendlyEventType,
  type CalendlyEventTypeSchedules,
  type CalendlyInvitee,
  CancellationResponseSchema,
  EventTypeAvailabilitySchedulesSchema,
  EventTypeListSchema,
  EventTypeResponseSchema,
  EventTypeSchema,
  InviteeListSchema,
  InviteeResponseSchema,
  ScheduledEventListSchema,
  UserResponseSchema,
} from './schemas.ts';
import { uuidOf } from './uri.ts';

/** How to reach Calendly. */
export interface CalendlyClientOptions {
  /** API base, e.g. https://api.calendly.com or a sandbox URL. */
  baseUrl: string;
  /** Personal access token or OAuth access token. */
  token: string;
  /** Per-request budget including the body (default 8000 ms). */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** A non-2xx answer from Calendly; carried as `cause` of the domain error thrown for it. */
export class CalendlyHttpError extends Error {
  readonly status: number;
  readonly body: CalendlyError | null;

  constructor(operation: string, status: number, body: CalendlyError | null) {
    super(`${operation} answered ${status}${body ? `: ${describeError(body)}` : ''}`);
    this.name = 'CalendlyHttpError';
    this.status = status;
    this.body = body;
  }
}

const VENDOR = 'calendly';
const DEFAULT_TIMEOUT_MS = 8000;
const RETRY_DELAY_MS = 200;
const PAGE_SIZE = 100;
// Calendly does not say whether min_start_time is inclusive: search a window around the start, match exactly.
const FIND_WINDOW_MS = 60_000;
// Calendly documents no status for a taken time (Calendly's API v2 reference). Recognised: the `code` a known client reads
// in `details[]`, and the wording Calendly and clients in the wild use in `message` and `details[].message`.
const SLOT_UNAVAILABLE_CODES: ReadonlySet<string> = new Set(['already_filled']);
const SLOT_UNAVAILABLE =
  /not available|no longer available|unavailable|already (been )?(booked|taken|filled)/i;
// Calendly's documented 403 messages for a cancellation it will not make (Calendly's API v2 reference).
const ALREADY_CANCELED = /already cancel/i;
const IN_PAST = /in the past/i;

interface RequestSpec<S extends z.ZodMiniType> {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  schema: S;
  /** POST /invitees: a 4xx saying the time is not available becomes SlotUnavailableError. */
  slotErrors?: boolean;
}

/** Builds the Calendly adapter. */
export function createCalendlyClient(options: CalendlyClientOptions): CalendlyPort {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const authorization = `Bearer ${options.token}`;

  function attempt(spec: RequestSpec<z.ZodMiniType>): Promise<VendorAttempt> {
    const url = new URL(`${baseUrl}${spec.path}`);
    for (const [name, value] of Object.entries(spec.query ?? {})) url.searchParams.set(name, value);
    return attemptVendor(url, {
      method: spec.method,
      headers: {
        authorization,
        accept: 'application/json',
        ...(spec.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body) }),
      timeoutMs,
      fetch: fetchImpl,
    });
  }

  async function request<S extends z.ZodMiniType>(spec: RequestSpec<S>): Promise<z.infer<S>> {
    let result = await attempt(spec);
    // One quick retry for reads only. A timeout already spent the caller's budget, so it is not retried.
    if (
      spec.method === 'GET' &&
      (result.kind === 'network' || (result.kind === 'response' && result.status >= 500))
    ) {
      await sleep(RETRY_DELAY_MS);
      result = await attempt(spec);
    }
    return interpret(spec, result);
  }

  function interpret<S extends z.ZodMiniType>(spec: RequestSpec<S>, result: VendorAttempt): z.infer<S> {
    const operation = `${spec.method} ${spec.path}`;
    let response: VendorResponse;
    try {
      response = answerOf(VENDOR, operation, result, timeoutMs);
    } catch (error) {
      // Keep Calendly's own error body (title, message, details) with the vendor error.
      if (result.kind === 'response' && error instanceof AppError) error.cause = httpError(operation, result);
      throw error;
    }
    const { status } = response;
    if (status >= 200 && status < 300) {
      const parsed = spec.schema.safeParse(parseJson(response.text));
      if (parsed.success) return parsed.data;
      // Retryable on purpose: after a 201 with an odd body the booking exists, and the caller must look it up
      // rather than give the slot away.
      throw new VendorUnavailableError(VENDOR, `Calendly answered ${operation} with an unexpected body`, {
        status,
        cause: parsed.error,
      });
    }
    const cause = httpError(operation, response);
    if (status === 401 || status === 403) {
      // A bad token or missing scope needs an operator; confirmed bookings must wait, not be dropped.
      throw new VendorUnavailableError(
        VENDOR,
        `Calendly refused ${operation} with ${status} (${cause.body?.title ?? 'no title'}): check CALENDLY_API_TOKEN and its scopes`,
        { status, cause },
      );
    }
    if (spec.slotErrors && cause.body !== null && saysSlotUnavailable(cause.body)) {
      const message = `Calendly says the start time is not available: ${describeError(cause.body)}`;
      throw new SlotUnavailableError(message, { cause });
    }
    throw new VendorRejectedError(
      VENDOR,
      status,
      `Calendly rejected ${operation} with ${status}${cause.body ? `: ${describeError(cause.body)}` : ''}`,
      { cause },
    );
  }

  /** Every page of a list endpoint, following `next_page_token` against our own base URL. */
  async function allPages<T>(
    path: string,
    query: Record<string, string>,
    schema: z.ZodMiniType<{ collection: T[]; pagination: { next_page_token?: string | null | undefined } }>,
  ): Promise<T[]> {
    const items: T[] = [];
    const seen = new Set<string>();
    let pageToken: string | null = null;
    do {
      const page: { collection: T[]; pagination: { next_page_token?: string | null | undefined } } =
        await request({
          method: 'GET',
          path,
          query: {
            ...query,
            count: String(PAGE_SIZE),
            ...(pageToken === null ? {} : { page_token: pageToken }),
          },
          schema,
        });
      items.push(...page.collection);
      pageToken = page.pagination.next_page_token ?? null;
      // A token seen before would loop forever; treat it as the end.
      if (pageToken !== null && seen.has(pageToken)) break;
      if (pageToken !== null) seen.add(pageToken);
    } while (pageToken !== null);
    return items;
  }

  return {
    async getCurrentUser(): Promise<CalendlyUser> {
      const { resource } = await request({ method: 'GET', path: '/users/me', schema: UserResponseSchema });
      return {
        uri: resource.uri,
        name: resource.name,
        timezone: resource.timezone,
        organizationUri: resource.current_organization,
      };
    },

    async listEventTypes(userUri: string): Promise<EventTypeInfo[]> {
      const eventTypes = await allPages(
        '/event_types',
        { user: userUri, active: 'true' },
        EventTypeListSchema,
      );
      return eventTypes.flatMap((item) => {
        const eventType = EventTypeSchema.safeParse(item);
        return eventType.success ? [toEventTypeInfo(eventType.data)] : [];
      });
    },

    async getEventType(uri: string): Promise<EventTypeInfo> {
      const { resource } = await request({
        method: 'GET',
        // By uuid against our base URL: requests never go to the host a URI names.
        path: `/event_types/${encodeURIComponent(uuidOf(uri))}`,
        schema: EventTypeResponseSchema,
      });
      return toEventTypeInfo(resource);
    },

    async listScheduleDays(eventTypeUri: string): Promise<ScheduleDays[] | null> {
      const answer = await request({
        method: 'GET',
        path: '/event_type_availability_schedules',
        query: { event_type: eventTypeUri },
        schema: EventTypeAvailabilitySchedulesSchema,
      });
      return scheduleDaysOf(answer);
    },

    async listAvailableTimes(
      eventTypeUri: string,
      startIso: string,
      endIso: string,
    ): Promise<AvailableTime[]> {
      const { collection } = await request({
        method: 'GET',
        path: '/event_type_available_times',
        query: { event_type: eventTypeUri, start_time: startIso, end_time: endIso },
        schema: AvailableTimesSchema,
      });
      // Only what Calendly calls available is offered; `start` stays verbatim so it can be posted back.
      return collection
        .filter((time) => time.status === 'available')
        .map((time) => ({ start: time.start_time, inviteesRemaining: time.invitees_remaining }));
    },

    async createInvitee(input: CreateInviteeInput): Promise<CreatedInvitee> {
      const { invitee } = input;
      const body = {
        event_type: input.eventTypeUri,
        start_time: input.start,
        invitee: {
          name: invitee.name,
          email: invitee.email,
          timezone: invitee.timezone,
          ...(invitee.textReminderNumber === undefined
            ? {}
            : { text_reminder_number: invitee.textReminderNumber }),
        },
        ...(input.location === undefined
          ? {}
          : {
              location: {
                kind: input.location.kind,
                ...(input.location.location === undefined ? {} : { location: input.location.location }),
              },
            }),
        ...(input.questionsAndAnswers === undefined
          ? {}
          : { questions_and_answers: input.questionsAndAnswers }),
        // Calendly requires all six keys once tracking is sent; our booking id rides in utm_content.
        tracking: {
          utm_campaign: null,
          utm_source: null,
          utm_medium: null,
          utm_content: input.trackingId,
          utm_term: null,
          salesforce_uuid: null,
        },
      };
      const { resource } = await request({
        method: 'POST',
        path: '/invitees',
        body,
        schema: InviteeResponseSchema,
        slotErrors: true,
      });
      return toCreatedInvitee(resource);
    },

    async findInviteeByTracking(query: FindInviteeQuery): Promise<CreatedInvitee | null> {
      const startMs = Date.parse(query.start);
      if (Number.isNaN(startMs)) throw new RangeError('findInviteeByTracking needs an ISO start time');
      const events = await allPages(
        '/scheduled_events',
        {
          user: query.userUri,
          invitee_email: query.email,
          min_start_time: calendlyTime(startMs - FIND_WINDOW_MS),
          max_start_time: calendlyTime(startMs + FIND_WINDOW_MS),
          status: 'active',
        },
        ScheduledEventListSchema,
      );
      const email = query.email.toLowerCase();
      for (const event of events) {
        // Instants, not strings: Calendly may write the same time with a different precision.
        if (event.status !== 'active' || Date.parse(event.start_time) !== startMs) continue;
        const invitees = await allPages(
          `/scheduled_events/${encodeURIComponent(uuidOf(event.uri))}/invitees`,
          { email: query.email, status: 'active' },
          InviteeListSchema,
        );
        const match = invitees.find(
          (invitee) =>
            invitee.status === 'active' &&
            invitee.email.toLowerCase() === email &&
            invitee.tracking?.utm_content === query.trackingId,
        );
        if (match !== undefined) return toCreatedInvitee(match);
      }
      return null;
    },

    async findUpcomingByEmail(query: UpcomingByEmailQuery): Promise<Appointment[]> {
      const afterMs = Date.parse(query.after);
      if (Number.isNaN(afterMs)) throw new RangeError('findUpcomingByEmail needs an ISO instant');
      const events = await allPages(
        '/scheduled_events',
        {
          user: query.userUri,
          invitee_email: query.email,
          min_start_time: calendlyTime(afterMs),
          status: 'active',
          sort: 'start_time:asc',
        },
        ScheduledEventListSchema,
      );
      const email = query.email.toLowerCase();
      const found: Appointment[] = [];
      // Calendly's sort is asked for, but the order is ours to guarantee.
      const upcoming = events
        .filter((event) => event.status === 'active' && Date.parse(event.start_time) > afterMs)
        .sort((a, b) => Date.parse(a.start_time) - Date.parse(b.start_time));
      for (const event of upcoming) {
        if (found.length >= query.limit) break;
        const invitees = await allPages(
          `/scheduled_events/${encodeURIComponent(uuidOf(event.uri))}/invitees`,
          { email: query.email, status: 'active' },
          InviteeListSchema,
        );
        for (const invitee of invitees) {
          if (invitee.status !== 'active' || invitee.email.toLowerCase() !== email) continue;
          found.push({
            eventUri: event.uri,
            inviteeUri: invitee.uri,
            eventTypeUri: event.event_type,
            start: new Date(Date.parse(event.start_time)).toISOString(),
            name: invitee.name,
            email: invitee.email,
            bookingId: invitee.tracking?.utm_content ?? null,
          });
        }
      }
      return found.slice(0, query.limit);
    },

    async cancelEvent(eventUri: string, reason: string): Promise<CalendlyCancelResult> {
      const path = `/scheduled_events/${encodeURIComponent(uuidOf(eventUri))}/cancellation`;
      const cancel = (body: unknown) =>
        request({ method: 'POST', path, body, schema: CancellationResponseSchema });
      try {
        try {
          await cancel({ reason });
        } catch (error) {
          // The reference records an unconfirmed report of Calendly refusing a body with a reason (400); the
          // reason is optional, so a 400 is answered by asking once more without one.
          if (calendlyAnswer(error)?.status !== 400) throw error;
          await cancel({});
        }
        return 'canceled';
      } catch (error) {
        const answer = calendlyAnswer(error);
        const message = answer?.status === 403 ? (answer.body?.message ?? '') : '';
        if (ALREADY_CANCELED.test(message)) return 'already_canceled';
        if (IN_PAST.test(message)) return 'in_past';
        throw error;
      }
    },
  };
}

/** Calendly's own answer behind a domain error, when it answered at all. */
function calendlyAnswer(error: unknown): CalendlyHttpError | null {
  return error instanceof AppError && error.cause instanceof CalendlyHttpError ? error.cause : null;
}

function toEventTypeInfo(eventType: CalendlyEventType): EventTypeInfo {
  return {
    uri: eventType.uri,
    name: eventType.name ?? eventType.slug ?? uuidOf(eventType.uri),
    slug: eventType.slug,
    active: eventType.active,
    durationMinutes: eventType.duration,
    kind: eventType.kind === 'group' ? 'group' : 'solo',
    poolingType: eventType.pooling_type ?? null,
    locations: (eventType.locations ?? []).flatMap((location) => {
      const { kind } = location;
      if (!kind) return [];
      const detail = location.location ?? location.phone_number ?? undefined;
      return [detail === undefined ? { kind } : { kind, location: detail }];
    }),
    customQuestions: (eventType.custom_questions ?? []).map((question) => ({
      name: question.name,
      type: question.type,
      position: question.position,
      enabled: question.enabled,
      required: question.required,
      answerChoices: question.answer_choices ?? [],
    })),
    schedulingUrl: eventType.scheduling_url,
  };
}

const WEEKDAYS: Readonly<Record<string, number>> = {
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
  sunday: 7,
};

/**
 * The days each schedule has hours, or null when any schedule cannot be read (no zone, no rules, a rule of a
 * type we do not know): a day is only ever skipped on a full answer. A weekday without a weekly rule counts
 * as open, since the spec does not say what a missing rule means.
 */
function scheduleDaysOf(answer: CalendlyEventTypeSchedules): ScheduleDays[] | null {
  if (answer.collection.length === 0) return null;
  const schedules: ScheduleDays[] = [];
  for (const entry of answer.collection) {
    const rule = entry.availability_rule;
    if (!rule?.timezone || !rule.rules) return null;
    const closed = new Set<number>();
    const open = new Set<number>();
    const overrideDates = new Set<string>();
    for (const item of rule.rules) {
      if (item.type === 'date') {
        if (!item.date) return null;
        overrideDates.add(item.date);
      } else if (item.type === 'wday') {
        const weekday = item.wday ? WEEKDAYS[item.wday.toLowerCase()] : undefined;
        if (weekday === undefined) return null;
        (item.intervals.length > 0 ? open : closed).add(weekday);
      } else {
        return null;
      }
    }
    const weekdays = [1, 2, 3, 4, 5, 6, 7].filter((day) => open.has(day) || !closed.has(day));
    schedules.push({ timezone: rule.timezone, weekdays, overrideDates: [...overrideDates].sort() });
  }
  return schedules;
}

function toCreatedInvitee(invitee: CalendlyInvitee): CreatedInvitee {
  return {
    inviteeUri: invitee.uri,
    eventUri: invitee.event,
    cancelUrl: invitee.cancel_url,
    rescheduleUrl: invitee.reschedule_url,
    status: invitee.status,
    trackingId: invitee.tracking?.utm_content ?? null,
  };
}

/** Calendly's timestamp form (microseconds, UTC). */
function calendlyTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** X-RateLimit-Reset is seconds until the window resets (Calendly's API v2 reference); at least 1 so callers never spin. */
function httpError(operation: string, response: Pick<VendorResponse, 'status' | 'text'>): CalendlyHttpError {
  const body = CalendlyErrorSchema.safeParse(parseJson(response.text));
  return new CalendlyHttpError(operation, response.status, body.success ? body.data : null);
}

/**
 * True when a detail carries a "slot filled" code, or the top-level message or a detail about start_time (or
 * about nothing named) says "not available".
 */
function saysSlotUnavailable(body: CalendlyError): boolean {
  if (
    (body.details ?? []).some(
      (detail) => detail.code !== undefined && SLOT_UNAVAILABLE_CODES.has(detail.code),
    )
  )
    return true;
  const details = (body.details ?? []).filter(
    (detail) => detail.parameter === undefined || detail.parameter === 'start_time',
  );
  const texts = [body.message, ...details.map((detail) => detail.message)];
  return texts.some((text) => text !== undefined && SLOT_UNAVAILABLE.test(text));
}

/** "title: message (parameter: message; ...)" with anything that looks like an email masked. */
function describeError(body: CalendlyError): string {
  const details = (body.details ?? [])
    .map((detail) => [detail.parameter, detail.message].filter(Boolean).join(': '))
    .filter((text) => text !== '');
  const text =
    [body.title, body.message].filter(Boolean).join(': ') +
    (details.length ? ` (${details.join('; ')})` : '');
  return text.replace(/[^\s@()<>,;:"']+@[^\s@()<>,;:"']+/g, '[email]');
}
