/** Query-string readers that fail the way Calendly does: 400 naming the parameter. */
import { invalidArgument } from './errors.ts';
import { parseInstant } from './time.ts';

/** A parameter that must be present and non-empty. */
export function required(query: URLSearchParams, name: string): string {
  const value = query.get(name);
  if (value === null || value === '') throw invalidArgument([{ parameter: name, message: 'is required' }]);
  return value;
}

/** An optional ISO-8601 instant, as epoch ms. */
export function optionalInstant(query: URLSearchParams, name: string): number | null {
  const value = query.get(name);
  if (value === null) return null;
  const ms = parseInstant(value);
  if (ms === null)
    throw invalidArgument([{ parameter: name, message: 'must be a valid ISO 8601 date-time' }]);
  return ms;
}

/** A required ISO-8601 instant, as epoch ms. */
export function requiredInstant(query: URLSearchParams, name: string): number {
  required(query, name);
  const ms = optionalInstant(query, name);
  if (ms === null) throw invalidArgument([{ parameter: name, message: 'is required' }]);
  return ms;
}

/** An optional parameter restricted to `allowed` values. */
export function optionalChoice<const T extends string>(
  query: URLSearchParams,
  name: string,
  allowed: readonly T[],
): T | null {
  const value = query.get(name);
  if (value === null) return null;
  const match = allowed.find((candidate) => candidate === value);
  if (match === undefined) {
    throw invalidArgument([{ parameter: name, message: `must be one of ${allowed.join(', ')}` }]);
  }
  return match;
}
