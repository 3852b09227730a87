/**
 * Webhook delivery (Calendly's API v2 reference): invitee.created / invitee.canceled POSTed to every matching subscription,
 * signed `Calendly-Webhook-Signature: t=<unix s>,v1=<hex HMAC-SHA256(key, `${t}.${rawBody}`)>`.
 * Delivery is asynchronous and never fails the API call that caused it; outcomes are recorded instead.
 */
import { calendlySignatureHeader } from '../signers.ts';
import type { InviteeRecord, ScheduledEventRecord, WebhookSubscriptionRecord } from './records.ts';
import { inviteeResource, scheduledEventResource } from './resources.ts';
import type { InviteeEventName, SandboxStore } from './store.ts';
import { calendlyTime } from './time.ts';

/** Event names a subscription may ask for (Calendly's API v2 reference); only the invitee ones are ever sent here. */
export const WEBHOOK_EVENTS = [
  'invitee.created',
  'invitee.canceled',
  'invitee_no_show.created',
  'invitee_no_show.deleted',
  'event_type.created',
  'event_type.updated',
  'event_type.deleted',
  'routing_form_submission.created',
] as const;

/** The outcome of one delivery attempt (no bodies, no keys). */
export interface WebhookDelivery {
  subscriptionUri: string;
  event: InviteeEventName;
  callbackUrl: string;
  inviteeUri: string;
  /** HTTP status the receiver answered, or null when it could not be reached. */
  status: number | null;
  error: string | null;
  sentAt: string;
}

const DELIVERY_TIMEOUT_MS = 10_000;

/** Sends webhooks for store changes and remembers how each delivery went. */
export class WebhookDispatcher {
  private readonly log: WebhookDelivery[] = [];
  private readonly pending = new Set<Promise<void>>();
  private readonly stopped = new AbortController();

  constructor(
    private readonly store: SandboxStore,
    /** Used when a subscription was created without its own signing_key (an OAuth app's per-app key). */
    private readonly defaultSigningKey: string,
  ) {}

  dispatch(name: InviteeEventName, invitee: InviteeRecord, event: ScheduledEventRecord): void {
    if (this.stopped.signal.aborted) return;
    for (const subscription of this.store.subscriptions.values()) {
      if (!subscription.events.includes(name) || !this.inScope(subscription)) continue;
      // Rendered now, so the payload shows the state at the moment of the change.
      const body = JSON.stringify({
        event: name,
        created_at: calendlyTime(this.store.nowMs()),
        created_by: subscription.creator,
        payload: {
          ...inviteeResource(invitee, event),
          scheduled_event: scheduledEventResource(event, this.store.inviteesOf(event.uuid), this.store.user),
        },
      });
      const delivery = this.deliver(subscription, name, invitee.uri, body);
      this.pending.add(delivery);
      void delivery.finally(() => this.pending.delete(delivery));
    }
  }

  deliveries(): WebhookDelivery[] {
    return this.log.map((delivery) => ({ ...delivery }));
  }

  /** Cancels deliveries in flight (the sandbox is stopping); they are recorded as failed. */
  abort(): void {
    this.stopped.abort();
  }

  /** Resolves once every delivery started so far has finished. */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private inScope(subscription: WebhookSubscriptionRecord): boolean {
    if (subscription.scope === 'organization') return true;
    // The only host is the seeded user, so a user-scoped subscription sees everything of that user.
    return subscription.scope === 'user' && subscription.user === this.store.user.uri;
  }

  private async deliver(
    subscription: WebhookSubscriptionRecord,
    name: InviteeEventName,
    inviteeUri: string,
    body: string,
  ): Promise<void> {
    const signingKey = subscription.signingKey ?? this.defaultSigningKey;
    const sentAtMs = this.store.nowMs();
    const record: WebhookDelivery = {
      subscriptionUri: subscription.uri,
      event: name,
      callbackUrl: subscription.callbackUrl,
      inviteeUri,
      status: null,
      error: null,
      sentAt: calendlyTime(sentAtMs),
    };
    this.log.push(record);
    try {
      const response = await fetch(subscription.callbackUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'Calendly-Webhook (sandbox)',
          'calendly-webhook-signature': calendlySignatureHeader(
            signingKey,
            body,
            Math.floor(sentAtMs / 1000),
          ),
        },
        body,
        signal: AbortSignal.any([AbortSignal.timeout(DELIVERY_TIMEOUT_MS), this.stopped.signal]),
      });
      await response.arrayBuffer();
      record.status = response.status;
      if (!response.ok) record.error = `receiver answered ${response.status}`;
    } catch (error) {
      record.error = error instanceof Error ? `${error.name}: ${error.message}` : 'delivery failed';
    }
  }
}
