/**
 * One POST to a vendor API with a hard time budget and no retries: the failure modes every vendor shares
 * (network error, timeout, 429, 5xx) become VendorUnavailableError; other statuses are the caller's to read.
 */
import { VendorUnavailableError } from '../domain/errors.ts';

export interface VendorResponse {
  status: number;
  ok: boolean;
  text: string;
}

/** Sends the request; one signal bounds connect, headers and body together. */
export async function postToVendor(
  vendor: string,
  url: string,
  init: { headers: Record<string, string>; body: string; timeoutMs: number; fetch?: typeof fetch },
): Promise<VendorResponse> {
  let response: Response;
  let text: string;
  try {
    response = await (init.fetch ?? fetch)(url, {
      method: 'POST',
      headers: init.headers,
      body: init.body,
      signal: AbortSignal.timeout(init.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw new VendorUnavailableError(
      vendor,
      timedOut ? `${vendor} did not answer within ${init.timeoutMs} ms` : `${vendor} request failed`,
      { cause: error },
    );
  }
  if (response.status === 429 || response.status >= 500) {
    throw new VendorUnavailableError(vendor, `${vendor} answered ${response.status}`, {
      status: response.status,
    });
  }
  return { status: response.status, ok: response.ok, text };
}
