/**
 * The sandbox's calendar on disk (for `npm run dev`): scheduled events, invitees and webhook subscriptions,
 * so a restart finds the bookings of the last run. The seeded user and event types are not saved: their
 * ids are fixed, so they come back the same.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { InviteeRecord, ScheduledEventRecord, WebhookSubscriptionRecord } from './records.ts';
import type { SandboxStore } from './store.ts';

interface SavedState {
  /** The base URL the saved URIs were issued under. */
  url: string;
  events: ScheduledEventRecord[];
  invitees: InviteeRecord[];
  subscriptions: WebhookSubscriptionRecord[];
}

/** The saved calendar, or null when there is none yet; a file that cannot be read is an error. */
export function readSavedState(file: string): SavedState | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const saved = JSON.parse(text) as SavedState;
  if (typeof saved.url !== 'string' || !Array.isArray(saved.events) || !Array.isArray(saved.invitees)) {
    throw new Error(`${file} is not a saved sandbox calendar (delete it, or start with --fresh)`);
  }
  return { ...saved, subscriptions: saved.subscriptions ?? [] };
}

/** Loads a saved calendar into a fresh store, re-issuing its URIs under the store's base URL. */
export function restoreState(store: SandboxStore, saved: SavedState): void {
  const moved = JSON.parse(
    JSON.stringify(saved).replaceAll(`"${saved.url}/`, `"${store.baseUrl}/`),
  ) as SavedState;
  for (const event of moved.events) store.events.set(event.uuid, event);
  for (const invitee of moved.invitees) store.invitees.set(invitee.uuid, invitee);
  for (const subscription of moved.subscriptions) store.subscriptions.set(subscription.uuid, subscription);
}

/** Writes the calendar atomically (a crash mid-write leaves the previous file). */
export function saveState(store: SandboxStore, file: string): void {
  const state: SavedState = {
    url: store.baseUrl,
    events: [...store.events.values()],
    invitees: [...store.invitees.values()],
    subscriptions: [...store.subscriptions.values()],
  };
  writeFileSync(`${file}.tmp`, JSON.stringify(state));
  renameSync(`${file}.tmp`, file);
}

/** The port the saved URIs used, to listen there again when it is free. */
export function savedPort(saved: SavedState | null): number | undefined {
  if (!saved || !URL.canParse(saved.url)) return undefined;
  const port = Number(new URL(saved.url).port);
  return port > 0 ? port : undefined;
}
