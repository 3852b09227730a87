/**
 * The Vapi resources provisioning manages, through Vapi's REST API: credentials (`/credential`, in Vapi's
 * docs though not in its OpenAPI spec), function tools (`/tool`), assistants (`/assistant`) and phone
 * numbers (`/phone-number`). Lists are GETs of the collection; updates are PATCHes of the id.
 */
import { type VendorApi, vendorApi } from './http.ts';

export interface VapiResource {
  id: string;
  [field: string]: unknown;
}

export type VapiCollection = 'credential' | 'tool' | 'assistant' | 'phone-number';

export interface VapiApi {
  list(collection: VapiCollection): Promise<VapiResource[]>;
  create(collection: VapiCollection, body: object): Promise<VapiResource>;
  update(collection: VapiCollection, id: string, body: object): Promise<VapiResource>;
}

export function vapiApi(baseUrl: string, apiKey: string): VapiApi {
  const api: VendorApi = vendorApi('Vapi', baseUrl, { authorization: `Bearer ${apiKey}` });
  return {
    async list(collection) {
      const page = await api.request<VapiResource[] | { results?: VapiResource[] }>(
        'GET',
        `/${collection}?limit=1000`,
      );
      return Array.isArray(page) ? page : (page.results ?? []);
    },
    create: (collection, body) => api.request<VapiResource>('POST', `/${collection}`, body),
    update: (collection, id, body) =>
      api.request<VapiResource>('PATCH', `/${collection}/${encodeURIComponent(id)}`, body),
  };
}
