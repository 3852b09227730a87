/** Handlers for /webhook_subscriptions (Calendly's API v2 reference). */
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { alreadyExists, invalidArgument, invalidArgumentFrom, notFound, permissionDenied } from './errors.ts';
import { paginate } from './pagination.ts';
import { optionalChoice, required } from './query.ts';
import type { WebhookSubscriptionRecord } from './records.ts';
import { webhookSubscriptionResource } from './resources.ts';
import type { ApiContext, ApiResult } from './routes.ts';
import { WEBHOOK_EVENTS } from './webhooks.ts';

const SCOPES = ['organization', 'user', 'group'] as const;

const CreateSubscriptionSchema = z.looseObject({
  // Calendly requires HTTPS; plain http is accepted here because receivers run on this machine.
  url: z.url({ protocol: /^https?$/ }),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1),
  organization: z.string().min(1),
  scope: z.enum(SCOPES),
  user: z.string().min(1).optional(),
  group: z.string().min(1).optional(),
  signing_key: z.string().min(1).optional(),
});

/** GET /webhook_subscriptions?organization&scope(&user). */
export function listWebhookSubscriptions({ store, url }: ApiContext): ApiResult {
  const query = url.searchParams;
  const organization = required(query, 'organization');
  required(query, 'scope');
  const scope = optionalChoice(query, 'scope', SCOPES);
  const user = query.get('user');
  if (!store.isOwnOrganization(organization)) {
    throw permissionDenied('You do not have permission to access this resource.');
  }
  const items = [...store.subscriptions.values()]
    .filter((subscription) => subscription.scope === scope)
    .filter((subscription) => user === null || subscription.user === store.user.uri)
    .map(webhookSubscriptionResource);
  return { status: 200, body: paginate(items, url) };
}

/** POST /webhook_subscriptions; 409 when a subscription for the same URL exists. */
export function createWebhookSubscription({ store, body }: ApiContext): ApiResult {
  const parsed = CreateSubscriptionSchema.safeParse(body, { reportInput: true });
  if (!parsed.success) throw invalidArgumentFrom(parsed.error);
  const request = parsed.data;
  if (!store.isOwnOrganization(request.organization)) {
    throw permissionDenied('You do not have permission to access this resource.');
  }
  if (request.scope === 'user' && (request.user === undefined || !store.isOwnUser(request.user))) {
    throw invalidArgument([{ parameter: 'user', message: 'must be the current user for scope user' }]);
  }
  if (request.scope === 'group' && request.group === undefined) {
    throw invalidArgument([{ parameter: 'group', message: 'is required for scope group' }]);
  }
  if (request.scope !== 'organization' && request.events.includes('routing_form_submission.created')) {
    throw invalidArgument([
      { parameter: 'events', message: 'routing_form_submission.created needs scope organization' },
    ]);
  }
  const duplicate = [...store.subscriptions.values()].some(
    (subscription) => subscription.callbackUrl === request.url,
  );
  if (duplicate) throw alreadyExists('Hook with this url already exists');
  const uuid = randomUUID();
  const nowMs = store.nowMs();
  const subscription: WebhookSubscriptionRecord = {
    uuid,
    uri: `${store.baseUrl}/webhook_subscriptions/${uuid}`,
    callbackUrl: request.url,
    events: request.events,
    scope: request.scope,
    organization: store.user.organizationUri,
    user: request.scope === 'user' ? store.user.uri : null,
    group: request.group ?? null,
    creator: store.user.uri,
    signingKey: request.signing_key ?? null,
    createdAt: nowMs,
    updatedAt: nowMs,
  };
  store.subscriptions.set(uuid, subscription);
  return { status: 201, body: { resource: webhookSubscriptionResource(subscription) } };
}

/** GET /webhook_subscriptions/{uuid}. */
export function getWebhookSubscription({ store, params }: ApiContext): ApiResult {
  const subscription = params[0] === undefined ? undefined : store.subscriptions.get(params[0]);
  if (subscription === undefined) throw notFound();
  return { status: 200, body: { resource: webhookSubscriptionResource(subscription) } };
}

/** DELETE /webhook_subscriptions/{uuid}: 204, no body. */
export function deleteWebhookSubscription({ store, params }: ApiContext): ApiResult {
  if (params[0] === undefined || !store.subscriptions.delete(params[0])) throw notFound();
  return { status: 204 };
}
