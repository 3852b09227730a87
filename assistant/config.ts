/**
 * The small config a business writes to shape its assistant (`assistant.config.json` at the repository
 * root, versioned with the code): everything else in the assistant follows from the tool catalog and the
 * flow the server enforces. Every field but the business name has a default.
 */
import { readFileSync } from 'node:fs';
import * as z from '../shared/zod.ts';

export const DEFAULT_CONFIG_PATH = 'assistant.config.json';

export const AssistantConfigSchema = z.object({
  /** Spoken in the greeting and the goodbye, and written into the prompt. */
  businessName: z.string().check(z.trim(), z.minLength(1), z.maxLength(80)),
  /** The first thing a caller hears; `{businessName}` is replaced. */
  greeting: z._default(
    z.string().check(z.minLength(1), z.maxLength(400)),
    'Thanks for calling {businessName}, this is the virtual booking assistant. What day would suit you for an appointment?',
  ),
  /** The business's IANA time zone, so the prompt can say what today is; leave out to let the server decide alone. */
  timezone: z.optional(z.string().check(z.minLength(1))),
  /** Language of the call: the transcriber's and the voice's (BCP 47, e.g. en-US). */
  language: z._default(z.string().check(z.regex(/^[a-z]{2}(-[A-Z]{2})?$/)), 'en-US'),
  voice: z._default(
    z.object({ provider: z.string().check(z.minLength(1)), voiceId: z.string().check(z.minLength(1)) }),
    { provider: 'vapi', voiceId: 'Clara' },
  ),
  model: z._default(
    z.object({
      provider: z.string().check(z.minLength(1)),
      model: z.string().check(z.minLength(1)),
      temperature: z._default(z.number().check(z.gte(0), z.lte(2)), 0.2),
    }),
    { provider: 'openai', model: 'gpt-4.1', temperature: 0.2 },
  ),
  /** A call is ended after this long, whatever happens. */
  maxCallMinutes: z._default(z.number().check(z.int(), z.gte(1), z.lte(60)), 10),
  /** Seconds of caller silence before the assistant asks whether they are still there. */
  silencePromptSeconds: z._default(z.number().check(z.gte(2), z.lte(60)), 10),
  /** Seconds of caller silence after which the assistant says goodbye and hangs up. */
  silenceHangupSeconds: z._default(z.number().check(z.gte(10), z.lte(600)), 40),
});
export type AssistantConfig = z.output<typeof AssistantConfigSchema>;

/** Reads and checks the config; one sentence per problem, naming the field. */
export function readAssistantConfig(path: string = DEFAULT_CONFIG_PATH): AssistantConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`);
  }
  return parseAssistantConfig(raw, path);
}

export function parseAssistantConfig(raw: unknown, source = 'the assistant config'): AssistantConfig {
  const parsed = AssistantConfigSchema.safeParse(raw);
  if (parsed.success) {
    if (parsed.data.silenceHangupSeconds <= parsed.data.silencePromptSeconds) {
      throw new Error(`${source}: silenceHangupSeconds must be longer than silencePromptSeconds`);
    }
    return parsed.data;
  }
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
  );
  throw new Error(`${source} is not valid: ${problems.join('; ')}`);
}
