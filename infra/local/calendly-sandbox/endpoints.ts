/** Names of the API operations the sandbox serves; faults, latency and the request log are keyed by them. */
export const SANDBOX_ENDPOINTS = [
  'get_user',
  'list_event_types',
  'get_event_type',
  'available_times',
  'availability_schedules',
  'create_invitee',
  'list_scheduled_events',
  'get_scheduled_event',
  'list_event_invitees',
  'get_event_invitee',
  'cancel_event',
  'list_webhook_subscriptions',
  'create_webhook_subscription',
  'get_webhook_subscription',
  'delete_webhook_subscription',
] as const;

/** One API operation of the sandbox. */
export type SandboxEndpoint = (typeof SANDBOX_ENDPOINTS)[number];

/** An operation, or every operation at once. */
export type EndpointSelector = SandboxEndpoint | 'any';

/** The scope each operation needs ([OAS] per-endpoint "Required scopes"; reference §1.2), for a 403 fault. */
export const ENDPOINT_SCOPES: Readonly<Record<SandboxEndpoint, string>> = {
  get_user: 'users:read',
  list_event_types: 'event_types:read',
  get_event_type: 'event_types:read',
  available_times: 'availability:read',
  availability_schedules: 'availability:read',
  create_invitee: 'scheduled_events:write',
  list_scheduled_events: 'scheduled_events:read',
  get_scheduled_event: 'scheduled_events:read',
  list_event_invitees: 'scheduled_events:read',
  get_event_invitee: 'scheduled_events:read',
  cancel_event: 'scheduled_events:write',
  list_webhook_subscriptions: 'webhooks:read',
  create_webhook_subscription: 'webhooks:write',
  get_webhook_subscription: 'webhooks:read',
  delete_webhook_subscription: 'webhooks:write',
};
