/** hold_slot: a time this call was offered, held for the caller's name and email, read back for a yes. */
import { type HoldOutcome, holdSlot } from '../../../shared/domain/use-cases/hold-slot.ts';
import { speakEmail } from '../../../shared/speech/email.ts';
import { speakSlot } from '../../../shared/speech/time.ts';
import * as z from '../../../shared/zod.ts';
import { ReplayedAnswer, type ToolAnswer, ToolError } from '../tool-answer.ts';
import { defineTool, keeperOf } from './define.ts';
import { email, slotId, text } from './fields.ts';
import { listOf, slotsOf, tooManyHolds } from './speech.ts';

const parameters = z.object({
  slot_id: slotId('The id of the chosen time, exactly as check_availability returned it, such as S3.'),
  name: text("The caller's full name.", { max: 100 }),
  email: email("The caller's email address, as they spelled it."),
});

function answerOf(outcome: HoldOutcome, now: Date): ToolAnswer {
  switch (outcome.kind) {
    case 'held': {
      const { hold, zone } = outcome;
      const spoken = speakSlot(hold.slot.start, { zone, now });
      return {
        ok: true,
        say: `I'm holding ${spoken} for ${hold.name}, email ${speakEmail(hold.email)}. Shall I book it?`,
        hold_id: hold.holdId,
        expires_at: new Date(hold.expiresAt).toISOString(),
        slot: { id: outcome.slotId, start: new Date(Date.parse(hold.slot.start)).toISOString(), spoken },
      };
    }
    case 'replayed':
      return new ReplayedAnswer(outcome.answer);
    case 'unknown_slot':
      return new ToolError(
        'unknown_slot',
        "I don't have that time on offer any more. Let me check what's available again.",
        { slot_id: outcome.slotId },
      );
    case 'call_ended':
      return new ToolError('call_ended', 'This call has already ended, so I cannot hold a time on it.');
    case 'too_many_holds':
      return tooManyHolds(outcome.liveHoldIds);
    case 'slot_taken': {
      const { zone, alternatives } = outcome;
      const list = alternatives.slots.length > 0 ? listOf(alternatives.slots, zone, now) : '';
      const say =
        alternatives.slots.length === 0
          ? `Sorry, someone just took that time, and I don't see other openings that day. Would another day work?`
          : alternatives.lookedAhead
            ? `Sorry, someone just took that time, and I don't see other openings that day. The next ones are ${list}. Would one of those work?`
            : `Sorry, someone just took that time. The nearest times I have are ${list}. Would one of those work?`;
      return new ToolError('slot_taken', say, {
        timezone: zone,
        slots: slotsOf(alternatives.slots, zone, now),
      });
    }
  }
}

export const holdSlotTool = defineTool({
  name: 'hold_slot',
  description:
    "Hold one of the times check_availability returned on this call, for a few minutes, under the caller's name and email. " +
    'Read `say` back to the caller (day, time with zone, name, spelled email) and book only after a clear yes.',
  waitingSay: 'One moment while I hold that time.',
  returns:
    '`hold_id`, `expires_at`, `slot: {id, start, spoken}`; `say` reads back the time (with zone), name and email and asks for a yes',
  parameters,
  hints: {
    slot_id: 'Which of the times I offered would you like?',
    name: 'Could I have your name, please?',
    email: 'Could you spell your email address for me?',
    default: 'Which time would you like, and what name and email should I put it under?',
  },
  // The hold's id comes from the tool-call id: a replay finds the hold its first run made; any other
  // answer is kept in the call's ledger.
  replaySafe: true,
  async run(args, call, deps, toolCallId) {
    const now = deps.clock.now();
    const outcome = await holdSlot(
      { slotId: args.slot_id, name: args.name, email: args.email, toolCallId },
      call,
      deps,
      keeperOf(toolCallId, (kept: HoldOutcome) => answerOf(kept, now)),
    );
    return answerOf(outcome, now);
  },
});
