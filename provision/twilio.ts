/** The Twilio number's voice webhooks, through Twilio's IncomingPhoneNumbers REST API (form-encoded, basic auth). */
import { ProvisionError, vendorApi } from './http.ts';

/** What we manage on the number: where calls and call status go. */
export interface NumberWebhooks {
  VoiceUrl: string;
  VoiceMethod: string;
  StatusCallback: string;
  StatusCallbackMethod: string;
}

export interface IncomingNumber extends NumberWebhooks {
  sid: string;
  phoneNumber: string;
}

interface IncomingNumberResource {
  sid: string;
  phone_number: string;
  voice_url: string | null;
  voice_method: string | null;
  status_callback: string | null;
  status_callback_method: string | null;
}

export function twilioNumbers(baseUrl: string, accountSid: string, authToken: string) {
  const basic = Buffer.from(`${accountSid}:${authToken}`).toString('base64');
  const api = vendorApi('Twilio', baseUrl, { authorization: `Basic ${basic}` }, { form: true });
  const collection = `/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/IncomingPhoneNumbers`;
  const toNumber = (resource: IncomingNumberResource): IncomingNumber => ({
    sid: resource.sid,
    phoneNumber: resource.phone_number,
    VoiceUrl: resource.voice_url ?? '',
    VoiceMethod: resource.voice_method ?? '',
    StatusCallback: resource.status_callback ?? '',
    StatusCallbackMethod: resource.status_callback_method ?? '',
  });
  return {
    /** The account's number `e164`; a number the account does not have stops provisioning. */
    async find(e164: string): Promise<IncomingNumber> {
      const page = await api.request<{ incoming_phone_numbers: IncomingNumberResource[] }>(
        'GET',
        `${collection}.json?PhoneNumber=${encodeURIComponent(e164)}`,
      );
      const [found] = page.incoming_phone_numbers;
      if (!found)
        throw new ProvisionError(
          `Twilio account ${accountSid} has no number ${e164}; check TWILIO_PHONE_NUMBER.`,
        );
      return toNumber(found);
    },
    async update(sid: string, webhooks: NumberWebhooks): Promise<IncomingNumber> {
      return toNumber(
        await api.request<IncomingNumberResource>(
          'POST',
          `${collection}/${encodeURIComponent(sid)}.json`,
          webhooks,
        ),
      );
    },
  };
}
