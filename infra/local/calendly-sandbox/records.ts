/** What the sandbox stores. Instants are epoch ms; resources.ts renders them in Calendly's shapes. */

/** The one seeded Calendly user (the token owner and host of every event type). */
export interface UserRecord {
  uuid: string;
  uri: string;
  name: string;
  slug: string;
  email: string;
  schedulingUrl: string;
  timezone: string;
  organizationUri: string;
  createdAt: number;
}

/** A location configured on an event type (Calendly API v2: LocationConfiguration). */
export interface LocationConfig {
  kind: string;
  location?: string;
  additional_info?: string;
  phone_number?: string;
}

/** A custom question configured on an event type (Calendly API v2: EventTypeCustomQuestion). */
export interface CustomQuestion {
  name: string;
  type: 'string' | 'text' | 'phone_number' | 'single_select' | 'multi_select';
  position: number;
  enabled: boolean;
  required: boolean;
  answer_choices: string[];
  include_other: boolean;
}

/** An event type ("service") of the seeded user. */
export interface EventTypeRecord {
  uuid: string;
  uri: string;
  name: string;
  slug: string;
  active: boolean;
  duration: number;
  poolingType: 'round_robin' | 'collective' | 'multi_pool' | null;
  locations: LocationConfig[];
  customQuestions: CustomQuestion[];
  color: string;
  position: number;
  description: string | null;
  schedulingUrl: string;
  createdAt: number;
}

/** Calendly's `tracking` object; every key is always present. */
export interface Tracking {
  utm_campaign: string | null;
  utm_source: string | null;
  utm_medium: string | null;
  utm_content: string | null;
  utm_term: string | null;
  salesforce_uuid: string | null;
}

/** Who cancelled, why and when. */
export interface CancellationRecord {
  canceledBy: string;
  reason: string | null;
  cancelerType: 'host' | 'invitee';
  createdAt: number;
}

/** A scheduled event (one booking of an event type at a time). */
export interface ScheduledEventRecord {
  uuid: string;
  uri: string;
  eventTypeUri: string;
  name: string;
  status: 'active' | 'canceled';
  startMs: number;
  endMs: number;
  /** Calendly's event location (`type` + details), derived from the event type and the invitee's choice. */
  location: Record<string, string>;
  guests: { email: string; createdAt: number }[];
  createdAt: number;
  updatedAt: number;
  cancellation: CancellationRecord | null;
}

/** An invitee of a scheduled event. */
export interface InviteeRecord {
  uuid: string;
  uri: string;
  eventUuid: string;
  email: string;
  name: string;
  firstName: string | null;
  lastName: string | null;
  status: 'active' | 'canceled';
  timezone: string | null;
  textReminderNumber: string | null;
  questionsAndAnswers: { question: string; answer: string; position: number }[];
  tracking: Tracking;
  /** 'api' for POST /invitees; null for bookings made on Calendly's own pages. */
  schedulingMethod: 'api' | 'instant_book' | null;
  scheduledBy: string | null;
  cancelUrl: string;
  rescheduleUrl: string;
  /** Set on the canceled side of a reschedule made through Calendly's own reschedule link. */
  rescheduled?: boolean;
  /** The invitee this one replaced (the booking it was rescheduled from), if any. */
  oldInvitee?: string | null;
  /** The invitee that replaced this one, if it was rescheduled. */
  newInvitee?: string | null;
  createdAt: number;
  updatedAt: number;
  cancellation: CancellationRecord | null;
}

/** A webhook subscription. The signing key is stored but never rendered. */
export interface WebhookSubscriptionRecord {
  uuid: string;
  uri: string;
  callbackUrl: string;
  events: string[];
  scope: 'organization' | 'user' | 'group';
  organization: string;
  user: string | null;
  group: string | null;
  creator: string;
  signingKey: string | null;
  createdAt: number;
  updatedAt: number;
}

/** Tracking with every key null, as Calendly shows it when a booking carried none. */
export const EMPTY_TRACKING: Tracking = {
  utm_campaign: null,
  utm_source: null,
  utm_medium: null,
  utm_content: null,
  utm_term: null,
  salesforce_uuid: null,
};
