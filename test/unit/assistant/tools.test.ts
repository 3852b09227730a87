/**
 * The Vapi tool definitions say what the server checks, both ways: every generated argument schema accepts
 * exactly the arguments the tool's zod schema accepts. Checked with Ajv (a JSON Schema validator) on
 * chosen edge cases and on generated ones. One difference is by design and normalised here: the server
 * takes `null` for an optional argument as "not given", and Vapi's JSON Schema has no null type, so a
 * null optional is compared as a missing one.
 */
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parametersOf, vapiFunctionTools } from '../../../assistant/tools.ts';
import { TOOLS } from '../../../functions/vapi-tools/tools/catalog.ts';
import type { Tool } from '../../../functions/vapi-tools/tools/define.ts';
import { conformanceProblems, TOOL_NESTING } from '../../fixtures/vapi-spec/conformance.ts';

// Patterns are run the way the server runs its regexes: JavaScript, without the `u` flag.
const ajv = new Ajv({ strict: true, unicodeRegExp: false });

function byName(name: string): Tool {
  const tool = TOOLS.find((candidate) => candidate.name === name);
  if (!tool) throw new Error(`no tool ${name}`);
  return tool;
}

function agreement(tool: Tool) {
  const parameters = parametersOf(tool);
  const validate = ajv.compile(parameters);
  const required = new Set(parameters.required);
  return (args: Record<string, unknown>) => {
    const server = tool.parameters.safeParse(args).success;
    const withoutNullOptionals = Object.fromEntries(
      Object.entries(args).filter(([key, value]) => !(value === null && !required.has(key))),
    );
    return { server, schema: validate(withoutNullOptionals) };
  };
}

const VALID = {
  check_availability: {
    date: '2026-12-01',
    when: 'tomorrow at 3',
    time: '15:00',
    part_of_day: 'afternoon',
    service: 'cleaning',
  },
  hold_slot: { slot_id: 'S3', name: 'Ada Lovelace', email: 'ada@example.com' },
  confirm_booking: { hold_id: 'H-7K2P9QXM' },
  release_hold: { hold_id: 'H-7K2P9QXM' },
  find_booking: { email: 'ada@example.com', name: 'Ada Lovelace' },
  cancel_booking: { booking_ref: 'A1' },
  reschedule_booking: { booking_ref: 'A1', slot_id: 'S3' },
  transfer_to_human: { reason: 'a question about my bill' },
} as const;

/** Values worth trying for any argument: edges of each rule, wrong types, padding, case, lengths. */
const EDGE_VALUES: unknown[] = [
  '',
  ' ',
  'a',
  'ab',
  'abc',
  ' abc ',
  '\tabc\n',
  'a'.repeat(40),
  'a'.repeat(41),
  'a'.repeat(100),
  'a'.repeat(101),
  ` ${'a'.repeat(100)} `,
  'a'.repeat(200),
  'a'.repeat(201),
  'S3',
  's3',
  ' S3 ',
  'S',
  'S12345',
  'X3',
  'S3 S4',
  '2026-12-01',
  ' 2026-12-01 ',
  '2026-12-1',
  '2026-02-30',
  '15:00',
  '9:30',
  '24:00',
  '3pm',
  '15:60',
  'morning',
  'Morning',
  'any',
  'ada@example.com',
  ' ADA@Example.COM ',
  'ada@example',
  'ada@@example.com',
  `${'a'.repeat(243)}@example.com`,
  `${'a'.repeat(242)}@example.com`,
  'H-7K2P9QXM',
  3,
  0,
  true,
  null,
  [],
  {},
  ['S3'],
];

describe('the generated Vapi function tools', () => {
  it('cover every tool of the catalog, with its name and description', () => {
    expect(vapiFunctionTools().map((tool) => tool.function.name)).toEqual(TOOLS.map((tool) => tool.name));
    for (const tool of vapiFunctionTools()) expect(tool.function.description.length).toBeGreaterThan(40);
  });

  it("use only what Vapi's JsonSchema has (its OpenAPI shapes, not the generator's list), and describe every argument", () => {
    for (const tool of vapiFunctionTools()) {
      expect(conformanceProblems(tool.function, 'OpenAIFunction', TOOL_NESTING, 'function.')).toEqual([]);
      for (const [name, property] of Object.entries(tool.function.parameters.properties)) {
        expect(property.description, `${tool.function.name}.${name}`).toBeTruthy();
      }
    }
  });

  it('say the slot id is case-insensitive, as the server takes it', () => {
    const validate = ajv.compile(parametersOf(byName('hold_slot')));
    expect(validate({ ...VALID.hold_slot, slot_id: 's3' })).toBe(true);
    expect(validate({ ...VALID.hold_slot, slot_id: 'S3' })).toBe(true);
    expect(validate({ ...VALID.hold_slot, slot_id: 'x3' })).toBe(false);
  });

  it('take blank optional text as not given, on both sides (models send "" for nothing)', () => {
    const args = { date: '', when: 'tomorrow', time: ' ', service: '' };
    expect(byName('check_availability').parameters.safeParse(args).success).toBe(true);
    expect(ajv.compile(parametersOf(byName('check_availability')))(args)).toBe(true);
    expect(byName('hold_slot').parameters.safeParse({ ...VALID.hold_slot, name: '' }).success).toBe(false);
  });

  it('list part_of_day values and required arguments', () => {
    const check = parametersOf(byName('check_availability'));
    expect(check.properties.part_of_day?.enum).toEqual(['morning', 'afternoon', 'evening', 'any']);
    expect(check.required).toEqual([]);
    expect(parametersOf(byName('hold_slot')).required).toEqual(['slot_id', 'name', 'email']);
  });

  describe.each(TOOLS.map((tool) => [tool.name, tool] as const))('%s', (name, tool) => {
    const agree = agreement(tool);
    const valid: Record<string, unknown> = VALID[name as keyof typeof VALID];
    const keys = Object.keys(parametersOf(tool).properties);

    it('accepts a valid call on both sides', () => {
      expect(agree(valid)).toEqual({ server: true, schema: true });
    });

    it('agrees with the server on every edge value of every argument, and on missing ones', () => {
      for (const key of keys) {
        for (const value of EDGE_VALUES) {
          const verdict = agree({ ...valid, [key]: value });
          expect(verdict.schema, `${key}=${JSON.stringify(value)}`).toBe(verdict.server);
        }
        const { [key]: _left, ...without } = valid;
        const verdict = agree(without);
        expect(verdict.schema, `without ${key}`).toBe(verdict.server);
      }
    });

    it('agrees with the server on generated arguments', () => {
      const text = fc.oneof(
        fc.string({ maxLength: 260 }),
        fc.string({
          unit: fc.constantFrom(' ', '\t', 'a', 'S', 's', '3', '@', '.', '-', ':', '1', '5'),
          maxLength: 30,
        }),
        fc.string({ unit: 'grapheme', maxLength: 210 }),
        fc.constantFrom(...EDGE_VALUES),
      );
      const value = fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null));
      const args = fc.record(Object.fromEntries(keys.map((key) => [key, value])), { requiredKeys: [] });
      const mixed = args.map((generated) => ({ ...valid, ...generated }));
      fc.assert(
        fc.property(fc.oneof(args, mixed), (candidate) => {
          const verdict = agree(candidate as Record<string, unknown>);
          return verdict.schema === verdict.server;
        }),
        { numRuns: 2_000 },
      );
    });
  });
});
