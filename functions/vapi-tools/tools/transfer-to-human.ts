/** transfer_to_human: the caller is put through to a person, or, when no one can answer, leaves a message. */
import { type TransferOutcome, transferToHuman } from '../../../shared/domain/use-cases/transfer-to-human.ts';
import * as z from '../../../shared/zod.ts';
import { type ToolAnswer, ToolError } from '../tool-answer.ts';
import { defineTool } from './define.ts';
import { optional, text } from './fields.ts';

function answerOf(outcome: TransferOutcome): ToolAnswer {
  switch (outcome.kind) {
    case 'transferring':
      return { ok: true, status: 'transferring', say: "I'm connecting you with someone now. Please hold." };
    case 'message':
      return {
        ok: true,
        status: 'message',
        reason: outcome.why,
        say:
          outcome.why === 'closed'
            ? "We're closed right now, so no one can take your call, but you can leave a message after the tone and we'll call you back."
            : "No one can take your call in person, but you can leave a message after the tone and we'll call you back.",
      };
    case 'unavailable':
      return new ToolError(
        'transfer_unavailable',
        "I'm sorry, I can't put you through to anyone right now. I can still help with your appointment, or you can call back later.",
        { reason: outcome.why },
      );
  }
}

export const transferToHumanTool = defineTool({
  name: 'transfer_to_human',
  description:
    'Put the caller through to a person when they ask for one or you cannot help. First tell them you are transferring them; after this call the line moves to a person or to voicemail, so say nothing more.',
  returns:
    '`status`: `transferring` (a person is being dialled) or `message` (the caller is asked to leave a voicemail)',
  parameters: z.object({
    reason: optional(
      text('In a few words, what the caller wants a person for (told to whoever answers).', { max: 200 }),
    ),
  }),
  hints: { default: 'What would you like to speak to someone about?' },
  async run(args, call, deps) {
    return answerOf(await transferToHuman(args.reason ?? null, call, deps));
  },
});
