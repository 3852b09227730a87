/**
 * Stands in for `@aws-sdk/credential-provider-node` inside Lambda bundles (an esbuild alias in
 * infra/bundling.ts; tests and local runs use the real chain). Lambda hands every function its role's
 * credentials in environment variables, so the rest of the default chain - SSO, INI files, web identity,
 * container and instance metadata, console login - can never be used there, yet costs about 130 KB of a
 * 500 KB bundle budget.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

/** The SDK clients' default credential provider, reduced to what Lambda provides. */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
