/**
 * zod schemas for the Calendly API v2 responses this adapter reads (reference/calendly.md §1-§7).
 * Provider schemas: unknown keys are tolerated, and only the fields we use are required.
 */
import * as z from 'zod';

/** Calendly's error body `{ title, message, details? }`; every part optional so odd bodies still parse. */
export const CalendlyErrorSchema = z.looseObject({
  title: z.string().optional(),
  message: z.string().optional(),
  details: z
    .array(z.looseObject({ parameter: z.string().optional(), message: z.string().optional() }))
    .optional(),
});
export type CalendlyError = z.infer<typeof CalendlyErrorSchema>;

/** The `pagination` object of list endpoints; only the token is followed (never `next_page`'s host). */
export const PaginationSchema = z.looseObject({
  next_page_token: z.string().nullable().optional(),
});

/** GET /users/me. */
export const UserResponseSchema = z.looseObject({
  resource: z.looseObject({
    uri: z.string(),
    name: z.string(),
    timezone: z.string(),
    current_organization: z.string(),
  }),
});

const QUESTION_TYPES = ['string', 'text', 'phone_number', 'single_select', 'multi_select'] as const;

const CustomQuestionSchema = z.looseObject({
  name: z.string(),
  // A question type Calendly adds later reads as free text rather than failing the whole event type.
  type: z.enum(QUESTION_TYPES).catch('text'),
  position: z.number(),
  enabled: z.boolean(),
  required: z.boolean(),
  answer_choices: z.array(z.string()).nullable().optional(),
});

const LocationConfigurationSchema = z.looseObject({
  kind: z.string(),
  location: z.string().nullable().optional(),
  phone_number: z.string().nullable().optional(),
});

/** One EventType (§2.3). */
export const EventTypeSchema = z.looseObject({
  uri: z.string(),
  name: z.string().nullable(),
  slug: z.string().nullable(),
  active: z.boolean(),
  scheduling_url: z.string(),
  duration: z.number().int().positive(),
  kind: z.string(),
  pooling_type: z.string().nullable().optional(),
  locations: z.array(LocationConfigurationSchema).nullable().optional(),
  custom_questions: z.array(CustomQuestionSchema).nullable().optional(),
});
export type CalendlyEventType = z.infer<typeof EventTypeSchema>;

/** GET /event_types/{uuid}. */
export const EventTypeResponseSchema = z.looseObject({ resource: EventTypeSchema });

/** GET /event_types. */
export const EventTypeListSchema = z.looseObject({
  collection: z.array(EventTypeSchema),
  pagination: PaginationSchema,
});

/** GET /event_type_available_times (not paginated). */
export const AvailableTimesSchema = z.looseObject({
  collection: z.array(
    z.looseObject({
      status: z.string(),
      invitees_remaining: z.number().int(),
      start_time: z.string(),
    }),
  ),
});

const TrackingSchema = z.looseObject({ utm_content: z.string().nullable().optional() });

/** One Invitee (§4.3). */
export const InviteeSchema = z.looseObject({
  uri: z.string(),
  event: z.string(),
  email: z.string(),
  status: z.enum(['active', 'canceled']),
  cancel_url: z.string(),
  reschedule_url: z.string(),
  tracking: TrackingSchema.nullable().optional(),
});
export type CalendlyInvitee = z.infer<typeof InviteeSchema>;

/** POST /invitees (201). */
export const InviteeResponseSchema = z.looseObject({ resource: InviteeSchema });

/** GET /scheduled_events/{uuid}/invitees. */
export const InviteeListSchema = z.looseObject({
  collection: z.array(InviteeSchema),
  pagination: PaginationSchema,
});

/** GET /scheduled_events. */
export const ScheduledEventListSchema = z.looseObject({
  collection: z.array(
    z.looseObject({
      uri: z.string(),
      status: z.string(),
      start_time: z.string(),
    }),
  ),
  pagination: PaginationSchema,
});
