/** The widget's own words, Indonesian first. */
export const STRINGS = {
  id: {
    open: 'Buka chat',
    close: 'Tutup chat',
    placeholder: 'Tulis pesan…',
    send: 'Kirim',
    shareLocation: 'Bagikan lokasi',
    locationShared: 'Lokasi dibagikan',
    locationFailed: 'Lokasi tidak bisa dibaca. Izinkan akses lokasi atau tulis kota Kakak.',
    conversation: 'Percakapan',
    typing: 'sedang mengetik…',
    connecting: 'Menghubungkan…',
    offline: 'Koneksi terputus. Mencoba lagi…',
    refused: 'Chat ini belum diaktifkan untuk situs ini.',
    tooLong: 'Pesan terlalu panjang (maks. 2.000 karakter).',
    rateLimited: 'Terlalu banyak pesan. Tunggu sebentar ya, Kak.',
    notSent: 'Belum terkirim',
    agent: 'CS',
    newMessage: 'Pesan baru',
  },
  en: {
    open: 'Open chat',
    close: 'Close chat',
    placeholder: 'Write a message…',
    send: 'Send',
    shareLocation: 'Share location',
    locationShared: 'Location shared',
    locationFailed: 'Could not read your location. Allow location access or type your city.',
    conversation: 'Conversation',
    typing: 'typing…',
    connecting: 'Connecting…',
    offline: 'Connection lost. Retrying…',
    refused: 'This chat is not enabled for this site.',
    tooLong: 'Message too long (at most 2,000 characters).',
    rateLimited: 'Too many messages. Please wait a moment.',
    notSent: 'Not sent',
    agent: 'CS',
    newMessage: 'New message',
  },
} as const;

export type UiLanguage = keyof typeof STRINGS;
export type UiStrings = (typeof STRINGS)[UiLanguage];

/**
 * The widget's language: English when the browser prefers it and the knowledge base speaks it,
 * Indonesian when the browser prefers that, else the knowledge base's default.
 */
export function uiLanguage(browser: readonly string[], supported: readonly string[], fallback: UiLanguage): UiLanguage {
  for (const tag of browser) {
    const primary = tag.toLowerCase().split('-')[0];
    if (primary === 'en' && supported.includes('en')) return 'en';
    if (primary === 'id' || primary === 'ms') return 'id';
  }
  return fallback;
}
