/**
 * zod schemas for the Calendly API v2 responses this adapter reads (Calendly API v2 reference, developer.calendly.com).
 * Provider schemas: unknown keys are tolerated, and only the fields we use are required.
 */
import * as z from '../../zod.ts';

/**
 * Calendly's error body `{ title, message, details?: [{ parameter?, message, code? }] }` (Calendly's API v2 reference);
 * every part optional so odd bodies still parse.
 */
export const CalendlyErrorSchema = z.looseObject({
  title: z.optional(z.string()),
  message: z.optional(z.string()),
  details: z.optional(
    z.array(
      z.looseObject({
        parameter: z.optional(z.string()),
        message: z.optional(z.string()),
        code: z.optional(z.string()),
      }),
    ),
  ),
});
export type CalendlyError = z.infer<typeof CalendlyErrorSchema>;

/** The `pagination` object of list endpoints; only the token is followed (never `next_page`'s host). */
export const PaginationSchema = z.looseObject({
  next_page_token: z.nullish(z.string()),
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

/**
 * `z.catch(schema, fallback)`, built the way zod/mini's `catch` builds it. Not `z.catch` itself: its body reads
 * `core.util`, which keeps every export of zod's util module (about 7 KB) in each bundle that uses it.
 */
function orElse<T extends z.ZodMiniType>(schema: T, fallback: z.output<T>): z.ZodMiniCatch<T> {
  return new z.ZodMiniCatch({
    type: 'catch',
    innerType: schema,
    catchValue: () => fallback,
  }) as z.ZodMiniCatch<T>;
}

const QUESTION_TYPES = ['string', 'text', 'phone_number', 'single_select', 'multi_select'] as const;

const CustomQuestionSchema = z.looseObject({
  name: z.string(),
  // A question type Calendly adds later reads as free text rather than failing the whole event type.
  type: orElse(z.enum(QUESTION_TYPES), 'text'),
  position: z.number(),
  enabled: z.boolean(),
  required: z.boolean(),
  answer_choices: z.nullish(z.array(z.string())),
});

// The spec does not require `kind` on an event type's location; one without it cannot be sent back.
const LocationConfigurationSchema = z.looseObject({
  kind: z.nullish(z.string()),
  location: z.nullish(z.string()),
  phone_number: z.nullish(z.string()),
});

/** One EventType (§2.3). `duration` is a number in the spec, not an integer (cells round it outward). */
export const EventTypeSchema = z.looseObject({
  uri: z.string(),
  name: z.nullable(z.string()),
  slug: z.nullable(z.string()),
  active: z.boolean(),
  scheduling_url: z.string(),
  duration: z.number().check(z.positive()),
  kind: z.string(),
  pooling_type: z.nullish(z.string()),
  locations: z.nullish(z.array(LocationConfigurationSchema)),
  custom_questions: z.nullish(z.array(CustomQuestionSchema)),
});
export type CalendlyEventType = z.infer<typeof EventTypeSchema>;

/** GET /event_types/{uuid}. */
export const EventTypeResponseSchema = z.looseObject({ resource: EventTypeSchema });

/**
 * GET /event_types. Items are read one by one (`EventTypeSchema`): an event type this adapter cannot use
 * is left out instead of failing the whole list, and every other service stays bookable.
 */
export const EventTypeListSchema = z.looseObject({
  collection: z.array(z.unknown()),
  pagination: PaginationSchema,
});

/** GET /event_type_available_times (not paginated). */
export const AvailableTimesSchema = z.looseObject({
  collection: z.array(
    z.looseObject({
      status: z.string(),
      invitees_remaining: z.number(),
      start_time: z.string(),
    }),
  ),
});

/**
 * GET /event_type_availability_schedules?event_type= ([OAS] `availability_get-event-type-availability`):
 * `{ collection: EventTypeAvailabilitySchedule[], pagination }`. The spec marks no key of an
 * EventTypeAvailabilitySchedule or of its `availability_rule` as required, so every one is optional here and
 * an entry without a zone or rules reads as "cannot tell" (see the client). An AvailabilityRule requires
 * `type` ("wday" | "date") and `intervals` ([{from, to}], "hh:mm" local to the schedule's zone; empty means
 * no availability that day); `wday` (sunday..saturday) and `date` (YYYY-MM-DD) are optional. Unconfirmed: the
 * spec declares no `count`/`page_token` parameter for this endpoint, so only the first page is read.
 */
export const EventTypeAvailabilitySchedulesSchema = z.looseObject({
  collection: z.array(
    z.looseObject({
      event_type: z.optional(z.string()),
      availability_rule: z.nullish(
        z.looseObject({
          timezone: z.nullish(z.string()),
          rules: z.nullish(
            z.array(
              z.looseObject({
                type: z.string(),
                intervals: z.array(
                  z.looseObject({ from: z.optional(z.string()), to: z.optional(z.string()) }),
                ),
                wday: z.nullish(z.string()),
                date: z.nullish(z.string()),
              }),
            ),
          ),
        }),
      ),
    }),
  ),
});
export type CalendlyEventTypeSchedules = z.infer<typeof EventTypeAvailabilitySchedulesSchema>;

const TrackingSchema = z.looseObject({ utm_content: z.nullish(z.string()) });

/** One Invitee (§4.3). */
export const InviteeSchema = z.looseObject({
  uri: z.string(),
  event: z.string(),
  email: z.string(),
  name: z.string(),
  status: z.enum(['active', 'canceled']),
  cancel_url: z.string(),
  reschedule_url: z.string(),
  tracking: z.nullish(TrackingSchema),
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
      event_type: z.string(),
    }),
  ),
  pagination: PaginationSchema,
});

/** POST /scheduled_events/{uuid}/cancellation: 201 with the cancellation (who, why, when), which we do not read. */
export const CancellationResponseSchema = z.looseObject({ resource: z.looseObject({}) });
