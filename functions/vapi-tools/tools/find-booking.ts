/** find_booking: the caller's upcoming appointments, by the number they call from or by email and name. */
import type { BookingRef } from '../../../shared/domain/model.ts';
import { type FindOutcome, findBooking } from '../../../shared/domain/use-cases/find-booking.ts';
import { speakSlot } from '../../../shared/speech/time.ts';
import * as z from '../../../shared/zod.ts';
import { type ToolAnswer, ToolError } from '../tool-answer.ts';
import { defineTool } from './define.ts';
import { email, optional, text } from './fields.ts';
import { onTime } from './speech.ts';

/** The one answer for every miss, so a caller cannot tell "not yours" from "does not exist". */
export const NOT_FOUND_SAY =
  "I can't find an appointment with those details. If it was booked under an email address, could you tell me the email and the name it's under?";

const parameters = z.object({
  email: optional(email('The email address the appointment was booked with, if the caller gives one.')),
  name: optional(text('The name the appointment is under; needed with an email.', { max: 100 })),
});

function spokenBooking(ref: BookingRef, service: string, zone: string, now: Date): string {
  return `${/^[aeiou]/i.test(service) ? 'an' : 'a'} ${service} ${onTime(speakSlot(ref.start, { zone, now }))}`;
}

function answerOf(outcome: FindOutcome, now: Date): ToolAnswer {
  switch (outcome.kind) {
    case 'found': {
      const { refs, zone, services } = outcome;
      const bookings = refs.map((ref) => {
        const service = services[ref.eventTypeUri] ?? 'appointment';
        return {
          ref: ref.ref,
          start: new Date(Date.parse(ref.start)).toISOString(),
          spoken: speakSlot(ref.start, { zone, now }),
          service,
          words: spokenBooking(ref, service, zone, now),
        };
      });
      const [only] = bookings;
      const say =
        bookings.length === 1 && only
          ? `I see ${only.words}. What would you like to do with it?`
          : `I see ${bookings.length} appointments: ${bookings.map((booking) => booking.words).join('; and ')}. Which one do you mean?`;
      return {
        ok: true,
        say,
        timezone: zone,
        bookings: bookings.map(({ words: _words, ...booking }) => booking),
      };
    }
    case 'not_found':
      return new ToolError('not_found', NOT_FOUND_SAY);
    case 'too_many_lookups':
      return new ToolError(
        'too_many_lookups',
        "I'm sorry, I can't look up any more appointments on this call. I can take a message for the team instead.",
      );
    case 'name_needed':
      return new ToolError('invalid_arguments', 'And what name is the appointment under?', {
        fields: ['name'],
      });
    case 'no_caller_number':
      return new ToolError(
        'caller_number_unknown',
        "I can't see the number you're calling from. Could you tell me the email the appointment was booked with, and the name it's under?",
      );
  }
}

export const findBookingTool = defineTool({
  name: 'find_booking',
  description:
    "Find the caller's upcoming appointments, to change or cancel one. With no arguments it looks by the number they are calling from. " +
    'If that finds nothing, ask for the email the appointment was booked with and the full name it is under, and call it again with both. ' +
    'Use the `ref` of a result (such as A1) with cancel_booking or reschedule_booking; refs are valid on this call only.',
  waitingSay: 'Let me look that up.',
  returns:
    '`timezone`, `bookings: [{ref, start, spoken, service}]` (`ref` such as A1, valid on this call only)',
  parameters,
  hints: {
    email: 'Could you spell the email address for me?',
    name: 'What name is the appointment under?',
    default: "Could you tell me the email the appointment was booked with, and the name it's under?",
  },
  async run(args, call, deps) {
    const outcome = await findBooking({ email: args.email ?? null, name: args.name ?? null }, call, deps);
    return answerOf(outcome, deps.clock.now());
  },
});
