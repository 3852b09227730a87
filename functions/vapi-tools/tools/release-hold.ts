/** release_hold: a held time let go, when the caller changes their mind or wants another time. */
import { type ReleaseOutcome, releaseHold } from '../../../shared/domain/use-cases/release-hold.ts';
import * as z from '../../../shared/zod.ts';
import { type ToolAnswer, ToolError } from '../tool-answer.ts';
import { defineTool } from './define.ts';
import { holdId } from './fields.ts';
import { holdRefused } from './speech.ts';

function answerOf(outcome: ReleaseOutcome): ToolAnswer {
  switch (outcome.kind) {
    case 'released':
      return { ok: true, say: "Okay, I've let that time go." };
    case 'unknown_hold':
    case 'not_your_hold':
      return holdRefused(outcome);
    case 'hold_confirmed':
      return new ToolError(
        'hold_confirmed',
        'That time is already being booked, so there is no hold to release.',
        {
          hold_id: outcome.hold.holdId,
          booking_id: outcome.hold.bookingId,
        },
      );
  }
}

export const releaseHoldTool = defineTool({
  name: 'release_hold',
  description: 'Let a held time go, when the caller changes their mind or wants a different time.',
  returns: 'nothing more',
  parameters: z.object({ hold_id: holdId }),
  hints: { default: 'Which reservation should I release?' },
  async run(args, call, deps) {
    return answerOf(await releaseHold(args.hold_id, call, deps));
  },
});
