import { createHmac, randomBytes } from 'node:crypto';

/**
 * Personal data out of logs (UU 27/2022): one module for every log line. Customers paste
 * phone numbers, NIK, card numbers, CVVs, OTPs and bank accounts into chats; none of it may
 * reach a log file as typed.
 *
 * Written by hand because the formats are Indonesian (08…/+62…, landlines "(021) 5550-1234",
 * 16-digit NIK with separators, "no rek") and every pattern must run in linear time on
 * hostile input: no pattern here can backtrack over a long word, and log texts are cut to
 * `MAX_LOGGED_CHARS` before anything else.
 */

/** A log line carries at most this much of a customer's text. */
export const MAX_LOGGED_CHARS = 500;

/** Digits with at most a few separators between them: each repetition eats a digit, so it cannot backtrack. */
const DIGIT_RUN = /\+?\(?\d(?:[ \t.()/-]{0,3}\d)*/g;
/** Rupiah amounts as written ("12.999.000"), which are not personal data. */
const AMOUNT = /^\d{1,3}(?:\.\d{3})+$/;
/** A run with this many digits is a phone number, NIK, card or account number. */
const MIN_PERSONAL_DIGITS = 9;
/** A word that says the next value is a secret or an account (cvv 123, otp: 4821, no rek 1234567). */
const SECRET_CUE =
  /\b(cvv2?|cvc2?|csc|pin|otp|kode otp|kode verifikasi|kode keamanan|password|passwd|pwd|sandi|kata sandi|rek|rekening|norek|no\.? ?rek|account|acct|va|virtual account)\b([ \t:=#.-]{0,4}(?:no\.? ?)?)([^\s,;]{1,64})/gi;
/** Cues whose value is hidden whatever it looks like; the others only when it holds digits. */
const ALWAYS_SECRET = new Set(['password', 'passwd', 'pwd', 'sandi', 'kata sandi']);
const WORD = /\S+/g;

/** Masks personal data in a text for a log line (cut to `limit` characters first). */
export function maskPersonalData(text: string, limit = MAX_LOGGED_CHARS): string {
  const cut = text.length > limit ? `${text.slice(0, limit)}… (+${text.length - limit} chars)` : text;
  return maskDigits(maskSecrets(cut.replace(WORD, (word) => (word.includes('@') ? maskEmail(word) : word))));
}

/** "budi.s@gmail.com," → "b***@***,": the address part around the first "@" of a word. */
function maskEmail(word: string): string {
  const at = word.indexOf('@');
  let start = at;
  while (start > 0 && /[\w.+-]/.test(word[start - 1])) start--;
  let end = at + 1;
  while (end < word.length && /[\w.-]/.test(word[end])) end++;
  if (start === at || !word.slice(at + 1, end).includes('.')) return word;
  return `${word.slice(0, start)}${word[start]}***@***${word.slice(end)}`;
}

function maskSecrets(text: string): string {
  return text.replace(SECRET_CUE, (whole, cue: string, gap: string, value: string) =>
    ALWAYS_SECRET.has(cue.toLowerCase()) || /\d/.test(value) ? `${cue}${gap}***` : whole,
  );
}

/** Phone numbers, NIK, cards, accounts: all but the last digits hidden (cards keep 4, the rest 2). */
function maskDigits(text: string): string {
  return text.replace(DIGIT_RUN, (run) => {
    const digits = run.replace(/\D/g, '');
    if (digits.length < MIN_PERSONAL_DIGITS || (AMOUNT.test(run) && digits.length <= 13)) return run;
    const keep = digits.length >= 13 && digits.length <= 19 && luhn(digits) ? 4 : 2;
    return `***${digits.slice(-keep)}`;
  });
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Log fields that hold a customer's id ("whatsapp:628123…"): shown as a keyed hash instead. */
const ID_FIELDS = new Set(['conversation', 'conversationId', 'customer', 'customerId', 'user', 'userId', 'from', 'to', 'recipient', 'target', 'chat', 'chatId']);

/**
 * The key of the id hashes: TANYA_LOG_KEY when set (so ids match across restarts and
 * machines), otherwise random per process. Keyed, because a plain hash of a phone number is
 * found again by trying every number.
 */
const ID_KEY = process.env.TANYA_LOG_KEY ?? randomBytes(32).toString('hex');

/** "whatsapp:6281234567890" → "whatsapp:#3f9a1c2b": the channel stays readable, the person does not. */
export function maskId(id: string): string {
  const colon = id.indexOf(':');
  const prefix = colon > 0 && colon < 20 ? id.slice(0, colon + 1) : '';
  return `${prefix}#${createHmac('sha256', ID_KEY).update(id).digest('hex').slice(0, 10)}`;
}

/**
 * Every value of a log line, masked: strings through `maskPersonalData`, id fields through
 * `maskId`, errors as type/message/stack. Runs only for lines the level lets through.
 */
export function maskLogFields(fields: object): Record<string, unknown> {
  return maskFields(fields, 0);
}

function maskFields(fields: object, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = ID_FIELDS.has(key) && (typeof value === 'string' || typeof value === 'number') ? maskId(String(value)) : maskValue(value, depth);
  }
  return out;
}

function maskValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return maskPersonalData(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { type: value.name, message: maskPersonalData(value.message), ...(value.stack ? { stack: maskPersonalData(value.stack, 4000) } : {}) };
  }
  if (depth >= 4) return '[…]';
  if (Array.isArray(value)) return value.slice(0, 20).map((v) => maskValue(v, depth + 1));
  return maskFields(value, depth + 1);
}
