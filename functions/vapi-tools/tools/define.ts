/**
 * What a tool is: its name and the description the model reads, its argument schema (./fields.ts), what
 * the assistant should hear when arguments do not fit, and how it runs: a use case of shared/domain whose
 * typed outcome the tool puts into words.
 */
import type { CallContext } from '../../../shared/domain/model.ts';
import type { OpenSlotFinder } from '../../../shared/domain/open-slots.ts';
import type { UseCaseDeps } from '../../../shared/domain/use-cases/deps.ts';
import type * as z from '../../../shared/zod.ts';
import { type ToolAnswer, ToolError } from '../tool-answer.ts';

export type ToolRunDeps = UseCaseDeps & {
  slots: OpenSlotFinder;
  onEnqueueFailure?: (error: unknown) => void;
};

/** A tool call whose arguments fit its tool: ready to run its use case. */
export type ToolInvocation = (call: CallContext, deps: ToolRunDeps) => Promise<ToolAnswer>;

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
  run(args: z.output<P>, call: CallContext, deps: ToolRunDeps): Promise<ToolAnswer>;
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
      if (parsed.success) return (call, deps) => definition.run(parsed.data, call, deps);
      const fields = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? '')))].filter(
        Boolean,
      );
      const hint = fields.map((field) => hints[field]).find(Boolean);
      return new ToolError('invalid_arguments', hint ?? definition.hints.default, { fields });
    },
  };
}
