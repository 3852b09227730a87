/**
 * Argument fields of the tools, each a zod schema whose whole rule is ONE regular expression without flags
 * (plus an enum or optionality), so the JSON Schema Vapi gets says exactly what the server checks: the
 * same pattern, no keyword Vapi lacks (it has no minLength or maxLength) and no flag JSON Schema cannot
 * carry (an `i` flag would come out as a lowercase-only pattern). Spaces around a value are allowed and
 * trimmed away, as a model sometimes pads them.
 */
import * as z from '../../../shared/zod.ts';

/** `core` with any whitespace around it; the rest must match `core` whole. */
function padded(core: string): RegExp {
  return new RegExp(`^\\s*(?:${core})\\s*$`);
}

/** Between `min` (at least 1) and `max` characters once trimmed, as one pattern. */
function lengthPattern(min: number, max: number): RegExp {
  if (min < 1 || max < min) throw new RangeError(`bad length ${min}..${max}`);
  // First and last non-space characters bound the trimmed text; the middle may hold anything.
  if (max === 1) return padded('\\S');
  const middle = `[\\s\\S]{${Math.max(0, min - 2)},${max - 2}}`;
  return padded(min === 1 ? `\\S(?:${middle}\\S)?` : `\\S${middle}\\S`);
}

/** Each field's rule in words, for people (the README's tool table); the pattern is the rule itself. */
const RULES = new WeakMap<z.ZodMiniType, string>();

/** The rule of a field in words; optional fields are looked up through their wrapper. */
export function ruleOf(field: z.ZodMiniType): string | undefined {
  const def = field._zod.def as { innerType?: z.ZodMiniType };
  return RULES.get(field) ?? (def.innerType ? ruleOf(def.innerType) : undefined);
}

function string(pattern: RegExp, description: string, rule: string) {
  const field = z.string().check(z.regex(pattern), z.trim(), z.describe(description));
  RULES.set(field, rule);
  return field;
}

/** Free text of `min`..`max` characters (trimmed). */
export function text(description: string, length: { min?: number; max: number }) {
  const min = length.min ?? 1;
  return string(lengthPattern(min, length.max), description, `${min} to ${length.max} characters`);
}

/** Text matching `core` whole (trimmed); write letters of both cases into `core` where case does not matter. */
export function matching(core: string, description: string) {
  return string(padded(core), description, `\`${core}\``);
}

/**
 * zod's own email rule, at most 254 characters (RFC 5321), trimmed. Read from an email schema's definition
 * (zod's introspection surface) rather than `z.regexes`, whose namespace would put all of zod's patterns
 * (6 KB) into the bundle.
 */
const ZOD_EMAIL = (z.email()._zod.def as { pattern: RegExp }).pattern;
const EMAIL_CORE = `(?=\\S{1,254}\\s*$)${ZOD_EMAIL.source.replace(/^\^|\$$/g, '')}`;

export function email(description: string) {
  return string(padded(EMAIL_CORE), description, "an email address (zod's rule), at most 254 characters");
}

/** One of `values`, exactly as written. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, description: string) {
  const field = z.enum(values).check(z.describe(description));
  RULES.set(field, values.map((value) => `\`${value}\``).join(', '));
  return field;
}

/** Not required; null counts as not given (a model sends null for an argument it has nothing for). */
export const optional = z.nullish;

/** The argument of the tools that act on a hold. */
export const holdId = text('The hold_id that hold_slot returned.', { min: 3, max: 40 });
