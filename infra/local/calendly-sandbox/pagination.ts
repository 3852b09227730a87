/** Keyset-style pagination as Calendly shapes it (Calendly's API v2 reference): `count`, `page_token`, `pagination`. */
import { invalidArgument } from './errors.ts';

/** Calendly's `pagination` object. */
export interface Pagination {
  count: number;
  next_page: string | null;
  previous_page: string | null;
  next_page_token: string | null;
  previous_page_token: string | null;
}

const DEFAULT_COUNT = 20;
const MAX_COUNT = 100;

// Tokens are opaque to clients; here they only carry an offset into the filtered, sorted list.
const encodeToken = (offset: number): string =>
  Buffer.from(JSON.stringify({ o: offset })).toString('base64url');

function decodeToken(token: string): number {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null && 'o' in value) {
      const offset = value.o;
      if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
    }
  } catch {
    // fall through to the 400 below
  }
  throw invalidArgument([{ parameter: 'page_token', message: 'is invalid' }]);
}

/** Reads `count` (1-100, default 20) or throws Calendly's 400. */
export function pageSize(query: URLSearchParams): number {
  const raw = query.get('count');
  if (raw === null) return DEFAULT_COUNT;
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT) {
    throw invalidArgument([{ parameter: 'count', message: `must be an integer between 1 and ${MAX_COUNT}` }]);
  }
  return count;
}

/** One page of `items` for the request at `url`, with next/previous links that repeat its query. */
export function paginate<T>(items: readonly T[], url: URL): { collection: T[]; pagination: Pagination } {
  const count = pageSize(url.searchParams);
  const token = url.searchParams.get('page_token');
  const offset = token === null ? 0 : decodeToken(token);
  const collection = items.slice(offset, offset + count);
  const nextToken = offset + count < items.length ? encodeToken(offset + count) : null;
  const previousToken = offset > 0 ? encodeToken(Math.max(0, offset - count)) : null;
  const link = (pageToken: string | null): string | null => {
    if (pageToken === null) return null;
    const next = new URL(url);
    next.searchParams.set('page_token', pageToken);
    return next.toString();
  };
  return {
    collection,
    pagination: {
      count: collection.length,
      next_page: link(nextToken),
      previous_page: link(previousToken),
      next_page_token: nextToken,
      previous_page_token: previousToken,
    },
  };
}
