/** Handlers for users, event types, availability, invitees and scheduled events (Calendly's API v2 reference). */
import { DateTime } from 'luxon';
import * as z from 'zod';
import { invalidArgument, notFound, permissionDenied } from './errors.ts';
import { checkAnswers, parseCreateInviteeBody, resolveLocation } from './invitee-request.ts';
import { paginate } from './pagination.ts';
import { optionalChoice, optionalInstant, required, requiredInstant } from './query.ts';
import { EMPTY_TRACKING, type EventTypeRecord, type ScheduledEventRecord } from './records.ts';
import {
  availabilityScheduleResource,
  cancellationResource,
  eventTypeResource,
  inviteeResource,
  scheduledEventResource,
  userResource,
} from './resources.ts';
import type { ApiContext, ApiResult } from './routes.ts';
import type { SandboxStore } from './store.ts';
import { calendlyTime, parseInstant } from './time.ts';

const MAX_AVAILABILITY_RANGE_MS = 31 * 24 * 60 * 60_000;

/** GET /users/me and GET /users/{uuid}. */
export function getUser({ store, params }: ApiContext): ApiResult {
  const [id] = params;
  if (id !== 'me' && id !== store.user.uuid) throw notFound();
  return { status: 200, body: { resource: userResource(store.user) } };
}

/** `user=` or `organization=` must name the seeded account; anybody else's data is not ours to show. */
function requireOwner(store: SandboxStore, query: URLSearchParams): void {
  const user = query.get('user');
  const organization = query.get('organization');
  if (user === null && organization === null) {
    throw invalidArgument([{ parameter: 'user', message: 'user or organization is required' }]);
  }
  if (
    (user !== null && !store.isOwnUser(user)) ||
    (organization !== null && !store.isOwnOrganization(organization))
  ) {
    throw permissionDenied('You do not have permission to access this resource.');
  }
}

/** Parses `sort=field:direction` for the fields an endpoint allows. */
function sortParam<const F extends string>(
  query: URLSearchParams,
  fields: readonly [F, ...F[]],
  fallback: `${F}:${'asc' | 'desc'}`,
): { field: F; descending: boolean } {
  const allowed = fields.flatMap((field) => [`${field}:asc`, `${field}:desc`] as const);
  const sort = optionalChoice(query, 'sort', allowed) ?? fallback;
  const [field, direction] = sort.split(':');
  return {
    field: fields.find((candidate) => candidate === field) ?? fields[0],
    descending: direction === 'desc',
  };
}

const compare = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);

/** GET /event_types?user|organization&active&sort&count&page_token. */
export function listEventTypes({ store, url }: ApiContext): ApiResult {
  const query = url.searchParams;
  requireOwner(store, query);
  const active = optionalChoice(query, 'active', ['true', 'false']);
  const sort = sortParam(query, ['name', 'position', 'created_at', 'updated_at'], 'name:asc');
  const key = (eventType: EventTypeRecord): string | number =>
    sort.field === 'name'
      ? eventType.name
      : sort.field === 'position'
        ? eventType.position
        : eventType.createdAt;
  const items = store.eventTypes
    .filter((eventType) => active === null || eventType.active === (active === 'true'))
    .sort((a, b) => (sort.descending ? -1 : 1) * compare(key(a), key(b)))
    .map((eventType) => eventTypeResource(eventType, store.user));
  return { status: 200, body: paginate(items, url) };
}

/** GET /event_types/{uuid}. */
export function getEventType({ store, params }: ApiContext): ApiResult {
  const eventType = store.eventTypes.find((candidate) => candidate.uuid === params[0]);
  if (eventType === undefined) throw notFound();
  return { status: 200, body: { resource: eventTypeResource(eventType, store.user) } };
}

/** GET /event_type_available_times?event_type&start_time&end_time (not paginated). */
export function listAvailableTimes({ store, url }: ApiContext): ApiResult {
  const query = url.searchParams;
  const eventTypeUri = required(query, 'event_type');
  const startMs = requiredInstant(query, 'start_time');
  const endMs = requiredInstant(query, 'end_time');
  if (startMs < store.nowMs()) {
    throw invalidArgument([{ parameter: 'start_time', message: 'must be in the future' }]);
  }
  if (endMs <= startMs)
    throw invalidArgument([{ parameter: 'end_time', message: 'must be after start_time' }]);
  if (endMs - startMs > MAX_AVAILABILITY_RANGE_MS) {
    throw invalidArgument([
      { parameter: 'end_time', message: 'must be no more than 31 days after start_time' },
    ]);
  }
  const eventType = store.findEventType(eventTypeUri);
  if (eventType === undefined) throw notFound();
  const collection = store.availableStarts(eventType, startMs, endMs).map((start) => ({
    status: 'available',
    invitees_remaining: 1,
    start_time: calendlyTime(start),
    scheduling_url: slotSchedulingUrl(eventType, start, store.user.timezone),
  }));
  return { status: 200, body: { collection } };
}

/**
 * GET /event_type_availability_schedules?event_type: the host's one schedule, as the event type uses it
 * ([OAS] EventTypeAvailabilitySchedule). Written from the same opening hours availableStarts computes times
 * from, so the two cannot disagree. One page: the spec declares no paging parameters for this endpoint.
 */
export function listEventTypeAvailabilitySchedules({ store, url }: ApiContext): ApiResult {
  const eventTypeUri = required(url.searchParams, 'event_type');
  const eventType = store.findEventType(eventTypeUri);
  if (eventType === undefined) throw notFound();
  return {
    status: 200,
    body: paginate([availabilityScheduleResource(eventType, store.user, store.baseUrl)], url),
  };
}

function slotSchedulingUrl(eventType: EventTypeRecord, startMs: number, timezone: string): string {
  const local = DateTime.fromMillis(startMs, { zone: timezone });
  const instant = new Date(startMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `${eventType.schedulingUrl}/${instant}?month=${local.toFormat('yyyy-MM')}&date=${local.toISODate()}`;
}

/** POST /invitees: validates like Calendly's API v2 reference, then books only a time that is available right now. */
export function createInvitee({ store, body }: ApiContext): ApiResult {
  const request = parseCreateInviteeBody(body);
  const eventType = store.findEventType(request.event_type);
  if (eventType === undefined) throw notFound();
  if (!eventType.active) throw invalidArgument([{ parameter: 'event_type', message: 'is not active' }]);
  const startMs = parseInstant(request.start_time);
  if (startMs === null) {
    throw invalidArgument([{ parameter: 'start_time', message: 'must be a valid ISO 8601 date-time' }]);
  }
  const location = resolveLocation(request.location, eventType);
  const answers = request.questions_and_answers ?? [];
  checkAnswers(answers, eventType);
  const { invitee } = request;
  const { event, invitee: created } = store.book({
    eventType,
    startMs,
    email: invitee.email,
    name: invitee.name ?? [invitee.first_name, invitee.last_name].filter(Boolean).join(' '),
    firstName: invitee.first_name ?? null,
    lastName: invitee.last_name ?? null,
    timezone: invitee.timezone,
    textReminderNumber: invitee.text_reminder_number ?? null,
    location,
    questionsAndAnswers: answers.map(({ question, answer, position }) => ({ question, answer, position })),
    tracking: request.tracking
      ? {
          utm_campaign: request.tracking.utm_campaign,
          utm_source: request.tracking.utm_source,
          utm_medium: request.tracking.utm_medium,
          utm_content: request.tracking.utm_content,
          utm_term: request.tracking.utm_term,
          salesforce_uuid: request.tracking.salesforce_uuid,
        }
      : EMPTY_TRACKING,
    guests: request.event_guests ?? [],
    schedulingMethod: 'api',
  });
  return { status: 201, body: { resource: inviteeResource(created, event) } };
}

const sameEmail = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** GET /scheduled_events?user|organization&invitee_email&status&min_start_time&max_start_time&sort. */
export function listScheduledEvents({ store, url }: ApiContext): ApiResult {
  const query = url.searchParams;
  requireOwner(store, query);
  const email = query.get('invitee_email');
  const status = optionalChoice(query, 'status', ['active', 'canceled']);
  const minMs = optionalInstant(query, 'min_start_time');
  const maxMs = optionalInstant(query, 'max_start_time');
  const sort = sortParam(query, ['start_time'], 'start_time:asc');
  const listedBefore = store.nowMs() - store.listingLagMs;
  const items = [...store.events.values()]
    .filter((event) => store.listingLagMs === 0 || event.createdAt <= listedBefore)
    .filter((event) => status === null || event.status === status)
    // Calendly does not say whether either bound is inclusive: the sandbox takes the strict reading of both, so
    // a client that puts an exact start on a bound misses it here as it could in Calendly.
    .filter((event) => minMs === null || event.startMs > minMs)
    .filter((event) => maxMs === null || event.startMs < maxMs)
    // Case-insensitive: Calendly's own matching is undocumented, and emails are case-insensitive in practice.
    .filter(
      (event) =>
        email === null || store.inviteesOf(event.uuid).some((invitee) => sameEmail(invitee.email, email)),
    )
    .sort((a, b) => (sort.descending ? -1 : 1) * compare(a.startMs, b.startMs))
    .map((event) => scheduledEventResource(event, store.inviteesOf(event.uuid), store.user));
  return { status: 200, body: paginate(items, url) };
}

function findEvent(store: SandboxStore, uuid: string | undefined): ScheduledEventRecord {
  const event = uuid === undefined ? undefined : store.events.get(uuid);
  if (event === undefined) throw notFound();
  return event;
}

/** GET /scheduled_events/{uuid}. */
export function getScheduledEvent({ store, params }: ApiContext): ApiResult {
  const event = findEvent(store, params[0]);
  return {
    status: 200,
    body: { resource: scheduledEventResource(event, store.inviteesOf(event.uuid), store.user) },
  };
}

/** GET /scheduled_events/{uuid}/invitees?email&status&sort&count&page_token. */
export function listEventInvitees({ store, url, params }: ApiContext): ApiResult {
  const event = findEvent(store, params[0]);
  const query = url.searchParams;
  const email = query.get('email');
  const status = optionalChoice(query, 'status', ['active', 'canceled']);
  const sort = sortParam(query, ['created_at'], 'created_at:asc');
  const items = store
    .inviteesOf(event.uuid)
    .filter((invitee) => status === null || invitee.status === status)
    .filter((invitee) => email === null || sameEmail(invitee.email, email))
    .sort((a, b) => (sort.descending ? -1 : 1) * compare(a.createdAt, b.createdAt))
    .map((invitee) => inviteeResource(invitee, event));
  return { status: 200, body: paginate(items, url) };
}

/** GET /scheduled_events/{uuid}/invitees/{uuid}. */
export function getEventInvitee({ store, params }: ApiContext): ApiResult {
  const event = findEvent(store, params[0]);
  const invitee = params[1] === undefined ? undefined : store.invitees.get(params[1]);
  if (invitee === undefined || invitee.eventUuid !== event.uuid) throw notFound();
  return { status: 200, body: { resource: inviteeResource(invitee, event) } };
}

const CancellationBodySchema = z.looseObject({ reason: z.string().max(10_000).optional() }).optional();

/** POST /scheduled_events/{uuid}/cancellation; a second cancel is Calendly's 403 "Event is already canceled". */
export function cancelEvent({ store, params, body }: ApiContext): ApiResult {
  const event = findEvent(store, params[0]);
  const parsed = CancellationBodySchema.safeParse(body);
  if (!parsed.success)
    throw invalidArgument([{ parameter: 'reason', message: 'must be at most 10000 characters' }]);
  if (event.status === 'canceled') throw permissionDenied('Event is already canceled');
  if (event.startMs < store.nowMs()) throw permissionDenied('Event in the past');
  store.cancelEvent(event, parsed.data?.reason ?? null);
  const cancellation = event.cancellation;
  return { status: 201, body: { resource: cancellation ? cancellationResource(cancellation) : null } };
}
