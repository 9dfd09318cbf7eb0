import { maskPersonalData } from '../../src/logging/mask';

const NBSP = '\u00a0';

/** Red-team findings: each must be masked, the words around it kept. */
const MASKED: ReadonlyArray<[string, string, string]> = [
  // Phones with dots, starting 0 or 62 (not Rupiah amounts)
  ['dotted mobile 08xx', 'wa 0812.3456.7890 ya', 'wa ***90 ya'],
  ['dotted mobile 62', 'wa 62.812.3456.7890 ya', 'wa ***90 ya'],
  ['dotted mobile +62', 'wa +62.812.3456.7890', 'wa ***90'],
  ['mobile in amount shape, 0', 'hp 081.234.567.890 ok', 'hp ***90 ok'],
  ['mobile in amount shape, 62', 'hp 62.812.345.678 ok', 'hp ***78 ok'],
  ['landline in amount shape', 'telp 021.555.012', 'telp ***12'],
  // Separators between digit groups
  ['phone with NBSP', `hp 0812${NBSP}3456${NBSP}7890 ya`, 'hp ***90 ya'],
  ['phone with en-dash', 'hp 0812–3456–7890 ya', 'hp ***90 ya'],
  ['phone with em-dash', 'hp 0812—3456—7890 ya', 'hp ***90 ya'],
  ['phone with underscore', 'hp 0812_3456_7890 ya', 'hp ***90 ya'],
  ['phone with comma', 'hp 0812,3456,7890 ya', 'hp ***90 ya'],
  ['card with en-dash', 'kartu 4111–1111–1111–1111', 'kartu ***1111'],
  ['card with NBSP', `kartu 4111${NBSP}1111${NBSP}1111${NBSP}1111`, 'kartu ***1111'],
  ['card with underscore', 'kartu 4111_1111_1111_1111', 'kartu ***1111'],
  ['card with comma', 'kartu 4111,1111,1111,1111', 'kartu ***1111'],
  ['NIK with em-dash', 'nik 3171—0123—4567—0001', 'nik ***01'],
  ['NIK with underscore', 'nik 3171_0123_4567_0001', 'nik ***01'],
  ['NIK with comma', 'nik 3171,0123,4567,0001', 'nik ***01'],
  ['account with en-dash', 'transfer ke 0012–01–000123–50–1 ya', 'transfer ke ***01 ya'],
  // Full-width forms (NFKC)
  ['full-width digits', 'hp ０８１２３４５６７８９０ ya', 'hp ***90 ya'],
  ['full-width at sign', 'email x＠y.com ya', 'email x***@*** ya'],
  // Secret codes introduced by words
  ['cvv-nya', 'cvv-nya 123', 'cvv-nya ***'],
  ['kode cvv saya', 'kode cvv saya 987', 'kode cvv saya ***'],
  ['OTP kamu', 'OTP kamu 482913', 'OTP kamu ***'],
  ['kode verifikasi adalah', 'kode verifikasi adalah 123456', 'kode verifikasi adalah ***'],
  ['kodenya', 'kodenya 5521', 'kodenya ***'],
  ['pin atm saya', 'pin atm saya 123456', 'pin atm saya ***'],
  ['password is', 'password is hunter2', 'password is ***'],
  ['pw:', 'pw: rahasia123', 'pw: ***'],
  ['passwordnya', 'passwordnya qwerty99', 'passwordnya ***'],
  ['sandi:', 'sandi: abc', 'sandi: ***'],
  ['kata sandi saya', 'kata sandi saya xyz', 'kata sandi saya ***'],
  ['otp split in groups', 'otp 482 913 jangan kasih', 'otp *** jangan kasih'],
  ['otp at the end of a sentence', 'OTP saya 482913.', 'OTP saya ***.'],
  ['full-width cue and code', 'ＯＴＰ ４８２９１３', 'OTP ***'],
  // Bank accounts after a bank name
  ['rekening BCA', 'rekening BCA 12345678', 'rekening BCA ***'],
  ['no rek mandiri', 'no rek mandiri 1234567890', 'no rek mandiri ***'],
  ['rek bri:', 'rek bri: 0012-01-000123-50-1', 'rek bri: ***'],
  ['account in groups', 'rekening bca 1234 5678 90 a.n. budi', 'rekening bca *** a.n. budi'],
  // Numbers next to prices, dates and times are still masked
  ['phone after a date', 'tgl 12-05-2026 hp 081234567890', 'tgl 12-05-2026 hp ***90'],
  ['phone glued to a time', 'jam 10.30 081234567890', 'jam 10.30 ***90'],
];

/** Not personal data: must come back exactly as written. */
const KEPT: ReadonlyArray<[string, string]> = [
  ['price with Rp', 'harga Rp 1.250.000 ya'],
  ['price without Rp', 'harganya 15.999.000 kak'],
  ['large prices', 'Rp12.999.000 atau Rp 1.299.000.000'],
  ['price that starts with 628', 'rumah Rp 628.000.000'],
  ['price with Rp that reads like a 62 mobile', 'Rp 62.812.345.678'],
  ['price with decimals', 'total Rp 1.250.000,00'],
  ['price with ,-', 'total Rp 1.250.000,- saja'],
  ['price with thousands commas', 'total IDR 1,299,000,000'],
  ['price range', 'kisaran 1.250.000-2.000.000 atau 1.250.000 - 2.000.000'],
  ['price then quantity', 'harga 15.999.000 2 unit'],
  ['order number', 'pesanan INV-12345 sudah dikirim'],
  ['time', 'buka jam 10.30 sampai 21:00'],
  ['date', 'dikirim 12-05-2026'],
  ['date and time', 'dikirim 12-05-2026 10.30 WIB'],
  ['ISO date and time', 'at 2026-05-12 10:30:00'],
  ['date with slashes and time', 'tgl 12/05/2026 14.00'],
  ['product name', 'iphone 15 pro 256'],
  ['product specs', 'ram 8/256 warna hitam'],
  ['card expiry', 'exp 12/28'],
  ['question about a password', 'lupa password gimana caranya?'],
  ['wrong password', 'password salah terus kak'],
  ['forgot kata sandi', 'kata sandi saya lupa'],
  ['password without a value', 'ganti password'],
  ['password rule', 'password minimal 8 karakter'],
  ['otp without a code', 'otp belum masuk dari tadi'],
  ['otp validity', 'otp berlaku 5 menit'],
  ['pin blocked', 'pin atm saya terblokir'],
  ['account question', 'rekening bca saya diblokir'],
  ['postal code', 'kode pos 12345'],
  ['promo code', 'kode promo HEMAT50'],
  ['slang word acc', 'udah di acc min'],
];

describe('maskPersonalData: red-team findings', () => {
  it.each(MASKED)('masks %s', (_name, input, expected) => {
    expect(maskPersonalData(input)).toBe(expected);
  });

  it.each(KEPT)('keeps %s', (_name, text) => {
    expect(maskPersonalData(text)).toBe(text);
  });

  it('masks every finding in one long line, keeping the words between', () => {
    const line = MASKED.map(([, input]) => input).join(' | ');
    const masked = maskPersonalData(line, 10_000);
    expect(masked).toBe(MASKED.map(([, , expected]) => expected).join(' | '));
  });

  it('marks a cut text after masking', () => {
    expect(maskPersonalData(`hp 081234567890 ${'x'.repeat(600)}`)).toMatch(/^hp \*\*\*90 x+… \(\+116 chars\)$/);
  });
});
