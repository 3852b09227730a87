/**
 * A readable, timestamped timeline for the demo: who said what, which route or tool, what the backend
 * answered and how long it took. Entries are kept as data (the demo's test asserts on them) and printed as
 * they happen; colours are an output concern only and are off unless the caller asks for them.
 */

/** What a line of the timeline is. */
export type TimelineKind =
  | 'title'
  | 'section'
  | 'request'
  | 'response'
  | 'event'
  | 'detail'
  | 'check'
  | 'text';

/** One thing that happened, in the order it happened. */
export interface TimelineEntry {
  kind: TimelineKind;
  /** Milliseconds since the timeline started. */
  atMs: number;
  /** Who acted: "Caller A", "Twilio", "worker", ... (absent for titles, sections, details and text). */
  actor?: string;
  text: string;
  /** For responses: the round trip as the client saw it. */
  latencyMs?: number;
  /** For responses and checks: whether it is a success (failures are highlighted). */
  ok?: boolean;
  /** For responses: the request it answers. */
  requestId?: number;
}

export interface TimelineOptions {
  /** Receives each formatted line as it happens; default: lines are only recorded. */
  print?: (line: string) => void;
  /** ANSI colours in printed lines (never in recorded entries). */
  color?: boolean;
  /** Clock in milliseconds; default performance.now(). */
  now?: () => number;
}

export interface Timeline {
  readonly entries: readonly TimelineEntry[];
  /** Milliseconds since the timeline started. */
  elapsedMs(): number;
  title(text: string): void;
  section(text: string): void;
  /** Someone sends something; returns an id for the matching `response`. */
  request(actor: string, text: string): number;
  /** The backend's answer to `requestId`. */
  response(requestId: number, text: string, options: { latencyMs: number; ok?: boolean }): void;
  /** Something that happened on its own (a queue delivery, an SMS, the stack starting). */
  event(actor: string, text: string, ok?: boolean): void;
  /** A continuation line under the previous entry (slot lists, alternatives). */
  detail(text: string): void;
  /** A checked invariant. */
  check(ok: boolean, text: string): void;
  /** A plain line (summary tables). */
  text(text: string): void;
}

/** Colours only for a terminal that wants them (https://no-color.org, FORCE_COLOR). */
export function shouldUseColor(
  stream: { isTTY?: boolean } = process.stdout,
  env: Record<string, string | undefined> = process.env,
): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

const ANSI = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
  magenta: [35, 39],
} as const;
type Style = keyof typeof ANSI;

const TIME_WIDTH = 9;
const ACTOR_WIDTH = 9;
/** Where text starts on a line with time and actor: continuation lines align here. */
const BODY_INDENT = ' '.repeat(TIME_WIDTH + 1 + ACTOR_WIDTH + 2 + 4);

/** "+1.234s", right-aligned so the column stays straight past ten seconds. */
export function formatOffset(ms: number): string {
  return `+${(ms / 1000).toFixed(3)}s`.padStart(TIME_WIDTH);
}

/** Arguments the way a person reads them: `{when: "tomorrow afternoon"}`. */
export function formatArgs(args: Record<string, unknown>): string {
  const parts = Object.entries(args).map(([key, value]) => `${key}: ${JSON.stringify(value)}`);
  return `{${parts.join(', ')}}`;
}

/** A timeline that records every entry and, given `print`, prints each one as it is added. */
export function createTimeline(options: TimelineOptions = {}): Timeline {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const entries: TimelineEntry[] = [];
  const color = options.color === true;
  let nextRequestId = 1;
  // A response printed right under its own request reads as a pair; anything in between breaks the pair.
  let lastPrinted: TimelineEntry | undefined;
  // Requests still waiting for an answer: with several in flight, every answer names its requester.
  const outstanding = new Set<number>();

  const paint = (style: Style, text: string): string => {
    if (!color) return text;
    const [open, close] = ANSI[style];
    return `\u001b[${open}m${text}\u001b[${close}m`;
  };
  const actorStyle = (actor: string): Style =>
    actor.startsWith('Caller A') ? 'cyan' : actor.startsWith('Caller B') ? 'magenta' : 'dim';
  const head = (entry: TimelineEntry, arrow: string): string =>
    `${paint('dim', formatOffset(entry.atMs))} ${paint(actorStyle(entry.actor ?? ''), (entry.actor ?? '').padEnd(ACTOR_WIDTH))}  ${arrow}  `;

  const format = (entry: TimelineEntry): string => {
    switch (entry.kind) {
      case 'title':
        return paint('bold', entry.text);
      case 'section':
        return `\n${paint('bold', `-- ${entry.text} --`)}`;
      case 'request':
        return `${head(entry, '->')}${entry.text}`;
      case 'response': {
        const latency = paint('dim', `(${entry.latencyMs} ms)`);
        const body = `${paint(entry.ok === false ? 'yellow' : 'green', 'backend:')} ${entry.text} ${latency}`;
        const pairedWithRequest =
          outstanding.size === 0 &&
          lastPrinted?.kind === 'request' &&
          lastPrinted.requestId === entry.requestId;
        return pairedWithRequest ? `${BODY_INDENT}${body}` : `${head(entry, '<-')}${body}`;
      }
      case 'event':
        return `${head(entry, '  ')}${entry.ok === false ? paint('red', entry.text) : entry.text}`;
      case 'detail':
        return `${BODY_INDENT}${paint('dim', entry.text)}`;
      case 'check':
        return `  ${entry.ok ? paint('green', 'ok  ') : paint('red', 'FAIL')}  ${entry.text}`;
      case 'text':
        return entry.text;
    }
  };

  const add = (entry: Omit<TimelineEntry, 'atMs'>): TimelineEntry => {
    const full: TimelineEntry = { ...entry, atMs: Math.round((now() - started) * 10) / 10 };
    entries.push(full);
    if (options.print) {
      options.print(format(full));
      // Details belong to the entry above them and keep a request/response pair together.
      if (full.kind !== 'detail') lastPrinted = full;
    }
    return full;
  };

  return {
    entries,
    elapsedMs: () => now() - started,
    title: (text) => void add({ kind: 'title', text }),
    section: (text) => void add({ kind: 'section', text }),
    request(actor, text) {
      const requestId = nextRequestId++;
      add({ kind: 'request', actor, text, requestId });
      outstanding.add(requestId);
      return requestId;
    },
    response(requestId, text, { latencyMs, ok }) {
      const request = entries.find((entry) => entry.kind === 'request' && entry.requestId === requestId);
      outstanding.delete(requestId);
      add({
        kind: 'response',
        actor: request?.actor ?? 'backend',
        text,
        latencyMs: Math.round(latencyMs),
        requestId,
        ...(ok === undefined ? {} : { ok }),
      });
    },
    event: (actor, text, ok) => void add({ kind: 'event', actor, text, ...(ok === undefined ? {} : { ok }) }),
    detail: (text) => void add({ kind: 'detail', text }),
    check: (ok, text) => void add({ kind: 'check', text, ok }),
    text: (text) => void add({ kind: 'text', text }),
  };
}
