import kataDasar = require('natural/lib/natural/stemmers/indonesian/data/kata-dasar.json');
import lexicon = require('./data/lexicon-id.json');
import { words as englishStopwords } from 'natural/lib/natural/util/stopwords';
import { words as indonesianStopwords } from 'natural/lib/natural/util/stopwords_id';

/** Indonesian root words (natural's stemmer dictionary) and function words of both languages. */
const DICTIONARY = new Set<string>([...(kataDasar as string[]), ...englishStopwords, ...indonesianStopwords]);

/** True for words that are real words as written, so typo correction must leave them alone. */
export function isDictionaryWord(word: string): boolean {
  return DICTIONARY.has(word);
}

/** Function words ("nih", "the") that say nothing about what a customer wants. */
export function isFunctionWord(word: string): boolean {
  return FUNCTION_WORDS.has(word);
}
const FUNCTION_WORDS = new Set([...englishStopwords, ...indonesianStopwords]);

/**
 * English customer-service words and their Indonesian counterparts, so an English question
 * finds an entry whose examples are mostly Indonesian (and the reverse). Each English word is
 * kept and its Indonesian counterpart added beside it, so English-only knowledge bases are
 * matched exactly as before plus one shared token.
 *
 * Hand-written: no maintained package maps shop and banking vocabulary across the two
 * languages; it covers general service words only, never a dataset's labels.
 */
export const ENGLISH_TO_INDONESIAN: Readonly<Record<string, string>> = {
  price: 'harga', prices: 'harga', cost: 'harga', costs: 'harga', much: 'berapa', cheap: 'murah', expensive: 'mahal',
  stock: 'stok', available: 'tersedia', availability: 'tersedia', ready: 'tersedia', restock: 'stok',
  store: 'toko', shop: 'toko', branch: 'cabang', branches: 'cabang', outlet: 'cabang', address: 'alamat', location: 'lokasi',
  open: 'buka', opening: 'buka', close: 'tutup', closing: 'tutup', closed: 'tutup', hours: 'jam', time: 'jam',
  today: 'hari', tomorrow: 'besok', day: 'hari', days: 'hari', week: 'minggu', month: 'bulan', sunday: 'minggu', holiday: 'libur',
  return: 'retur', returns: 'retur', exchange: 'tukar', swap: 'tukar', refund: 'refund', money: 'uang', back: 'kembali',
  warranty: 'garansi', guarantee: 'garansi', claim: 'klaim', repair: 'servis', broken: 'rusak', damaged: 'rusak',
  defective: 'rusak', cracked: 'retak', wrong: 'salah', missing: 'kurang', incomplete: 'lengkap',
  ship: 'kirim', shipping: 'kirim', shipped: 'kirim', send: 'kirim', sent: 'kirim', deliver: 'kirim', delivery: 'kirim',
  delivered: 'kirim', courier: 'kurir', arrive: 'sampai', arrived: 'sampai', arrival: 'sampai', fee: 'biaya', fees: 'biaya',
  free: 'gratis', long: 'lama', fast: 'cepat', track: 'lacak', tracking: 'lacak', package: 'paket', parcel: 'paket',
  order: 'pesan', orders: 'pesan', ordered: 'pesan', buy: 'beli', bought: 'beli', purchase: 'beli', cancel: 'batal',
  cancelled: 'batal', canceled: 'batal', cancellation: 'batal', change: 'ubah', pay: 'bayar', paid: 'bayar',
  payment: 'bayar', payments: 'bayar', installment: 'cicil', installments: 'cicil', instalment: 'cicil', credit: 'kredit',
  card: 'kartu', cash: 'tunai', transfer: 'transfer', bank: 'bank', account: 'akun', login: 'login', log: 'login',
  password: 'password', forgot: 'lupa', code: 'kode', verification: 'verifikasi', locked: 'kunci', register: 'daftar',
  signup: 'daftar', member: 'member', membership: 'member', points: 'poin', point: 'poin', discount: 'diskon',
  discounts: 'diskon', promo: 'promo', promotion: 'promo', voucher: 'voucher', coupon: 'voucher', sale: 'promo',
  invoice: 'invoice', receipt: 'nota', tax: 'pajak', recommend: 'rekomendasi', recommendation: 'rekomendasi',
  best: 'bagus', good: 'bagus', better: 'bagus', phone: 'hp', laptop: 'laptop', color: 'warna', colour: 'warna',
  black: 'hitam', white: 'putih', blue: 'biru', human: 'orang', person: 'orang', agent: 'admin', staff: 'admin',
  help: 'bantu', complaint: 'keluhan', complain: 'keluhan', disappointed: 'kecewa', thanks: 'terima', thank: 'terima',
  hello: 'halo', hi: 'halo', morning: 'pagi', genuine: 'original', original: 'original', fake: 'palsu', new: 'baru',
  used: 'bekas', charger: 'charger', box: 'dus', gift: 'kado', wrap: 'bungkus', how: 'bagaimana', when: 'kapan',
  where: 'mana', why: 'kenapa', what: 'apa', which: 'mana', can: 'bisa', still: 'masih', yet: 'belum', not: 'tidak',
};

/** Colour words customers use (item, black, ijo…) → one canonical colour per group. */
const COLOURS = new Map<string, string>();
for (const [canonical, words] of Object.entries(lexicon.colours)) for (const w of words as string[]) if (!w.includes(' ')) COLOURS.set(w, canonical);

/** The canonical colour of a word ("item" → "hitam", "black" → "hitam"), if it names one. */
export function canonicalColour(word: string): string | undefined {
  return COLOURS.get(word);
}
