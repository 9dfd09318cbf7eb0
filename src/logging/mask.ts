import { createHmac, randomBytes } from 'node:crypto';

/**
 * Personal data out of logs (UU 27/2022): one module for every log line. Customers paste
 * phone numbers, NIK, card numbers, CVVs, OTPs, passwords and bank accounts into chats; none
 * of it may reach a log file as typed.
 *
 * Written by hand because the formats are Indonesian (08…/+62…, landlines "(021) 5550-1234",
 * 16-digit NIK with separators, "no rek", "kodenya", "kata sandi saya …") and every pattern
 * must run in linear time on hostile input: each repetition is bounded or eats a digit, no
 * pattern can backtrack over a long word, and log texts are cut to `MAX_LOGGED_CHARS` before
 * anything else. The text is NFKC-normalised first, so full-width digits and "＠" and
 * no-break spaces are read (and logged) as their plain forms.
 */

/** A log line carries at most this much of a customer's text. */
export const MAX_LOGGED_CHARS = 500;

const WORD = /\S+/g;

/** Masks personal data in a text for a log line (cut to `limit` characters first, then NFKC-normalised). */
export function maskPersonalData(text: string, limit = MAX_LOGGED_CHARS): string {
  const cut = text.length > limit ? text.slice(0, limit) : text;
  const masked = maskDigits(maskSecrets(cut.normalize('NFKC').replace(WORD, (word) => (word.includes('@') ? maskEmail(word) : word))));
  return text.length > limit ? `${masked}… (+${text.length - limit} chars)` : masked;
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

// ---------------------------------------------------------------------------------------------
// Secrets introduced by a word: "cvv-nya 123", "OTP kamu 482913", "password is hunter2",
// "kata sandi saya xyz", "rekening BCA 12345678", "rek bri: 0012-01-000123-50-1".

/**
 * A word that says a secret or an account number follows, with an optional -nya/-ku/-mu
 * ("passwordnya", "cvv-nya"). Bare "kode" counts only as "kodenya" (kode pos, kode promo are not secrets).
 */
const SECRET_CUE =
  /\b(kata sandi|passw(?:or)?d|passcode|pwd|pw|sandi|kode (?:otp|verifikasi|keamanan|rahasia|akses|cvv|pin)|kode|verification code|security code|cvv2?|cvc2?|cvn|csc|m-?pin|pin|otp|(?:nomor|no\.?) ?rek(?:ening)?|norek|rekening|rek|virtual account|account|acct|va)(-?(?:nya|ku|mu))?\b/gi;
/** Cues whose value is hidden whatever it looks like; the others only when it holds digits. */
const PASSWORD_CUE = /^(?:kata sandi|passw(?:or)?d|passcode|pwd|pw|sandi)$/i;
/** What stands between a cue and the next word: "cvv 123", "CVC: 9876", "pin - 1234". */
const GAP = /[ \t:=#.\u2010-\u2015\u2212-]{1,4}/y;
/** One word after a cue (a word between it and its value, or the start of the value). */
const NEXT_WORD = /[^\s,;:=]{1,64}/y;
/** The value: a word, and further digit groups after it ("482 913", "1234 5678 90"). */
const VALUE = /(?:[^\s,;]|[,;](?=\S)|[ \t._\u2010-\u2015\u2212-]{1,3}(?=\d)){1,256}/y;
/** At most this many words between a cue and its value ("kata sandi akun saya adalah xyz"). */
const MAX_WORDS_BETWEEN = 4;
/** Values of number cues need this many digits ("otp berlaku 5 menit" is no OTP). */
const MIN_SECRET_DIGITS = 3;
/** Words that may stand between a password cue and the password (numbers cues take any word of letters). */
const PASSWORD_FILLERS = new Set(
  'saya aku gue gw kamu anda adalah ialah yaitu yakni is was my your the nya ku mu ini itu tersebut baru lama new old akun account login email wa whatsapp aplikasi app atm bank ya yg yang sih nih tuh'.split(
    ' ',
  ),
);
/** Words after a password cue that are not a password: "lupa password gimana", "password salah terus". */
const NOT_A_PASSWORD = new Set(
  (
    'lupa salah gimana bagaimana gmn cara caranya di ke dari untuk utk buat dan atau tidak tdk nggak ngga gak ga enggak engga bisa ' +
    'bisakah gabisa sudah udah belum blm apa apakah kenapa knp mengapa kok harus wajib minimal min maksimal max terlalu kurang ' +
    'reset ganti ubah diganti diubah hilang expired kadaluarsa kedaluwarsa berubah benar dong deh kah lagi terus mulu sama juga aja ' +
    'saja tolong mohon kak gan bang sis bro bos om agan admin cs pin otp email username user wrong incorrect forgot forget change ' +
    'changed for to of and or not a an in on with please help required field manager link'
  ).split(' '),
);

function maskSecrets(text: string): string {
  let out = '';
  let done = 0;
  SECRET_CUE.lastIndex = 0;
  for (let cue = SECRET_CUE.exec(text); cue; cue = SECRET_CUE.exec(text)) {
    if (cue[1].toLowerCase() === 'kode' && !cue[2]) continue;
    const secret = secretAfter(text, SECRET_CUE.lastIndex, PASSWORD_CUE.test(cue[1]));
    if (!secret) continue;
    out += `${text.slice(done, secret[0])}***`;
    done = SECRET_CUE.lastIndex = secret[1];
  }
  return out + text.slice(done);
}

/** Where the value after a cue ending at `from` lies, skipping a few words in between; none if it holds no secret. */
function secretAfter(text: string, from: number, password: boolean): [number, number] | undefined {
  let pos = from;
  for (let words = 0; words <= MAX_WORDS_BETWEEN; words++) {
    GAP.lastIndex = pos;
    const gap = GAP.exec(text)?.[0];
    if (!gap) return undefined;
    const start = pos + gap.length;
    NEXT_WORD.lastIndex = start;
    const word = NEXT_WORD.exec(text)?.[0];
    if (!word) return undefined;
    const lower = word.toLowerCase();
    if (password ? PASSWORD_FILLERS.has(lower) : /^[a-z]+\.?$/.test(lower)) {
      pos = start + word.length;
      continue;
    }
    VALUE.lastIndex = start;
    const value = VALUE.exec(text)?.[0] ?? word;
    if (password) {
      const explicit = /[:=]/.test(gap);
      const first = lower.replace(/[?!.]{1,8}$/, '');
      return explicit || (first.length >= 3 && !NOT_A_PASSWORD.has(first)) ? [start, start + value.length] : undefined;
    }
    let end = value.length;
    while (end > 0 && !/[\da-z]/i.test(value[end - 1])) end--; // "otp 482913." keeps its full stop
    const number = value.slice(0, end);
    return countDigits(number) >= MIN_SECRET_DIGITS && !TIME.test(number) ? [start, start + end] : undefined;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Numbers without a cue: phones, NIK, cards, accounts. Prices, dates and times stay readable.

/**
 * Digits with at most a few separators between them (spaces, dots, brackets, slashes,
 * underscores, dashes of any width; or one comma): each repetition eats a digit, so it cannot backtrack.
 */
const DIGIT_RUN = /\+?\(?\d(?:(?:[ \t\u00a0.()/_\u2010-\u2015\u2212-]{0,3}|,)\d)*/g;
/** A number with this many digits is a phone number, NIK, card or account number. */
const MIN_PERSONAL_DIGITS = 9;
/** Rupiah amounts as written ("12.999.000", "1.250.000,00", "1,299,000"), which are not personal data. */
const AMOUNT = /^\d{1,3}(?:(?:\.\d{3}){1,6}(?:,\d{1,2})?|(?:,\d{3}){1,6}(?:\.\d{1,2})?)$/;
/** A price range without spaces: "1.250.000-2.000.000". */
const RANGE_DASH = /[~\u2010-\u2015\u2212-]/;
/** "Rp 62.812.345.678" is a price even though it reads like a 62-812 mobile number. */
const PRICE_BEFORE = /(?:\brp|\bidr)\.? ?$/i;
/** An Indonesian mobile number in the 62 form (628xx…): 11 to 14 digits. Amounts never start with 0. */
const MOBILE_62 = /^628\d{8,11}$/;
const DATE = /^(?:(?:0?[1-9]|[12]\d|3[01])([-/.])(?:0?[1-9]|1[0-2])\1(?:19|20)\d\d|(?:19|20)\d\d([-/.])(?:0?[1-9]|1[0-2])\2(?:0?[1-9]|[12]\d|3[01]))$/;
const TIME = /^(?:[01]?\d|2[0-4])[.:][0-5]\d$/;
const PIECE = /\S+/g;

/** Phone numbers, NIK, cards, accounts: all but the last digits hidden (cards keep 4, the rest 2). */
function maskDigits(text: string): string {
  return text.replace(DIGIT_RUN, (run: string, offset: number) => maskRun(run, PRICE_BEFORE.test(text.slice(Math.max(0, offset - 6), offset))));
}

/**
 * A run is read as one number ("+62 812-3456-7890", "4111 1111 1111 1111"), except that
 * pieces between spaces which are prices, dates or times stand on their own: "12-05-2026 10.30"
 * and "15.999.000 2" are not glued into one long number.
 */
function maskRun(run: string, priced: boolean): string {
  let out = '';
  let done = 0;
  let start = -1;
  let end = -1;
  const flush = (): void => {
    if (start < 0) return;
    out += run.slice(done, start) + maskNumber(run.slice(start, end));
    done = end;
    start = -1;
  };
  PIECE.lastIndex = 0;
  for (let piece = PIECE.exec(run); piece; piece = PIECE.exec(run)) {
    if (isPriceDateOrTime(piece[0], priced && piece.index === 0)) {
      flush();
    } else {
      if (start < 0) start = piece.index;
      end = piece.index + piece[0].length;
    }
  }
  flush();
  return out + run.slice(done);
}

function isPriceDateOrTime(piece: string, priced: boolean): boolean {
  if (DATE.test(piece) || TIME.test(piece)) return true;
  const parts = piece.split(RANGE_DASH, 3);
  return (
    parts.length <= 2 &&
    parts.every((part) => {
      if (!AMOUNT.test(part)) return false;
      const digits = part.replace(/\D/g, '');
      return digits.length <= 13 && (priced || (!digits.startsWith('0') && !MOBILE_62.test(digits)));
    })
  );
}

function maskNumber(number: string): string {
  const digits = number.replace(/\D/g, '');
  if (digits.length < MIN_PERSONAL_DIGITS) return number;
  const keep = digits.length >= 13 && digits.length <= 19 && luhn(digits) ? 4 : 2;
  return `***${digits.slice(-keep)}`;
}

function countDigits(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) count++;
  return count;
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
const ID_FIELDS = new Set([
  'conversation',
  'conversationId',
  'customer',
  'customerId',
  'user',
  'userId',
  'from',
  'to',
  'recipient',
  'target',
  'chat',
  'chatId',
]);

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
