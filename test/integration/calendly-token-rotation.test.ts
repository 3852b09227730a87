import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CalendlySandbox, startCalendlySandbox } from '../../infra/local/calendly-sandbox/server.ts';
import { createCalendly } from '../../shared/adapters/factories.ts';
import { VendorUnavailableError } from '../../shared/domain/errors.ts';

describe('createCalendly', () => {
  let sandbox: CalendlySandbox;

  beforeAll(async () => {
    sandbox = await startCalendlySandbox();
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  it('picks up a rotated token without a new container', async () => {
    let token = 'revoked-token';
    const calendly = createCalendly({
      get: async () => ({ CALENDLY_API_BASE_URL: sandbox.url, CALENDLY_API_TOKEN: token }),
    });
    await expect(calendly.getCurrentUser()).rejects.toBeInstanceOf(VendorUnavailableError);
    token = sandbox.token;
    expect((await calendly.getCurrentUser()).uri).toBe(sandbox.user.uri);
  });
});
