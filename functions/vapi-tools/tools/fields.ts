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

/** Between `min` (at least 1) and `max` characters once trimmed, as the core of one pattern. */
function lengthCore(min: number, max: number): string {
  if (min < 1 || max < min) throw new RangeError(`bad length ${min}..${max}`);
  // First and last non-space characters bound the trimmed text; the middle may hold anything.
  if (max === 1) return '\\S';
  const middle = `[\\s\\S]{${Math.max(0, min - 2)},${max - 2}}`;
  return min === 1 ? `\\S(?:${middle}\\S)?` : `\\S${middle}\\S`;
}

/** Each field's rule in words, for people (the README's tool table); the pattern is the rule itself. */
const RULES = new WeakMap<z.ZodMiniType, string>();

/** The rule of a field in words; optional fields are looked up through their wrapper. */
export function ruleOf(field: z.ZodMiniType): string | undefined {
  const def = field._zod.def as { innerType?: z.ZodMiniType };
  return RULES.get(field) ?? (def.innerType ? ruleOf(def.innerType) : undefined);
}

/** How a text field was built, so `optional` can build its blank-allowing twin. */
const TEXT_SPECS = new WeakMap<z.ZodMiniType, { core: string; description: string; rule: string }>();

function string(core: string, description: string, rule: string) {
  const field = z.string().check(z.regex(padded(core)), z.trim(), z.describe(description));
  RULES.set(field, rule);
  TEXT_SPECS.set(field, { core, description, rule });
  return field;
}

/** Free text of `min`..`max` characters (trimmed). */
export function text(description: string, length: { min?: number; max: number }) {
  const min = length.min ?? 1;
  return string(lengthCore(min, length.max), description, `${min} to ${length.max} characters`);
}

/** Text matching `core` whole (trimmed); write letters of both cases into `core` where case does not matter. */
export function matching(core: string, description: string) {
  return string(core, description, `\`${core}\``);
}

/**
 * zod's own email rule, at most 254 characters (RFC 5321), trimmed. Read from an email schema's definition
 * (zod's introspection surface) rather than `z.regexes`, whose namespace would put all of zod's patterns
 * (6 KB) into the bundle.
 */
const ZOD_EMAIL = (z.email()._zod.def as { pattern: RegExp }).pattern;
const EMAIL_CORE = `(?=\\S{1,254}\\s*$)${ZOD_EMAIL.source.replace(/^\^|\$$/g, '')}`;

export function email(description: string) {
  return string(EMAIL_CORE, description, "an email address (zod's rule), at most 254 characters");
}

/** One of `values`, exactly as written. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, description: string) {
  const field = z.enum(values).check(z.describe(description));
  RULES.set(field, values.map((value) => `\`${value}\``).join(', '));
  return field;
}

/**
 * Not required: left out, null, or (for text) blank all count as not given, as a model sends null or ""
 * for an argument it has nothing for; blank is written into the pattern, so the schema Vapi gets allows it too.
 */
export function optional<T extends z.ZodMiniType>(field: T) {
  const spec = TEXT_SPECS.get(field);
  if (!spec) return z.nullish(field);
  const blankOrText = string(`(?:${spec.core})?`, spec.description, `${spec.rule}, or blank`);
  return z.nullish(blankOrText as unknown as T);
}

/** A slot id check_availability issued, such as S3. */
export function slotId(description: string) {
  return matching('[sS]\\d{1,4}', description);
}

/** The argument of the tools that act on a hold. */
export const holdId = text('The hold_id that hold_slot returned.', { min: 3, max: 40 });

/** The argument of the tools that act on an appointment find_booking gave the call. */
export const bookingRef = matching(
  '[aA]\\d{1,4}',
  'The ref of the appointment, exactly as find_booking returned it, such as A1.',
);
