import type { Language } from '../core/types';

/**
 * The engine's own customer-facing sentences, Indonesian first. Knowledge-base answers are
 * written by editors; these cover what the engine says by itself (fallbacks, catalog templates).
 */
export const MESSAGES = {
  fallback: {
    id: 'Maaf Kak, saya belum paham maksudnya. Boleh ditulis dengan kata lain? Kalau mau bicara dengan CS kami, ketik "admin" ya.',
    en: 'Sorry, I did not quite get that. Could you put it another way? To talk to our staff, type "agent".',
  },
  handoffWaiting: {
    id: 'Kakak sudah kami teruskan ke tim CS, mohon ditunggu sebentar ya 🙏',
    en: 'You are already in line for our staff; please bear with us a moment.',
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
  askProduct: {
    id: 'Produk yang mana, Kak? Sebutkan nama produknya ya, misalnya "iPhone 15".',
    en: 'Which product do you mean? Please name it, e.g. "iPhone 15".',
  },
  pickProduct: { id: 'Ada beberapa produk yang cocok. Produk yang mana, Kak?', en: 'Several products fit. Which one do you mean?' },
  unknownProduct: {
    id: 'Maaf Kak, produk "{name}" belum ada di katalog kami.',
    en: 'Sorry, "{name}" is not in our catalogue.',
  },
  closestProducts: { id: 'Yang mirip: {list}.', en: 'Similar products: {list}.' },
  handoff: {
    id: 'Baik Kak, percakapan ini kami teruskan ke tim CS kami.',
    en: 'Sure, we are passing this conversation to our customer-service team.',
  },
  handoffAfterFallbacks: {
    id: 'Sepertinya saya belum bisa membantu, Kak. Percakapan ini kami teruskan ke tim CS kami.',
    en: 'It seems I cannot help with this. We are passing the conversation to our staff.',
  },
  handoffComplaint: {
    id: 'Mohon maaf atas ketidaknyamanannya, Kak. Keluhan Kakak kami teruskan langsung ke tim CS kami.',
    en: 'We are sorry for the trouble. Your complaint goes straight to our customer-service team.',
  },
  handoffDataRequest: {
    id: 'Baik Kak, permintaan hapus data Kakak kami teruskan ke tim CS. Demi keamanan, CS kami akan memastikan dulu bahwa ini memang akun Kakak, lalu menghapus riwayat chat dan data Kakak di sistem kami dan mengabarkannya di chat ini.',
    en: 'Sure, we are passing your request to delete your data to our staff. For your security they will first make sure this is really your account, then delete your chat history and data from our system and tell you here.',
  },
  handoffEta: {
    id: 'Nomor tiket {ticket}, antrean ke-{position}. CS kami biasanya membalas dalam ±{minutes} menit, di chat ini. (Ketik "kembali ke bot" untuk bertanya ke bot lagi.)',
    en: 'Your ticket is {ticket}, number {position} in the queue. An agent usually replies within about {minutes} minutes, right here. (Type "back to bot" to ask the bot again.)',
  },
  handoffClosed: {
    id: 'Nomor tiket {ticket}. Saat ini di luar jam kerja CS; CS kami kembali {when} dan akan membalas di chat ini. Sementara itu Kakak tetap bisa bertanya ke bot soal harga, stok, atau jam buka.',
    en: 'Your ticket is {ticket}. Our agents are off duty now; they are back {when} and will reply in this chat. Meanwhile you can still ask the bot about prices, stock or opening hours.',
  },
  // {zone}: WIB, WITA or WIT (or a foreign zone's short name), from settings.timezone.
  whenToday: { id: 'hari ini pukul {time} {zone}', en: 'today at {time} {zone}' },
  whenTomorrow: { id: 'besok pukul {time} {zone}', en: 'tomorrow at {time} {zone}' },
  whenDay: { id: 'hari {day} pukul {time} {zone}', en: 'on {day} at {time} {zone}' },
  whenLater: { id: 'secepatnya', en: 'as soon as they can' },
  stillQueued: {
    id: 'Mohon maaf menunggu, Kak. Tiket {ticket} masih dalam antrean (posisi ke-{position}); CS kami akan membalas di chat ini secepatnya.',
    en: 'Sorry for the wait. Ticket {ticket} is still in the queue (position {position}); an agent will reply in this chat as soon as possible.',
  },
  agentJoined: {
    id: '{agent} dari tim CS sudah terhubung dan akan membantu Kakak.',
    en: '{agent} from our customer-service team has joined and will help you.',
  },
  resolved: {
    id: 'Percakapan dengan CS sudah selesai, Kak. Terima kasih! Sekarang Kakak kembali dilayani oleh bot.',
    en: 'Your conversation with our staff is closed. Thank you! You are back with the bot now.',
  },
  csatQuestion: {
    id: 'Seberapa puas Kakak dengan bantuan CS kami? Balas angka 1 (kecewa) sampai 5 (sangat puas).',
    en: 'How satisfied are you with our help? Reply with a number from 1 (unhappy) to 5 (very happy).',
  },
  flowCancelled: { id: 'Baik Kak, dibatalkan. Ada lagi yang bisa dibantu?', en: 'OK, cancelled. Anything else I can help with?' },
  flowChanged: {
    id: '(Formulir ini baru saja kami perbarui, jadi kita mulai lagi dari awal ya, Kak.)',
    en: '(We just updated this form, so let us start again from the top.)',
  },
  flowBack: { id: 'Kembali ke tadi:', en: 'Back to where we were:' },
  flowExpired: {
    id: '(Formulir sebelumnya kami tutup karena lama tidak ada balasan; silakan mulai lagi kalau masih perlu.)',
    en: '(We closed the earlier form after a long pause; start again if you still need it.)',
  },
  csatThanks: { id: 'Terima kasih atas penilaiannya, Kak! Ada lagi yang bisa dibantu?', en: 'Thank you for your rating! Anything else I can help with?' },
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
  numbersOnly: {
    id: 'Maaf Kak, angka itu untuk apa ya? Kalau nomor pesanan, ketik "cek pesanan" lalu kirim nomornya. Kalau mau tanya harga atau stok, tulis nama produknya, misalnya "harga iPhone 15 256GB".',
    en: 'Sorry, what is that number for? For an order, type "track my order" and then send the number. For a price or stock, type the product name, e.g. "iPhone 15 256GB price".',
  },
  noVariant: {
    id: '{product} tidak ada varian {asked}, Kak. Varian yang tersedia: {list}.',
    en: 'The {product} does not come in {asked}. It comes in: {list}.',
  },
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
