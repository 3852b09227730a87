/**
 * JSON over HTTP for the provisioning command, and the one error it stops with: a sentence that says
 * which vendor, what it answered and what to do. No retries: a re-run finishes what a failed run left.
 */

/** Provisioning stopped; `message` is the one sentence the operator reads. */
export class ProvisionError extends Error {
  override name = 'ProvisionError';
}

const TIMEOUT_MS = 15_000;

export interface VendorApi {
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
}

function messageOf(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 200);
  const record = (body ?? {}) as Record<string, unknown>;
  const message = record.message ?? record.title ?? record.error;
  return Array.isArray(message) ? message.join('; ') : String(message ?? '');
}

/**
 * A vendor's API at `baseUrl`, authenticated by `headers`. Bodies are JSON, or form-encoded when `form`
 * (Twilio). A 401 says the credentials were rejected, a 403 what was refused; an unreachable host says so
 * with its URL.
 */
export function vendorApi(
  vendor: string,
  baseUrl: string,
  headers: Record<string, string>,
  options: { form?: boolean } = {},
): VendorApi {
  const root = baseUrl.replace(/\/+$/, '');
  return {
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      const encoded =
        body === undefined
          ? undefined
          : options.form
            ? new URLSearchParams(body as Record<string, string>).toString()
            : JSON.stringify(body);
      let response: Response;
      try {
        response = await fetch(`${root}${path}`, {
          method,
          headers: {
            accept: 'application/json',
            ...(encoded === undefined
              ? {}
              : { 'content-type': options.form ? 'application/x-www-form-urlencoded' : 'application/json' }),
            ...headers,
          },
          body: encoded,
          redirect: 'error',
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
        throw new ProvisionError(`${vendor} is unreachable at ${root} (${cause}); nothing more was changed.`);
      }
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: keep the text for the message
      }
      const where = `${method} ${path.split('?')[0]}`;
      if (response.status === 401) {
        throw new ProvisionError(
          `${vendor} rejected the credentials (HTTP 401 to ${where}): ${messageOf(parsed)}`,
        );
      }
      if (response.status === 403) {
        throw new ProvisionError(
          `${vendor} refused ${where} (HTTP 403; a missing scope or plan): ${messageOf(parsed)}`,
        );
      }
      if (!response.ok) {
        throw new ProvisionError(
          `${vendor} answered HTTP ${response.status} to ${where}: ${messageOf(parsed)}`,
        );
      }
      return parsed as T;
    },
  };
}
