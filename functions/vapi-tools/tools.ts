/**
 * The tools the assistant can call, by name: each with its argument schema, a speakable hint for
 * arguments that fail it, and the use case it runs. `prepareToolCall` is the one place a tool call's
 * arguments are read: JSON text or object, checked against the tool's schema, once, at the edge.
 */
import { ToolError } from '../../shared/domain/errors.ts';
import type { CallContext } from '../../shared/domain/model.ts';
import type { OpenSlotFinder } from '../../shared/domain/open-slots.ts';
import {
  CheckAvailabilityArgsSchema,
  checkAvailability,
} from '../../shared/domain/tools/check-availability.ts';
import {
  confirmBooking,
  HoldIdArgsSchema,
  HoldSlotArgsSchema,
  holdSlot,
  releaseHold,
} from '../../shared/domain/tools/hold-tools.ts';
import type { ToolDeps, ToolSuccess } from '../../shared/domain/tools/tool-deps.ts';
import type * as z from '../../shared/zod.ts';

export type ToolRunDeps = ToolDeps & { slots: OpenSlotFinder; onEnqueueFailure?: (error: unknown) => void };

interface ToolDefinition<TSchema extends z.ZodMiniType> {
  schema: TSchema;
  /** What the assistant should hear when the arguments do not fit, by offending field. */
  hints: Record<string, string>;
  run: (args: z.output<TSchema>, call: CallContext, deps: ToolRunDeps) => Promise<ToolSuccess>;
}

/** A tool call whose arguments fit its tool: ready to run its use case. */
export type ToolInvocation = (call: CallContext, deps: ToolRunDeps) => Promise<ToolSuccess>;

/** A tool: reads raw arguments into an invocation, or the ToolError the assistant should hear. */
export interface Tool {
  prepare(args: unknown): ToolInvocation | ToolError;
}

function define<TSchema extends z.ZodMiniType>(definition: ToolDefinition<TSchema>): Tool {
  return {
    prepare(args) {
      const parsed = definition.schema.safeParse(args);
      if (parsed.success) return (call, deps) => definition.run(parsed.data, call, deps);
      const fields = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? '')))].filter(
        Boolean,
      );
      const hint = fields.map((field) => definition.hints[field]).find(Boolean);
      return new ToolError(
        'invalid_arguments',
        hint ?? definition.hints.default ?? 'Could you say that again?',
        {
          fields,
        },
      );
    },
  };
}

export const TOOLS = {
  check_availability: define({
    schema: CheckAvailabilityArgsSchema,
    hints: {
      part_of_day: 'Would you prefer the morning, the afternoon or the evening?',
      default: 'Which day would you like to come in?',
    },
    run: checkAvailability,
  }),
  hold_slot: define({
    schema: HoldSlotArgsSchema,
    hints: {
      slot_id: 'Which of the times I offered would you like?',
      name: 'Could I have your name, please?',
      email: 'Could you spell your email address for me?',
      default: 'Which time would you like, and what name and email should I put it under?',
    },
    run: holdSlot,
  }),
  confirm_booking: define({
    schema: HoldIdArgsSchema,
    hints: { default: 'Which reservation should I book? Let me check availability again if needed.' },
    run: confirmBooking,
  }),
  release_hold: define({
    schema: HoldIdArgsSchema,
    hints: { default: 'Which reservation should I release?' },
    run: releaseHold,
  }),
} satisfies Record<string, Tool>;

export type ToolName = keyof typeof TOOLS;

const isToolName = (name: string): name is ToolName => Object.hasOwn(TOOLS, name);

/** Arguments as Vapi sends them: an object, or JSON text (empty text meaning none). */
function argumentsOf(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw ?? {};
  if (raw.trim() === '') return {};
  try {
    return JSON.parse(raw);
  } catch {
    return new ToolError('invalid_arguments', "Sorry, I didn't get that. Could you say it again?", {
      reason: 'arguments are not valid JSON',
    });
  }
}

/** Reads one tool call: the tool's invocation with its parsed arguments, or the ToolError to answer with. */
export function prepareToolCall(name: string, rawArguments: unknown): ToolInvocation | ToolError {
  if (!isToolName(name)) {
    return new ToolError('unknown_tool', "Sorry, that's not something I can do on this line.", {
      reason: `unknown tool ${name || '(none)'}`,
    });
  }
  const args = argumentsOf(rawArguments);
  return args instanceof ToolError ? args : TOOLS[name].prepare(args);
}
