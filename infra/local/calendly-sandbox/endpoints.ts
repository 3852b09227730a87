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
