/**
 * The Calendly sandbox answers every endpoint the product uses in Calendly's published shapes. The schemas
 * here are written from Calendly's API v2 reference, which transcribes Calendly's OpenAPI spec ([OAS])
 * section by section (named on each schema): every key the spec lists as required must be present with its
 * type (nullable where the spec says so), and keys the spec does not list are allowed, as Calendly adds
 * fields without notice. They are deliberately independent of the sandbox's code and of our client's
 * tolerant schemas (shared/adapters/calendly/schemas.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { type CalendlySandbox, startCalendlySandbox } from '../../infra/local/calendly-sandbox/server.ts';

const ZONE = 'America/New_York';
const uri = z.string().url();
const instant = z.string().datetime({ offset: false, precision: undefined });
const nullableString = z.string().nullable();

/** §7.3 Pagination. */
const Pagination = z.object({
  count: z.number().int(),
  next_page: nullableString,
  previous_page: nullableString,
  next_page_token: nullableString,
  previous_page_token: nullableString,
});

/** §1.3 User (GET /users/me), with `locale` from the spec's User schema. */
const User = z.object({
  uri,
  name: z.string(),
  slug: z.string(),
  email: z.string(),
  scheduling_url: uri,
  timezone: z.string(),
  locale: z.string(),
  avatar_url: nullableString,
  created_at: instant,
  updated_at: instant,
  current_organization: uri,
  resource_type: z.literal('User'),
});

/** §2.3 EventType and its LocationConfiguration and EventTypeCustomQuestion. */
const EventType = z.object({
  uri,
  name: nullableString,
  slug: nullableString,
  active: z.boolean(),
  scheduling_url: uri,
  duration: z.number(),
  duration_options: z.array(z.number()).nullable(),
  kind: z.enum(['solo', 'group']),
  pooling_type: z.enum(['round_robin', 'collective', 'multi_pool']).nullable(),
  type: z.enum(['StandardEventType', 'AdhocEventType']),
  booking_method: z.enum(['instant', 'poll']),
  secret: z.boolean(),
  admin_managed: z.boolean(),
  is_paid: z.boolean(),
  locale: z.enum(['en', 'fr', 'es', 'de', 'nl', 'pt', 'it', 'uk']),
  locations: z
    .array(
      z.object({
        kind: z.string(),
        location: z.string().optional(),
        additional_info: z.string().optional(),
        phone_number: z.string().optional(),
      }),
    )
    .nullable(),
  custom_questions: z.array(
    z.object({
      name: z.string(),
      type: z.enum(['string', 'text', 'phone_number', 'single_select', 'multi_select']),
      position: z.number(),
      enabled: z.boolean(),
      required: z.boolean(),
      answer_choices: z.array(z.string()),
      include_other: z.boolean(),
    }),
  ),
  profile: z.object({ type: z.enum(['User', 'Team']), name: z.string(), owner: uri }),
  color: z.string(),
  position: z.number(),
  internal_note: nullableString,
  description_plain: nullableString,
  description_html: nullableString,
  created_at: instant,
  updated_at: instant,
  deleted_at: nullableString,
});

/** §3 EventTypeAvailableTime. */
const AvailableTimes = z.object({
  collection: z.array(
    z.object({
      status: z.string(),
      invitees_remaining: z.number(),
      start_time: instant,
      scheduling_url: uri,
    }),
  ),
});

/**
 * [OAS] availability_get-event-type-availability_Response_200: `collection` of EventTypeAvailabilitySchedule
 * and `pagination`, both required. The spec requires no key of EventTypeAvailabilitySchedule or of its
 * `availability_rule`; the sandbox sends them all, so their types are checked here. AvailabilityRule requires
 * `type` and `intervals` ("hh:mm" from/to).
 */
const hhmm = z.string().regex(/^\d\d:\d\d$/);
const AvailabilityRule = z.object({
  type: z.enum(['wday', 'date']),
  intervals: z.array(z.object({ from: hhmm, to: hhmm })),
  wday: z.enum(['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday']).optional(),
  date: z
    .string()
    .regex(/^\d{4}-\d\d-\d\d$/)
    .optional(),
});
const EventTypeAvailabilitySchedules = z.object({
  collection: z.array(
    z.object({
      event_type: uri,
      availability_setting: z.literal('host'),
      availability_rule: z.object({
        timezone: z.string(),
        uri,
        name: nullableString,
        user: uri,
        rules: z.array(AvailabilityRule),
      }),
    }),
  ),
  pagination: Pagination,
});

const Tracking = z.object({
  utm_campaign: nullableString,
  utm_source: nullableString,
  utm_medium: nullableString,
  utm_content: nullableString,
  utm_term: nullableString,
  salesforce_uuid: nullableString,
});

/** §4.3 Invitee. */
const Invitee = z.object({
  uri,
  event: uri,
  email: z.string(),
  name: z.string(),
  first_name: nullableString,
  last_name: nullableString,
  status: z.enum(['active', 'canceled']),
  timezone: nullableString,
  text_reminder_number: nullableString,
  questions_and_answers: z.array(
    z.object({ question: z.string(), answer: z.string(), position: z.number() }),
  ),
  tracking: Tracking,
  cancel_url: uri,
  reschedule_url: uri,
  rescheduled: z.boolean(),
  old_invitee: nullableString,
  new_invitee: nullableString,
  cancellation: z
    .object({ canceled_by: z.string(), reason: nullableString, canceler_type: z.string() })
    .optional(),
  payment: z.object({}).passthrough().nullable(),
  no_show: z.object({ uri, created_at: instant }).nullable(),
  reconfirmation: z.object({}).passthrough().nullable(),
  routing_form_submission: nullableString,
  scheduling_method: z.enum(['instant_book', 'api']).nullable(),
  invitee_scheduled_by: nullableString,
  created_at: instant,
  updated_at: instant,
});

/** §5.4 Event (a scheduled event). */
const ScheduledEvent = z.object({
  uri,
  name: nullableString,
  status: z.enum(['active', 'canceled']),
  start_time: instant,
  end_time: instant,
  event_type: uri,
  location: z.object({}).passthrough(),
  invitees_counter: z.object({ total: z.number(), active: z.number(), limit: z.number() }),
  event_memberships: z.array(
    z.object({ user: uri, user_email: z.string().optional(), user_name: z.string().optional() }),
  ),
  event_guests: z.array(z.object({ email: z.string(), created_at: instant, updated_at: instant })),
  meeting_notes_plain: nullableString,
  meeting_notes_html: z.string().optional(),
  created_at: instant,
  updated_at: instant,
  calendar_event: z.object({}).passthrough(),
});

/** §7.2 error body. */
const ErrorBody = z.object({
  title: z.string(),
  message: z.string(),
  details: z
    .array(z.object({ parameter: z.string().optional(), message: z.string(), code: z.string().optional() }))
    .optional(),
});

describe('Calendly sandbox: responses in the shapes of Calendly API v2 (Calendly API v2 reference, developer.calendly.com)', () => {
  let sandbox: CalendlySandbox;
  let start: string;

  async function api(method: 'GET' | 'POST', path: string, body?: unknown) {
    const response = await fetch(`${sandbox.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  }
  const query = (values: Record<string, string>) => `?${new URLSearchParams(values)}`;
  /** Parses with `schema`, so a failure names the offending key. */
  const conforms = (schema: z.ZodType, value: unknown) => {
    const result = schema.safeParse(value);
    expect(result.success ? [] : result.error.issues).toEqual([]);
  };

  beforeAll(async () => {
    sandbox = await startCalendlySandbox({ timezone: ZONE });
    const now = Date.now();
    const times = await api(
      'GET',
      `/event_type_available_times${query({
        event_type: sandbox.eventTypes.consultation.uri,
        start_time: new Date(now + 60_000).toISOString(),
        end_time: new Date(now + 7 * 86_400_000).toISOString(),
      })}`,
    );
    conforms(AvailableTimes, times.body);
    const first = (times.body as { collection: { start_time: string }[] }).collection[0];
    if (!first) throw new Error('the sandbox offers no time');
    start = first.start_time;
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  it('GET /users/me is a User', async () => {
    conforms(z.object({ resource: User }), (await api('GET', '/users/me')).body);
  });

  it('GET /event_types and GET /event_types/{uuid} are EventTypes', async () => {
    const list = await api('GET', `/event_types${query({ user: sandbox.user.uri, active: 'true' })}`);
    conforms(z.object({ collection: z.array(EventType).min(1), pagination: Pagination }), list.body);
    const uuid = sandbox.eventTypes.consultation.uri.split('/').pop();
    conforms(z.object({ resource: EventType }), (await api('GET', `/event_types/${uuid}`)).body);
  });

  it('GET /event_type_availability_schedules is a list of EventTypeAvailabilitySchedules, true to the times', async () => {
    const eventType = sandbox.eventTypes.consultation.uri;
    const answer = await api('GET', `/event_type_availability_schedules${query({ event_type: eventType })}`);
    expect(answer.status).toBe(200);
    conforms(EventTypeAvailabilitySchedules, answer.body);
    const [schedule] = (answer.body as z.infer<typeof EventTypeAvailabilitySchedules>).collection;
    expect(schedule?.event_type).toBe(eventType);
    expect(schedule?.availability_rule.timezone).toBe(ZONE);
    const open = (schedule?.availability_rule.rules ?? [])
      .filter((rule) => rule.type === 'wday' && rule.intervals.length > 0)
      .map((rule) => rule.wday);
    expect(open).toEqual(['monday', 'tuesday', 'wednesday', 'thursday', 'friday']);

    // The times agree with it: none on a day whose weekly rule has no interval.
    const now = Date.now();
    const times = await api(
      'GET',
      `/event_type_available_times${query({
        event_type: eventType,
        start_time: new Date(now + 60_000).toISOString(),
        end_time: new Date(now + 7 * 86_400_000).toISOString(),
      })}`,
    );
    const weekdayNames = new Set(
      (times.body as { collection: { start_time: string }[] }).collection.map((time) =>
        new Intl.DateTimeFormat('en-US', { weekday: 'long', timeZone: ZONE })
          .format(new Date(time.start_time))
          .toLowerCase(),
      ),
    );
    expect([...weekdayNames].every((day) => open.includes(day as (typeof open)[number]))).toBe(true);

    const missing = await api('GET', '/event_type_availability_schedules');
    expect(missing.status).toBe(400);
    conforms(ErrorBody, missing.body);
    const unknown = await api(
      'GET',
      `/event_type_availability_schedules${query({ event_type: `${sandbox.url}/event_types/00000000-0000-4000-8000-000000000000` })}`,
    );
    expect(unknown.status).toBe(404);
    conforms(ErrorBody, unknown.body);
  });

  it('POST /invitees, the event lists and their invitees, and a cancellation are what the spec says', async () => {
    const created = await api('POST', '/invitees', {
      event_type: sandbox.eventTypes.consultation.uri,
      start_time: start,
      invitee: { name: 'Ada Lovelace', email: 'ada@example.com', timezone: ZONE },
      tracking: {
        utm_campaign: null,
        utm_source: null,
        utm_medium: null,
        utm_content: 'B-CONFORM1',
        utm_term: null,
        salesforce_uuid: null,
      },
    });
    expect(created.status).toBe(201);
    conforms(z.object({ resource: Invitee }), created.body);
    const eventUri = (created.body as { resource: { event: string } }).resource.event;
    const eventUuid = eventUri.split('/').pop() ?? '';

    const events = await api(
      'GET',
      `/scheduled_events${query({ user: sandbox.user.uri, invitee_email: 'ada@example.com', status: 'active' })}`,
    );
    conforms(z.object({ collection: z.array(ScheduledEvent).min(1), pagination: Pagination }), events.body);
    conforms(
      z.object({ resource: ScheduledEvent }),
      (await api('GET', `/scheduled_events/${eventUuid}`)).body,
    );
    const invitees = await api(
      'GET',
      `/scheduled_events/${eventUuid}/invitees${query({ status: 'active' })}`,
    );
    conforms(z.object({ collection: z.array(Invitee).min(1), pagination: Pagination }), invitees.body);

    const canceled = await api('POST', `/scheduled_events/${eventUuid}/cancellation`, {
      reason: 'conformance',
    });
    expect(canceled.status).toBe(201);
    conforms(
      z.object({
        resource: z.object({ canceled_by: z.string(), reason: nullableString, canceler_type: z.string() }),
      }),
      canceled.body,
    );
    const after = await api('GET', `/scheduled_events/${eventUuid}/invitees`);
    conforms(z.object({ collection: z.array(Invitee.required({ cancellation: true })) }), after.body);
  });

  it('refusals carry Calendly error bodies', async () => {
    const taken = await api('POST', '/invitees', {
      event_type: sandbox.eventTypes.consultation.uri,
      start_time: '2020-01-01T00:00:00.000000Z',
      invitee: { name: 'Ada', email: 'ada@example.com', timezone: ZONE },
    });
    expect(taken.status).toBe(400);
    conforms(ErrorBody, taken.body);
    conforms(ErrorBody, (await api('GET', '/event_types/00000000-0000-4000-8000-000000000000')).body);
  });
});
