/**
 * Calendly webhook deliveries (Calendly API v2 reference, developer.calendly.com). Provider shape: unknown keys are kept, and
 * only what we act on is read - the event name, our tracking id, and the scheduled event's type and start.
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
    status: z.optional(z.string()),
    rescheduled: z.optional(z.boolean()),
    tracking: z.nullish(z.looseObject({ utm_content: z.nullish(z.string()) })),
    scheduled_event: z.nullish(
      z.looseObject({
        uri: z.optional(z.string()),
        start_time: z.optional(z.string().check(z.refine(isInstant, 'not an ISO instant'))),
        event_type: z.optional(z.string()),
      }),
    ),
  }),
});
export type CalendlyWebhook = z.infer<typeof CalendlyWebhookSchema>;
