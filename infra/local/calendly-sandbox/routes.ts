/** The sandbox's API route table: method + path pattern -> endpoint name and handler. */
import {
  cancelEvent,
  createInvitee,
  getEventInvitee,
  getEventType,
  getScheduledEvent,
  getUser,
  listAvailableTimes,
  listEventInvitees,
  listEventTypeAvailabilitySchedules,
  listEventTypes,
  listScheduledEvents,
} from './calendar-api.ts';
import type { SandboxEndpoint } from './endpoints.ts';
import type { SandboxStore } from './store.ts';
import {
  createWebhookSubscription,
  deleteWebhookSubscription,
  getWebhookSubscription,
  listWebhookSubscriptions,
} from './webhook-api.ts';

/** What a handler gets: the store, the parsed request and the path's captured ids. */
export interface ApiContext {
  store: SandboxStore;
  url: URL;
  params: string[];
  /** Parsed JSON body, or undefined when the request had none. */
  body: unknown;
}

/** What a handler answers; `body` undefined means no content. */
export interface ApiResult {
  status: number;
  body?: unknown;
}

/** Handlers are synchronous on purpose: a request is decided without interleaving with another. */
export type ApiHandler = (context: ApiContext) => ApiResult;

interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: RegExp;
  endpoint: SandboxEndpoint;
  handle: ApiHandler;
}

const ID = '([^/]+)';
const path = (source: string): RegExp => new RegExp(`^${source.replaceAll('{id}', ID)}/?$`);

const ROUTES: Route[] = [
  { method: 'GET', pattern: path('/users/{id}'), endpoint: 'get_user', handle: getUser },
  { method: 'GET', pattern: path('/event_types'), endpoint: 'list_event_types', handle: listEventTypes },
  { method: 'GET', pattern: path('/event_types/{id}'), endpoint: 'get_event_type', handle: getEventType },
  {
    method: 'GET',
    pattern: path('/event_type_available_times'),
    endpoint: 'available_times',
    handle: listAvailableTimes,
  },
  {
    method: 'GET',
    pattern: path('/event_type_availability_schedules'),
    endpoint: 'availability_schedules',
    handle: listEventTypeAvailabilitySchedules,
  },
  { method: 'POST', pattern: path('/invitees'), endpoint: 'create_invitee', handle: createInvitee },
  {
    method: 'GET',
    pattern: path('/scheduled_events'),
    endpoint: 'list_scheduled_events',
    handle: listScheduledEvents,
  },
  {
    method: 'GET',
    pattern: path('/scheduled_events/{id}'),
    endpoint: 'get_scheduled_event',
    handle: getScheduledEvent,
  },
  {
    method: 'GET',
    pattern: path('/scheduled_events/{id}/invitees'),
    endpoint: 'list_event_invitees',
    handle: listEventInvitees,
  },
  {
    method: 'GET',
    pattern: path('/scheduled_events/{id}/invitees/{id}'),
    endpoint: 'get_event_invitee',
    handle: getEventInvitee,
  },
  {
    method: 'POST',
    pattern: path('/scheduled_events/{id}/cancellation'),
    endpoint: 'cancel_event',
    handle: cancelEvent,
  },
  {
    method: 'GET',
    pattern: path('/webhook_subscriptions'),
    endpoint: 'list_webhook_subscriptions',
    handle: listWebhookSubscriptions,
  },
  {
    method: 'POST',
    pattern: path('/webhook_subscriptions'),
    endpoint: 'create_webhook_subscription',
    handle: createWebhookSubscription,
  },
  {
    method: 'GET',
    pattern: path('/webhook_subscriptions/{id}'),
    endpoint: 'get_webhook_subscription',
    handle: getWebhookSubscription,
  },
  {
    method: 'DELETE',
    pattern: path('/webhook_subscriptions/{id}'),
    endpoint: 'delete_webhook_subscription',
    handle: deleteWebhookSubscription,
  },
];

/** The route serving `method` + `pathname`, with its captured ids; null for anything else (a 404). */
export function matchRoute(
  method: string,
  pathname: string,
): { endpoint: SandboxEndpoint; handle: ApiHandler; params: string[] } | null {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(pathname);
    if (match) {
      return { endpoint: route.endpoint, handle: route.handle, params: match.slice(1).map(safeDecode) };
    }
  }
  return null;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
