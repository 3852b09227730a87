/**
 * What the domain needs from the outside world, as interfaces. Adapters in shared/adapters implement them;
 * use cases receive them as arguments, so tests can pass real adapters pointed at local fakes.
 *
 * Errors: adapters throw the AppError subclasses of ./errors.ts (VendorUnavailableError,
 * VendorRateLimitedError, VendorRejectedError, SlotUnavailableError), never raw fetch/SDK errors.
 */
import type { CalendlyBookingRef } from './model.ts';

/** The current time, injectable so rules that depend on "now" are testable with a pinned clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

// ---------------------------------------------------------------- Calendly

/** The Calendly user whose calendar we book into (the token owner). */
export interface CalendlyUser {
  uri: string;
  name: string;
  timezone: string;
  organizationUri: string;
}

export interface EventTypeLocation {
  kind: string;
  location?: string;
}

export interface EventTypeQuestion {
  name: string;
  type: 'string' | 'text' | 'phone_number' | 'single_select' | 'multi_select';
  position: number;
  enabled: boolean;
  required: boolean;
  answerChoices: string[];
}

/** A Calendly event type ("service"): what can be booked and how long it lasts. */
export interface EventTypeInfo {
  uri: string;
  name: string;
  slug: string | null;
  active: boolean;
  durationMinutes: number;
  kind: 'solo' | 'group';
  poolingType: string | null;
  locations: EventTypeLocation[];
  customQuestions: EventTypeQuestion[];
  schedulingUrl: string;
}

/** One bookable start time as Calendly lists it; `start` is kept verbatim so it can be posted back exactly. */
export interface AvailableTime {
  start: string;
  inviteesRemaining: number;
}

export interface CreateInviteeInput {
  eventTypeUri: string;
  start: string;
  invitee: {
    name: string;
    email: string;
    timezone: string;
    textReminderNumber?: string;
  };
  location?: EventTypeLocation;
  questionsAndAnswers?: { question: string; answer: string; position: number }[];
  /** Our booking id, sent as tracking.utm_content so a lost response can be found again. */
  trackingId: string;
}

export interface CreatedInvitee extends CalendlyBookingRef {
  status: 'active' | 'canceled';
  trackingId: string | null;
}

export interface FindInviteeQuery {
  userUri: string;
  email: string;
  start: string;
  trackingId: string;
}

/** The slice of Calendly API v2 this product uses. */
export interface CalendlyPort {
  getCurrentUser(): Promise<CalendlyUser>;
  /** Active event types of one user, all pages. */
  listEventTypes(userUri: string): Promise<EventTypeInfo[]>;
  getEventType(uri: string): Promise<EventTypeInfo>;
  /** GET /event_type_available_times; the caller keeps the range within Calendly's limit and in the future. */
  listAvailableTimes(eventTypeUri: string, startIso: string, endIso: string): Promise<AvailableTime[]>;
  /** POST /invitees. Throws SlotUnavailableError when Calendly says the time is not bookable. */
  createInvitee(input: CreateInviteeInput): Promise<CreatedInvitee>;
  /** Finds an active invitee we created earlier (matched on tracking.utm_content), or null. */
  findInviteeByTracking(query: FindInviteeQuery): Promise<CreatedInvitee | null>;
}

// ---------------------------------------------------------------- Vapi, Twilio, queue

export interface CreateVapiCallInput {
  assistantId: string;
  phoneNumberId: string;
  customerNumber: string | null;
  variableValues: Record<string, string>;
}

/** Asks Vapi to take a call whose Twilio webhook we own (phone-call-provider bypass). */
export interface VapiPort {
  createCall(
    input: CreateVapiCallInput,
    options: { timeoutMs: number },
  ): Promise<{ vapiCallId: string; twiml: string }>;
}

/** Sends one SMS; the message body never contains secrets, and adapters never log it. */
export interface SmsPort {
  send(message: { to: string; body: string }): Promise<{ id: string }>;
}

/** Hands a booking to the asynchronous booking worker. */
export interface BookingQueuePort {
  enqueue(bookingId: string, options?: { delaySeconds?: number }): Promise<void>;
}
