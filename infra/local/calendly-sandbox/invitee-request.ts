/**
 * POST /invitees validation (Calendly's API v2 reference): the body's own shape first, then the rules of the event type
 * (configured locations, custom questions). Failures are Calendly's 400 with one detail per bad parameter.
 */
import { isValidPhoneNumber } from 'libphonenumber-js/min';
import * as z from 'zod';
import { type ErrorDetail, invalidArgument, invalidArgumentFrom } from './errors.ts';
import type { EventTypeRecord } from './records.ts';
import { isTimeZone } from './time.ts';

const phoneNumber = z.string().refine((value) => isValidPhoneNumber(value), 'must be a valid phone number');
const nullableString = z.string().nullable();

/** The request body; unknown keys are ignored as Calendly does. */
export const CreateInviteeBodySchema = z.looseObject({
  event_type: z.string().min(1),
  start_time: z.string().min(1),
  invitee: z
    .looseObject({
      email: z.email('must be a valid email address'),
      timezone: z.string().refine(isTimeZone, 'must be a valid IANA time zone'),
      name: z.string().min(1).optional(),
      first_name: z.string().min(1).optional(),
      last_name: z.string().optional(),
      text_reminder_number: phoneNumber.optional(),
    })
    .refine((invitee) => invitee.name !== undefined || invitee.first_name !== undefined, {
      message: 'is required when first_name is not given',
      path: ['name'],
    }),
  location: z.looseObject({ kind: z.string().min(1), location: z.string().optional() }).optional(),
  questions_and_answers: z
    .array(z.looseObject({ question: z.string(), answer: z.string(), position: z.number().int() }))
    .optional(),
  // When tracking is sent, all six keys must be there (values may be null).
  tracking: z
    .looseObject({
      utm_campaign: nullableString,
      utm_source: nullableString,
      utm_medium: nullableString,
      utm_content: nullableString,
      utm_term: nullableString,
      salesforce_uuid: nullableString,
    })
    .optional(),
  event_guests: z.array(z.email('must be a valid email address')).max(10).optional(),
});

/** A body that passed CreateInviteeBodySchema. */
export type CreateInviteeBody = z.infer<typeof CreateInviteeBodySchema>;

/** Parses the raw JSON body or throws Calendly's 400 naming each bad parameter. */
export function parseCreateInviteeBody(body: unknown): CreateInviteeBody {
  // reportInput tells a missing key ("is required") from a wrong value.
  const parsed = CreateInviteeBodySchema.safeParse(body, { reportInput: true });
  if (parsed.success) return parsed.data;
  throw invalidArgumentFrom(parsed.error);
}

// Kinds whose details come from the invitee: without a `location` Calendly cannot book them.
const INVITEE_SUPPLIED_KINDS = new Set(['outbound_call', 'ask_invitee']);
const KINDS_WITH_LOCATION_TEXT = new Set(['physical', 'outbound_call', 'ask_invitee', 'custom']);

/** The event's location, from the invitee's choice or else the first configured one needing no input. */
export function resolveLocation(
  requested: CreateInviteeBody['location'],
  eventType: EventTypeRecord,
): Record<string, string> {
  if (requested === undefined) {
    if (eventType.locations.length === 0) return {};
    const fixed = eventType.locations.find((config) => !INVITEE_SUPPLIED_KINDS.has(config.kind));
    if (fixed === undefined) throw invalidArgument([{ parameter: 'location', message: 'is required' }]);
    return withoutUndefined({ type: fixed.kind, location: fixed.location ?? fixed.phone_number });
  }
  if (eventType.poolingType === 'round_robin') {
    throw invalidArgument([{ parameter: 'location', message: 'cannot be set for round robin event types' }]);
  }
  const config = eventType.locations.find((candidate) => candidate.kind === requested.kind);
  if (config === undefined) {
    throw invalidArgument([{ parameter: 'location.kind', message: 'is not a location of this event type' }]);
  }
  const text = requested.location?.trim();
  if (KINDS_WITH_LOCATION_TEXT.has(requested.kind) && !text) {
    throw invalidArgument([{ parameter: 'location.location', message: 'is required' }]);
  }
  if (requested.kind === 'outbound_call' && text && !isValidPhoneNumber(text)) {
    throw invalidArgument([{ parameter: 'location.location', message: 'must be a valid phone number' }]);
  }
  // A configured address wins over what the invitee typed; only invitee-supplied kinds take their text.
  const location = INVITEE_SUPPLIED_KINDS.has(requested.kind) ? text : (config.location ?? text);
  return withoutUndefined({ type: requested.kind, location: location ?? config.phone_number });
}

/** Checks answers against the event type's questions: exact question text, required ones present. */
export function checkAnswers(
  answers: NonNullable<CreateInviteeBody['questions_and_answers']>,
  eventType: EventTypeRecord,
): void {
  const details: ErrorDetail[] = [];
  const questions = eventType.customQuestions.filter((question) => question.enabled);
  for (const answer of answers) {
    // Question text is matched case-sensitively and verbatim (Calendly's API v2 reference).
    const question = questions.find((candidate) => candidate.name === answer.question);
    if (question === undefined) {
      details.push({
        parameter: 'questions_and_answers',
        message: 'contains a question the event type does not ask',
      });
    } else if (
      question.type === 'single_select' &&
      !question.include_other &&
      !question.answer_choices.includes(answer.answer)
    ) {
      details.push({
        parameter: 'questions_and_answers',
        message: `answer to "${question.name}" is not a choice`,
      });
    } else if (
      question.type === 'phone_number' &&
      answer.answer !== '' &&
      !isValidPhoneNumber(answer.answer)
    ) {
      details.push({
        parameter: 'questions_and_answers',
        message: `answer to "${question.name}" must be a valid phone number`,
      });
    }
  }
  for (const question of questions) {
    if (!question.required) continue;
    const answer = answers.find((candidate) => candidate.question === question.name);
    if (answer === undefined || answer.answer.trim() === '') {
      details.push({ parameter: 'questions_and_answers', message: `"${question.name}" is required` });
    }
  }
  if (details.length > 0) throw invalidArgument(details);
}

function withoutUndefined(record: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
