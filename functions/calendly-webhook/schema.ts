/**
 * Calendly webhook deliveries (reference/calendly.md §6.3). Provider shape: unknown keys are kept, and
 * only what we act on is read - the event name, our tracking id, and the scheduled event's type and start.
 */
import * as z from '../../shared/zod.ts';

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
        start_time: z.optional(z.string()),
        event_type: z.optional(z.string()),
      }),
    ),
  }),
});
export type CalendlyWebhook = z.infer<typeof CalendlyWebhookSchema>;
