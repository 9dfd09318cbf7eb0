import type { Language } from './types';

/**
 * The engine's own customer-facing sentences, Indonesian first. Knowledge-base answers are
 * written by editors; these cover what the engine says by itself (fallbacks, catalog templates).
 */
export const MESSAGES = {
  fallback: {
    id: 'Maaf Kak, saya belum paham maksudnya. Boleh ditulis dengan kata lain? Kalau mau bicara dengan CS kami, ketik "admin" ya.',
    en: 'Sorry, I did not quite get that. Could you put it another way? To talk to our staff, type "agent".',
  },
  empty: {
    id: 'Halo Kak, pesannya kosong nih. Ada yang bisa kami bantu?',
    en: 'Hi! Your message looks empty. How can we help?',
  },
  emojiOnly: {
    id: 'Hehe, terima kasih Kak 😊 Ada yang bisa kami bantu? Tulis pertanyaannya ya, misalnya "harga iPhone 15" atau "jam buka toko".',
    en: 'Thanks! 😊 How can we help? Type your question, for example "iPhone 15 price" or "store hours".',
  },
  otherScript: {
    id: 'Maaf Kak, saat ini kami hanya bisa melayani dalam Bahasa Indonesia atau English.',
    en: 'Sorry, we can only help in Indonesian or English for now.',
  },
  nonText: {
    id: 'Terima kasih Kak, tapi saat ini kami hanya bisa membaca pesan teks. Boleh diketik pertanyaannya?',
    en: 'Thank you, but we can only read text messages for now. Could you type your question?',
  },
  help: {
    id: 'Kakak bisa tanya ke {bot} soal:\n• harga dan stok produk (misalnya "harga iPhone 15 256gb")\n• jam buka dan alamat toko, atau kirim lokasi untuk cabang terdekat\n• pengiriman, pembayaran, retur dan garansi\n\nPerintah: /agent bicara dengan CS · /cancel batalkan · /bot kembali ke bot',
    en: 'You can ask {bot} about:\n• product prices and stock (e.g. "iPhone 15 256gb price")\n• store hours and addresses, or share your location for the nearest branch\n• shipping, payment, returns and warranty\n\nCommands: /agent talk to our staff · /cancel start over · /bot back to the bot',
  },
  longTruncated: {
    id: '(Pesan Kakak panjang sekali, jadi kami baca bagian awalnya saja.)',
    en: '(Your message is very long, so we read its beginning only.)',
  },
  error: {
    id: 'Maaf Kak, sedang ada gangguan di sistem kami. Silakan coba lagi sebentar lagi ya.',
    en: 'Sorry, something went wrong on our side. Please try again in a moment.',
  },
  clarify: { id: 'Maksud Kakak yang mana?', en: 'Which one do you mean?' },
  clarifyOne: { id: 'Apakah maksud Kakak tentang ini?', en: 'Did you mean this?' },
  askProduct: { id: 'Produk yang mana, Kak? Sebutkan nama produknya ya, misalnya "iPhone 15".', en: 'Which product do you mean? Please name it, e.g. "iPhone 15".' },
  pickProduct: { id: 'Ada beberapa produk yang cocok. Produk yang mana, Kak?', en: 'Several products fit. Which one do you mean?' },
  unknownProduct: {
    id: 'Maaf Kak, produk "{name}" belum ada di katalog kami.',
    en: 'Sorry, "{name}" is not in our catalogue.',
  },
  closestProducts: { id: 'Yang mirip: {list}.', en: 'Similar products: {list}.' },
  handoff: {
    id: 'Baik Kak, percakapan ini kami teruskan ke tim CS kami (tiket {ticket}). Mohon tunggu sebentar, CS kami akan membalas di sini pada jam kerja.',
    en: 'Sure, we are passing this conversation to our customer-service team (ticket {ticket}). Please wait a moment; an agent will reply here during working hours.',
  },
  handoffAfterFallbacks: {
    id: 'Sepertinya saya belum bisa membantu, Kak. Percakapan ini kami teruskan ke tim CS kami (tiket {ticket}) ya, mohon ditunggu.',
    en: 'It seems I cannot help with this. We are passing the conversation to our staff (ticket {ticket}); please wait.',
  },
  waitingForAgent: {
    id: 'Pesan Kakak sudah kami terima dan diteruskan ke CS (tiket {ticket}). Ketik "kembali ke bot" kalau ingin bertanya ke bot lagi.',
    en: 'We have passed your message to our staff (ticket {ticket}). Type "back to bot" to ask the bot again.',
  },
  backToBot: { id: 'Baik Kak, Anda kembali dilayani oleh bot. Ada yang bisa dibantu?', en: 'OK, you are back with the bot. How can I help?' },
  priceLine: { id: '{variant}: {price}', en: '{variant}: {price}' },
  priceHeader: { id: 'Harga {product}:', en: '{product} prices:' },
  priceOne: { id: 'Harga {product} {variant} {price}, Kak.', en: 'The {product} {variant} is {price}.' },
  stockHeader: { id: 'Stok {product}:', en: '{product} stock:' },
  stockAtStoreHeader: { id: 'Stok {product} di {store}:', en: '{product} stock at {store}:' },
  inStock: { id: 'tersedia', en: 'in stock' },
  lowStock: { id: 'stok tinggal {n}', en: 'only {n} left' },
  outOfStock: { id: 'habis', en: 'out of stock' },
  elsewhere: { id: 'tersedia di cabang lain ({stores})', en: 'available at other branches ({stores})' },
  outEverywhere: { id: 'sedang habis di semua cabang', en: 'out of stock at every branch' },
  hoursHeader: { id: 'Jam buka {store}:', en: '{store} opening hours:' },
  openNow: { id: 'Sekarang sedang buka.', en: 'Open now.' },
  closedNow: { id: 'Sekarang sedang tutup.', en: 'Closed now.' },
  closed: { id: 'tutup', en: 'closed' },
  locationLine: { id: '{store}: {address} (telp {phone}) — {map}', en: '{store}: {address} (phone {phone}) — {map}' },
  locationHeader: { id: 'Cabang kami:', en: 'Our branches:' },
  noBranch: { id: 'Maaf Kak, kami belum punya cabang di {city}.', en: 'Sorry, we have no branch in {city} yet.' },
  nearestHeader: { id: 'Cabang terdekat dari lokasi Kakak:', en: 'Nearest branches to you:' },
  distance: { id: '{km} km', en: '{km} km' },
  followUp: { id: 'Mungkin Kakak juga ingin tahu:', en: 'You might also want to know:' },
  askMore: { id: 'Mau tanya varian lain atau stok di cabang tertentu, Kak?', en: 'Would you like another variant, or stock at a branch?' },
} as const satisfies Record<string, Record<Language, string>>;

export type MessageKey = keyof typeof MESSAGES;

/** A message in the given language with `{name}` placeholders filled. */
export function say(key: MessageKey, lang: Language, values: Readonly<Record<string, string | number>> = {}): string {
  return fill(MESSAGES[key][lang], values);
}

/** Fills `{name}` placeholders; unknown names are left as written. */
export function fill(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in values ? String(values[name]) : m));
}
