import { hmacSha256Hex } from '../../src/server/secrets';

/** Posts one customer text to the bot's WhatsApp Cloud webhook, signed with `appSecret` as Meta does. */
export async function postWhatsApp(base: string, appSecret: string, from: string, text: string, id: string, name = 'Wati'): Promise<number> {
  const raw = JSON.stringify({
    entry: [{ changes: [{ value: { contacts: [{ wa_id: from, profile: { name } }], messages: [{ from, id, type: 'text', text: { body: text } }] } }] }],
  });
  const response = await fetch(`${base}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${hmacSha256Hex(appSecret, raw)}` },
    body: raw,
  });
  await response.text();
  return response.status;
}

/** Posts one customer text to the bot's Bot Framework endpoint (unauthenticated mode), replies going to `serviceUrl`. */
export async function postBotFramework(base: string, serviceUrl: string, conversation: string, text: string, id: string, name = 'Dewi'): Promise<number> {
  const activity = {
    type: 'message',
    id,
    channelId: 'webchat',
    serviceUrl,
    from: { id: 'web-user', name },
    recipient: { id: 'bot' },
    conversation: { id: conversation },
    text,
  };
  const response = await fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
  await response.text();
  return response.status;
}
