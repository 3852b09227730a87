/**
 * What a tool is: its name and the description the model reads, its argument schema (./fields.ts), what
 * the assistant should hear when arguments do not fit, and how it runs: a use case of shared/domain whose
 * typed outcome the tool puts into words.
 */
import type { AnswerKeeper, CallContext } from '../../../shared/domain/model.ts';
import type { OpenSlotFinder } from '../../../shared/domain/open-slots.ts';
import type { UseCaseDeps } from '../../../shared/domain/use-cases/deps.ts';
import type * as z from '../../../shared/zod.ts';
import { keptLine, type ToolAnswer, ToolError } from '../tool-answer.ts';

export type ToolRunDeps = UseCaseDeps & {
  slots: OpenSlotFinder;
  onEnqueueFailure?: (error: unknown) => void;
};

/** A tool call whose arguments fit its tool: ready to run its use case. */
export interface ToolInvocation {
  run(call: CallContext, deps: ToolRunDeps, toolCallId: string): Promise<ToolAnswer>;
  /** See ToolDefinition.replaySafe. */
  replaySafe: boolean;
}

type Parameters = z.ZodMiniObject<Record<string, z.ZodMiniType>>;

export interface ToolDefinition<P extends Parameters> {
  /** The function name the model calls. */
  name: string;
  /** When and how to call it, for the model. */
  description: string;
  /** What a successful answer carries besides `ok` and `say`, for people (the README's tool table). */
  returns: string;
  /** What the assistant says while the tool runs (Vapi's request-start message), if anything. */
  waitingSay?: string;
  parameters: P;
  /** What the assistant should hear when an argument does not fit, by argument; `default` otherwise. */
  hints: Partial<Record<keyof z.output<P> & string, string>> & { default: string };
  /**
   * A replay of the tool call (same call, same toolCallId) may simply run again: a second run changes
   * nothing and answers alike, so no first answer needs storing (functions/vapi-tools/run-tool-calls.ts).
   */
  replaySafe?: boolean;
  run(args: z.output<P>, call: CallContext, deps: ToolRunDeps, toolCallId: string): Promise<ToolAnswer>;
}

/** A tool of the catalog. */
export interface Tool {
  name: string;
  description: string;
  returns: string;
  waitingSay?: string;
  parameters: Parameters;
  /** Reads raw arguments into an invocation, or the ToolError the assistant should hear. */
  prepare(args: unknown): ToolInvocation | ToolError;
}

export function defineTool<P extends Parameters>(definition: ToolDefinition<P>): Tool {
  const hints: Record<string, string | undefined> = definition.hints;
  return {
    name: definition.name,
    description: definition.description,
    returns: definition.returns,
    ...(definition.waitingSay === undefined ? {} : { waitingSay: definition.waitingSay }),
    parameters: definition.parameters,
    prepare(args) {
      const parsed = definition.parameters.safeParse(args);
      if (parsed.success) {
        return {
          run: (call, deps, toolCallId) => definition.run(parsed.data, call, deps, toolCallId),
          replaySafe: definition.replaySafe ?? false,
        };
      }
      const fields = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? '')))].filter(
        Boolean,
      );
      const hint = fields.map((field) => hints[field]).find(Boolean);
      return new ToolError('invalid_arguments', hint ?? definition.hints.default, { fields });
    },
  };
}

/** Keeps, for replays of tool call `toolCallId`, the line `render` makes of a use case's outcome. */
export function keeperOf<O>(toolCallId: string, render: (outcome: O) => ToolAnswer): AnswerKeeper<O> {
  return { toolCallId, answer: (outcome) => keptLine(render(outcome)) };
}
