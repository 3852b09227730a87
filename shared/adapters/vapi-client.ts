/**
 * Vapi API client for the one call we make: `POST /call` in phone-call-provider-bypass mode, which returns
 * the TwiML that connects the Twilio call to the assistant. Plain fetch instead of @vapi-ai/server-sdk
 * (~0.5 s of module init, and its default of two retries could create duplicate calls).
 *
 * No retries, ever: a retried POST /call can start a second assistant session for the same caller. The
 * caller of this adapter has its own fallback (our TwiML), which is the right answer to any failure here.
 */
import { VendorRejectedError, VendorUnavailableError } from '../domain/errors.ts';
import type { CreateVapiCallInput, VapiPort } from '../domain/ports.ts';
import * as z from '../zod.ts';
import { callVendor } from './vendor-http.ts';

const VENDOR = 'vapi';

/** The slice of Vapi's Call object we rely on; everything else is tolerated and ignored. */
export const VapiCreateCallResponseSchema = z.looseObject({
  id: z.string().check(z.minLength(1)),
  phoneCallProviderDetails: z.looseObject({
    twiml: z.string().check(z.refine(looksLikeTwiml, 'must be a TwiML <Response> document')),
  }),
});
export type VapiCreateCallResponse = z.infer<typeof VapiCreateCallResponseSchema>;

/** True for a complete TwiML document: optional XML declaration, one <Response> root, properly closed. */
export function looksLikeTwiml(xml: string): boolean {
  const text = xml.trim();
  return /^(<\?xml[^>]*\?>\s*)?<Response(\s[^>]*)?(\/>|>[\s\S]*<\/Response>)$/.test(text);
}

export interface VapiClientOptions {
  apiKey: string;
  /** VAPI_API_BASE_URL, e.g. https://api.vapi.ai (a local fake in tests). */
  baseUrl: string;
  fetch?: typeof fetch;
}

/** Creates the VapiPort adapter. */
export function createVapiClient(options: VapiClientOptions): VapiPort {
  const endpoint = `${options.baseUrl.replace(/\/+$/, '')}/call`;
  return {
    async createCall(input: CreateVapiCallInput, { timeoutMs }) {
      const body = {
        assistantId: input.assistantId,
        phoneNumberId: input.phoneNumberId,
        phoneCallProviderBypassEnabled: true,
        // Vapi E.164-checks customer.number; an anonymous caller is sent without a customer at all.
        ...(input.callerNumber ? { customer: { number: input.callerNumber } } : {}),
        assistantOverrides: { variableValues: input.variableValues },
      };
      const response = await callVendor(VENDOR, 'POST /call', endpoint, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${options.apiKey}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body: JSON.stringify(body),
        timeoutMs,
        fetch: options.fetch,
      });
      if (!response.ok) {
        // Vapi's error bodies echo request fields (including the caller's number), so they are not kept.
        throw new VendorRejectedError(VENDOR, response.status, `vapi rejected the call (${response.status})`);
      }
      let json: unknown;
      try {
        json = JSON.parse(response.text);
      } catch (error) {
        throw new VendorUnavailableError(VENDOR, 'vapi answered with invalid JSON', {
          cause: error,
          status: response.status,
        });
      }
      const parsed = VapiCreateCallResponseSchema.safeParse(json);
      if (!parsed.success) {
        throw new VendorUnavailableError(VENDOR, 'vapi answered without usable TwiML', {
          cause: parsed.error,
          status: response.status,
        });
      }
      return { vapiCallId: parsed.data.id, twiml: parsed.data.phoneCallProviderDetails.twiml.trim() };
    },
  };
}
