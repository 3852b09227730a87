/**
 * The Vapi function tools, generated from the tool catalog (functions/vapi-tools/tools/catalog.ts), so the
 * assistant and the server cannot disagree on a name, an argument or its rule. Vapi's `JsonSchema`
 * (its OpenAPI spec, `OpenAIFunctionParameters` and `JsonSchema`) knows type, items, properties,
 * description, pattern, format (a fixed list), required, enum and title, and no `null` type: zod's JSON
 * Schema is reduced to that, an optional argument is one left out of `required`, and any other keyword
 * stops the generation rather than reach Vapi or be dropped silently. Never imported by a function.
 */
import { TOOLS } from '../functions/vapi-tools/tools/catalog.ts';
import type { Tool } from '../functions/vapi-tools/tools/define.ts';
import * as z from '../shared/zod.ts';

/** A JSON Schema as Vapi takes it. */
export interface VapiJsonSchema {
  type: 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';
  description?: string;
  pattern?: string;
  format?: (typeof VAPI_FORMATS)[number];
  enum?: string[];
  items?: VapiJsonSchema;
  properties?: Record<string, VapiJsonSchema>;
  required?: string[];
  title?: string;
}

/** A function tool's definition, as Vapi's create and update tool requests carry it. */
export interface VapiFunctionTool {
  type: 'function';
  function: {
    name: string;
    description: string;
    parameters: { type: 'object'; properties: Record<string, VapiJsonSchema>; required: string[] };
  };
}

const VAPI_KEYWORDS = new Set([
  'type',
  'items',
  'properties',
  'description',
  'pattern',
  'format',
  'required',
  'enum',
  'title',
]);
const VAPI_FORMATS = [
  'date-time',
  'time',
  'date',
  'duration',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'uuid',
] as const;
/** What zod writes that says nothing Vapi needs: the dialect, and that unknown keys are refused (zod strips them). */
const DROPPED = new Set(['$schema', 'additionalProperties']);

type Json = Record<string, unknown>;

/** The one branch of `anyOf: [X, {type: 'null'}]`: optionality lives in `required`, and Vapi has no null. */
function withoutNull(schema: Json, path: string): Json {
  if (!Array.isArray(schema.anyOf)) return schema;
  const branches = (schema.anyOf as Json[]).filter((branch) => branch.type !== 'null');
  const [only] = branches;
  if (branches.length !== 1 || only === undefined) throw new Error(`${path}: a union Vapi cannot express`);
  const { anyOf: _union, ...rest } = schema;
  return { ...rest, ...only };
}

function toVapi(input: Json, path: string): VapiJsonSchema {
  const schema = withoutNull(input, path);
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DROPPED.has(key)) continue;
    if (!VAPI_KEYWORDS.has(key))
      throw new Error(`${path}: JSON Schema keyword "${key}" has no Vapi equivalent`);
    if (key === 'format' && !(VAPI_FORMATS as readonly unknown[]).includes(value)) {
      throw new Error(`${path}: Vapi has no format "${String(value)}"`);
    }
    if (key === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, Json>).map(([name, property]) => [
          name,
          toVapi(property, `${path}.${name}`),
        ]),
      );
    } else if (key === 'items') {
      out.items = toVapi(value as Json, `${path}[]`);
    } else {
      out[key] = value;
    }
  }
  return out as unknown as VapiJsonSchema;
}

/** The JSON Schema Vapi gets for a tool's arguments: what zod checks, in Vapi's words. */
export function parametersOf(tool: Tool): VapiFunctionTool['function']['parameters'] {
  const generated = z.toJSONSchema(tool.parameters, { io: 'input', unrepresentable: 'throw' }) as Json;
  const schema = toVapi(generated, tool.name);
  return { type: 'object', properties: schema.properties ?? {}, required: schema.required ?? [] };
}

export function vapiFunctionTool(tool: Tool): VapiFunctionTool {
  return {
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: parametersOf(tool) },
  };
}

/** Every tool of the catalog, as Vapi function tools. */
export function vapiFunctionTools(): VapiFunctionTool[] {
  return TOOLS.map(vapiFunctionTool);
}
