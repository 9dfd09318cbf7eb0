/**
 * How staff name a customer in `tanya forget` / `tanya export`: a platform user id (a WhatsApp
 * number, a Telegram user id) or a conversation id ("whatsapp:6281234567890"). A phone number may
 * be written as people write it ("+62 812-3456-7890", "0812 3456 7890"): the digits and the
 * international form (62…) are tried too.
 */
export function customerKeys(input: string): string[] {
  const id = input.trim();
  if (!id) return [];
  const keys = new Set([id]);
  if (/^\+?[\d\s().-]+$/.test(id)) {
    const digits = id.replace(/\D/g, '');
    if (digits) keys.add(digits);
    if (/^0\d{6,}$/.test(digits)) keys.add(`62${digits.slice(1)}`);
  }
  return [...keys];
}

/**
 * A customer id as the audit log keeps it: the channel and the last three characters
 * ("whatsapp:6281234567890" → "whatsapp:…890"), so the log can be matched with a request
 * without holding the number itself after the data is erased.
 */
export function maskedCustomer(id: string): string {
  const colon = id.lastIndexOf(':');
  const prefix = colon > 0 && colon < 30 ? id.slice(0, colon + 1) : '';
  const rest = id.slice(prefix.length);
  return `${prefix}…${rest.length > 6 ? rest.slice(-3) : ''}`;
}
