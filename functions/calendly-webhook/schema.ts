/**
 * Calendly webhook deliveries (Calendly API v2 reference, developer.calendly.com). Provider shape: unknown keys are kept, and
 * only what we act on is read - the event name, our tracking id, the scheduled event's type and start, and
 * who the invitee is with the phone numbers Calendly collected from them.
 * A start that is not an instant makes the body unreadable, acknowledged like any other unreadable body.
 */
import { isoInstant } from '../../shared/domain/time/instant.ts';
import * as z from '../../shared/zod.ts';

/** True for an ISO instant we can compute days from (`+275760-09-13T00:00:00Z` parses, but its next day does not). */
function isInstant(value: string): boolean {
  try {
    isoInstant(value);
    return true;
  } catch {
    return false;
  }
}

export const CalendlyWebhookSchema = z.looseObject({
  event: z.string().check(z.minLength(1), z.maxLength(100)),
  created_at: z.optional(z.string()),
  payload: z.looseObject({
    uri: z.optional(z.string()),
    event: z.optional(z.string()),
    name: z.nullish(z.string()),
    email: z.nullish(z.string()),
    status: z.optional(z.string()),
    rescheduled: z.optional(z.boolean()),
    text_reminder_number: z.nullish(z.string()),
    questions_and_answers: z.nullish(
      z.array(z.looseObject({ question: z.optional(z.string()), answer: z.nullish(z.string()) })),
    ),
    tracking: z.nullish(z.looseObject({ utm_content: z.nullish(z.string()) })),
    scheduled_event: z.nullish(
      z.looseObject({
        uri: z.optional(z.string()),
        start_time: z.optional(z.string().check(z.refine(isInstant, 'not an ISO instant'))),
        event_type: z.optional(z.string()),
        location: z.nullish(z.looseObject({ type: z.optional(z.string()), location: z.nullish(z.string()) })),
      }),
    ),
  }),
});
export type CalendlyWebhook = z.infer<typeof CalendlyWebhookSchema>;
