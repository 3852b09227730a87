/**
 * The sandbox's in-memory calendar. Every mutation is synchronous, so two concurrent POST /invitees for one
 * slot are decided in arrival order: the first books it, the second sees it gone.
 */
import { randomUUID } from 'node:crypto';
import { availableStarts } from './availability.ts';
import { invalidArgument } from './errors.ts';
import type {
  EventTypeRecord,
  InviteeRecord,
  ScheduledEventRecord,
  Tracking,
  UserRecord,
  WebhookSubscriptionRecord,
} from './records.ts';
import { seedEventTypes, seedUser } from './seed.ts';

/** Webhook-worthy changes to invitees. */
export type InviteeEventName = 'invitee.created' | 'invitee.canceled';

/** Rules and clock the store runs with. */
export interface StoreOptions {
  baseUrl: string;
  timezone: string;
  now: () => Date;
  days: number;
  minimumNoticeMinutes: number;
  extraEventTypes: number;
}

/** Everything needed to book one invitee; validated by the caller. */
export interface BookingRequest {
  eventType: EventTypeRecord;
  startMs: number;
  email: string;
  name: string;
  firstName: string | null;
  lastName: string | null;
  timezone: string | null;
  textReminderNumber: string | null;
  location: Record<string, string>;
  questionsAndAnswers: { question: string; answer: string; position: number }[];
  tracking: Tracking;
  guests: string[];
  schedulingMethod: InviteeRecord['schedulingMethod'];
  /** The invitee this booking replaces (a reschedule through Calendly's own link). */
  oldInvitee?: string;
}

/** The last path segment of a Calendly URI (its uuid). */
export const uuidOf = (uriOrUuid: string): string => uriOrUuid.replace(/\/+$/, '').split('/').pop() ?? '';

/** In-memory state of one sandbox account. */
export class SandboxStore {
  readonly user: UserRecord;
  readonly eventTypes: EventTypeRecord[];
  readonly events = new Map<string, ScheduledEventRecord>();
  readonly invitees = new Map<string, InviteeRecord>();
  readonly subscriptions = new Map<string, WebhookSubscriptionRecord>();
  /** Called after each invitee is created or canceled (webhook delivery hooks in here). */
  onInviteeEvent:
    | ((name: InviteeEventName, invitee: InviteeRecord, event: ScheduledEventRecord) => void)
    | null = null;

  readonly baseUrl: string;

  /** List endpoints lag this long behind writes (Calendly's are not documented as read-after-write). */
  listingLagMs = 0;

  constructor(private readonly options: StoreOptions) {
    this.baseUrl = options.baseUrl;
    this.user = seedUser(options.baseUrl, options.timezone);
    this.eventTypes = seedEventTypes(options.baseUrl, this.user, options.extraEventTypes);
  }

  nowMs(): number {
    return this.options.now().getTime();
  }

  /** Matches on the uuid only, so URIs from a previous run on another port still resolve. */
  findEventType(uriOrUuid: string): EventTypeRecord | undefined {
    const uuid = uuidOf(uriOrUuid);
    return this.eventTypes.find((eventType) => eventType.uuid === uuid);
  }

  /** True when `uri` names the seeded user (by uuid, like findEventType). */
  isOwnUser(uri: string): boolean {
    return uuidOf(uri) === this.user.uuid;
  }

  /** True when `uri` names the seeded organization. */
  isOwnOrganization(uri: string): boolean {
    return uuidOf(uri) === uuidOf(this.user.organizationUri);
  }

  /** Bookable starts of an event type in [fromMs, toMs), computed now from the rules and the calendar. */
  availableStarts(eventType: EventTypeRecord, fromMs: number, toMs: number): number[] {
    if (!eventType.active) return [];
    // One host for every event type: any active event blocks the time for all of them.
    const busy = [...this.events.values()]
      .filter((event) => event.status === 'active')
      .map((event) => ({ startMs: event.startMs, endMs: event.endMs }));
    return availableStarts({
      timezone: this.options.timezone,
      nowMs: this.nowMs(),
      durationMinutes: eventType.duration,
      minimumNoticeMinutes: this.options.minimumNoticeMinutes,
      horizonDays: this.options.days,
      busy,
      fromMs,
      toMs,
    });
  }

  isAvailable(eventType: EventTypeRecord, startMs: number): boolean {
    return this.availableStarts(eventType, startMs, startMs + 1).includes(startMs);
  }

  /** Books one invitee; throws Calendly's 400 `start_time: is not available` when the time is not free. */
  book(request: BookingRequest): { event: ScheduledEventRecord; invitee: InviteeRecord } {
    if (!this.isAvailable(request.eventType, request.startMs)) {
      throw invalidArgument([{ parameter: 'start_time', message: 'is not available' }]);
    }
    const nowMs = this.nowMs();
    const eventUuid = randomUUID();
    const eventUri = `${this.options.baseUrl}/scheduled_events/${eventUuid}`;
    const event: ScheduledEventRecord = {
      uuid: eventUuid,
      uri: eventUri,
      eventTypeUri: request.eventType.uri,
      name: request.eventType.name,
      status: 'active',
      startMs: request.startMs,
      endMs: request.startMs + request.eventType.duration * 60_000,
      location: request.location,
      guests: request.guests.map((email) => ({ email, createdAt: nowMs })),
      createdAt: nowMs,
      updatedAt: nowMs,
      cancellation: null,
    };
    const inviteeUuid = randomUUID();
    const invitee: InviteeRecord = {
      uuid: inviteeUuid,
      uri: `${eventUri}/invitees/${inviteeUuid}`,
      eventUuid,
      email: request.email,
      name: request.name,
      firstName: request.firstName,
      lastName: request.lastName,
      status: 'active',
      timezone: request.timezone,
      textReminderNumber: request.textReminderNumber,
      questionsAndAnswers: request.questionsAndAnswers,
      tracking: request.tracking,
      schedulingMethod: request.schedulingMethod,
      scheduledBy: request.schedulingMethod === 'api' ? this.user.uri : null,
      cancelUrl: `${this.options.baseUrl}/cancellations/${inviteeUuid}`,
      rescheduleUrl: `${this.options.baseUrl}/reschedulings/${inviteeUuid}`,
      rescheduled: false,
      oldInvitee: request.oldInvitee ?? null,
      newInvitee: null,
      createdAt: nowMs,
      updatedAt: nowMs,
      cancellation: null,
    };
    this.events.set(eventUuid, event);
    this.invitees.set(inviteeUuid, invitee);
    this.onInviteeEvent?.('invitee.created', invitee, event);
    return { event, invitee };
  }

  /** Invitees of one event, in creation order. */
  inviteesOf(eventUuid: string): InviteeRecord[] {
    return [...this.invitees.values()].filter((invitee) => invitee.eventUuid === eventUuid);
  }

  /**
   * Cancels a whole event (Calendly has no per-invitee cancel) and its active invitees: by the host (the
   * API), or by the invitee on Calendly's pages; `rescheduledTo` when the invitee moved it to a new booking.
   */
  cancelEvent(
    event: ScheduledEventRecord,
    reason: string | null,
    options: { by?: { name: string; type: 'host' | 'invitee' }; rescheduledTo?: InviteeRecord } = {},
  ): void {
    const nowMs = this.nowMs();
    const by = options.by ?? { name: this.user.name, type: 'host' as const };
    const cancellation = { canceledBy: by.name, reason, cancelerType: by.type, createdAt: nowMs };
    event.status = 'canceled';
    event.cancellation = cancellation;
    event.updatedAt = nowMs;
    for (const invitee of this.inviteesOf(event.uuid)) {
      if (invitee.status !== 'active') continue;
      invitee.status = 'canceled';
      invitee.cancellation = cancellation;
      invitee.updatedAt = nowMs;
      if (options.rescheduledTo) {
        invitee.rescheduled = true;
        invitee.newInvitee = options.rescheduledTo.uri;
      }
      this.onInviteeEvent?.('invitee.canceled', invitee, event);
    }
  }
}
