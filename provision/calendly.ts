/**
 * What provisioning reads and writes in Calendly: the token's user and organization, the active event types
 * and the webhook subscriptions (Calendly's API v2). Calendly has no update for a subscription: a changed
 * one is deleted and created again.
 */
import { vendorApi } from './http.ts';

export interface CalendlyUser {
  uri: string;
  name: string;
  organization: string;
}

export interface EventTypeSummary {
  uri: string;
  name: string;
  active: boolean;
}

export interface WebhookSubscription {
  uri: string;
  callback_url: string;
  events: string[];
  state: string;
  scope: string;
}

export function calendlyApi(baseUrl: string, token: string) {
  const api = vendorApi('Calendly', baseUrl, { authorization: `Bearer ${token}` });
  return {
    async me(): Promise<CalendlyUser> {
      const { resource } = await api.request<{
        resource: { uri: string; name: string; current_organization: string };
      }>('GET', '/users/me');
      return { uri: resource.uri, name: resource.name, organization: resource.current_organization };
    },
    async eventTypes(user: string): Promise<EventTypeSummary[]> {
      const page = await api.request<{ collection: EventTypeSummary[] }>(
        'GET',
        `/event_types?user=${encodeURIComponent(user)}&count=100`,
      );
      return page.collection;
    },
    async subscriptions(user: CalendlyUser): Promise<WebhookSubscription[]> {
      const query = new URLSearchParams({
        organization: user.organization,
        user: user.uri,
        scope: 'user',
        count: '100',
      });
      const page = await api.request<{ collection: WebhookSubscription[] }>(
        'GET',
        `/webhook_subscriptions?${query}`,
      );
      return page.collection;
    },
    async subscribe(user: CalendlyUser, url: string, events: readonly string[], signingKey: string) {
      const { resource } = await api.request<{ resource: WebhookSubscription }>(
        'POST',
        '/webhook_subscriptions',
        {
          url,
          events,
          organization: user.organization,
          user: user.uri,
          scope: 'user',
          signing_key: signingKey,
        },
      );
      return resource;
    },
    async unsubscribe(subscriptionUri: string): Promise<void> {
      const path = new URL(subscriptionUri).pathname;
      await api.request('DELETE', path);
    },
  };
}
