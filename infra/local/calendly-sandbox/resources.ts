/** Renders stored records in Calendly API v2 shapes (Calendly's API v2 reference). */

import { BUSINESS_HOURS } from './availability.ts';
import type {
  CancellationRecord,
  EventTypeRecord,
  InviteeRecord,
  ScheduledEventRecord,
  UserRecord,
  WebhookSubscriptionRecord,
} from './records.ts';
import { SEED_IDS } from './seed.ts';
import { calendlyTime } from './time.ts';

/** GET /users/{uuid} resource. */
export function userResource(user: UserRecord) {
  return {
    uri: user.uri,
    name: user.name,
    slug: user.slug,
    email: user.email,
    scheduling_url: user.schedulingUrl,
    timezone: user.timezone,
    locale: 'en',
    avatar_url: null,
    created_at: calendlyTime(user.createdAt),
    updated_at: calendlyTime(user.createdAt),
    current_organization: user.organizationUri,
    resource_type: 'User',
  };
}

/** Calendly's weekday names, sunday first as in [OAS] AvailabilityRuleWday; index = luxon weekday % 7. */
const WDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

const clockOf = (minute: number): string =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

/**
 * One EventTypeAvailabilitySchedule ([OAS]): the host's opening hours (BUSINESS_HOURS, the rules the times
 * come from) as one `wday` rule per weekday, an empty `intervals` array on closed days.
 */
export function availabilityScheduleResource(eventType: EventTypeRecord, host: UserRecord, baseUrl: string) {
  const open = BUSINESS_HOURS.weekdays as readonly number[];
  return {
    event_type: eventType.uri,
    availability_setting: 'host',
    availability_rule: {
      timezone: host.timezone,
      uri: `${baseUrl}/user_availability_schedules/${SEED_IDS.availabilitySchedule}`,
      name: 'Working hours',
      user: host.uri,
      rules: WDAYS.map((wday, index) => ({
        type: 'wday',
        wday,
        intervals: open.includes(index === 0 ? 7 : index)
          ? [{ from: clockOf(BUSINESS_HOURS.openMinute), to: clockOf(BUSINESS_HOURS.closeMinute) }]
          : [],
      })),
    },
  };
}

/** GET /event_types/{uuid} resource, every key of §2.3. */
export function eventTypeResource(eventType: EventTypeRecord, owner: UserRecord) {
  return {
    uri: eventType.uri,
    name: eventType.name,
    slug: eventType.slug,
    active: eventType.active,
    scheduling_url: eventType.schedulingUrl,
    duration: eventType.duration,
    duration_options: null,
    kind: 'solo',
    pooling_type: eventType.poolingType,
    type: 'StandardEventType',
    booking_method: 'instant',
    secret: false,
    admin_managed: false,
    is_paid: false,
    locale: 'en',
    locations: eventType.locations,
    custom_questions: eventType.customQuestions,
    profile: { type: 'User', name: owner.name, owner: owner.uri },
    color: eventType.color,
    position: eventType.position,
    internal_note: null,
    description_plain: eventType.description,
    description_html: eventType.description === null ? null : `<p>${eventType.description}</p>`,
    created_at: calendlyTime(eventType.createdAt),
    updated_at: calendlyTime(eventType.createdAt),
    deleted_at: null,
  };
}

/** Cancellation object on events, invitees and the cancellation endpoint. */
export function cancellationResource(cancellation: CancellationRecord) {
  return {
    canceled_by: cancellation.canceledBy,
    reason: cancellation.reason,
    canceler_type: cancellation.cancelerType,
    created_at: calendlyTime(cancellation.createdAt),
  };
}

/** GET /scheduled_events/{uuid} resource. */
export function scheduledEventResource(
  event: ScheduledEventRecord,
  invitees: readonly InviteeRecord[],
  host: UserRecord,
) {
  return {
    uri: event.uri,
    name: event.name,
    status: event.status,
    start_time: calendlyTime(event.startMs),
    end_time: calendlyTime(event.endMs),
    event_type: event.eventTypeUri,
    location: event.location,
    invitees_counter: {
      total: invitees.length,
      active: invitees.filter((invitee) => invitee.status === 'active').length,
      limit: 1,
    },
    event_memberships: [{ user: host.uri, user_email: host.email, user_name: host.name }],
    event_guests: event.guests.map((guest) => ({
      email: guest.email,
      created_at: calendlyTime(guest.createdAt),
      updated_at: calendlyTime(guest.createdAt),
    })),
    ...(event.cancellation ? { cancellation: cancellationResource(event.cancellation) } : {}),
    meeting_notes_plain: null,
    // The spec types meeting_notes_html as an optional string (absent when there are none) and the deprecated
    // calendar_event as an object: the host calendar's entry.
    calendar_event: { kind: 'google', external_id: event.uuid },
    created_at: calendlyTime(event.createdAt),
    updated_at: calendlyTime(event.updatedAt),
  };
}

/** Invitee resource (§4.3): the answer of POST /invitees and of the invitee endpoints. */
export function inviteeResource(invitee: InviteeRecord, event: ScheduledEventRecord) {
  return {
    uri: invitee.uri,
    event: event.uri,
    email: invitee.email,
    name: invitee.name,
    first_name: invitee.firstName,
    last_name: invitee.lastName,
    status: invitee.status,
    timezone: invitee.timezone,
    text_reminder_number: invitee.textReminderNumber,
    questions_and_answers: invitee.questionsAndAnswers,
    tracking: invitee.tracking,
    cancel_url: invitee.cancelUrl,
    reschedule_url: invitee.rescheduleUrl,
    rescheduled: invitee.rescheduled ?? false,
    old_invitee: invitee.oldInvitee ?? null,
    new_invitee: invitee.newInvitee ?? null,
    ...(invitee.cancellation ? { cancellation: cancellationResource(invitee.cancellation) } : {}),
    payment: null,
    no_show: null,
    reconfirmation: null,
    routing_form_submission: null,
    scheduling_method: invitee.schedulingMethod,
    invitee_scheduled_by: invitee.scheduledBy,
    created_at: calendlyTime(invitee.createdAt),
    updated_at: calendlyTime(invitee.updatedAt),
  };
}

/** Webhook subscription resource (§6.1); the signing key is never shown. */
export function webhookSubscriptionResource(subscription: WebhookSubscriptionRecord) {
  return {
    uri: subscription.uri,
    callback_url: subscription.callbackUrl,
    created_at: calendlyTime(subscription.createdAt),
    updated_at: calendlyTime(subscription.updatedAt),
    retry_started_at: null,
    state: 'active',
    events: subscription.events,
    scope: subscription.scope,
    organization: subscription.organization,
    user: subscription.user,
    group: subscription.group,
    creator: subscription.creator,
  };
}
