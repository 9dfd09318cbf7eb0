import { isBrandWord, isDictionaryWord, isIndonesianRoot } from './lexicon';
import { DEFAULT_SLANG, DEFAULT_SYNONYMS } from './slang';
import { stemWord } from './stem';

/**
 * Text normalization for informal Indonesian and English chat.
 *
 * Hand-written: Unicode folding, emoji and repeated-letter handling, Indonesian number words
 * ("1,5jt") and chat slang have no maintained library; stemming is done later with `natural`.
 */

/** Longer "words" (a pasted blob, a base64 string) are cut to this many characters. */
export const MAX_WORD_CHARS = 40;

/** A message is read up to this many words (no customer question is longer; a pasted log is). */
export const MAX_WORDS = 250;

/** One normalized token. `num` tokens carry a numeric value, `storage` tokens a size like "256gb". */
export interface Token {
  readonly text: string;
  readonly kind: 'word' | 'num' | 'money' | 'storage' | 'ramstorage' | 'ram';
}

export interface NormalizerOptions {
  readonly slang: Readonly<Record<string, string>>;
  readonly synonyms: Readonly<Record<string, readonly string[]>>;
}

/** A compiled normalizer: slang and synonym tables prepared once per knowledge base. */
export class Normalizer {
  private readonly slang: Map<string, string>;
  /** Multi-word synonyms by their first word, longest first: [words, replacement words]. */
  private readonly phrases = new Map<string, { readonly words: readonly string[]; readonly replacement: readonly string[] }[]>();

  constructor(options: Partial<NormalizerOptions> = {}) {
    this.slang = new Map(Object.entries({ ...DEFAULT_SLANG, ...(options.slang ?? {}) }));
    const synonyms: Record<string, readonly string[]> = { ...DEFAULT_SYNONYMS };
    for (const [canonical, variants] of Object.entries(options.synonyms ?? {})) {
      synonyms[canonical] = [...(synonyms[canonical] ?? []), ...variants];
    }
    for (const [canonical, variants] of Object.entries(synonyms)) {
      for (const variant of variants) {
        const words = splitWords(foldText(variant));
        const replacement = splitWords(foldText(canonical));
        if (words.length > 1) {
          const list = this.phrases.get(words[0]) ?? [];
          list.push({ words, replacement });
          list.sort((a, b) => b.words.length - a.words.length);
          this.phrases.set(words[0], list);
        } else if (words.length === 1 && !this.slang.has(words[0])) this.slang.set(words[0], replacement.join(' '));
      }
    }
    // A chat form of a word that is itself a chat form or synonym reads as the last one:
    // "adminnya" → "admin" → "customer service", "bgt" → "banget" → "sangat", "dmn" → "dimana" → "di mana".
    for (const [word, standard] of this.slang) {
      let final = standard;
      for (let hop = 0; hop < 3; hop++) {
        const next = this.slang.get(final);
        if (next === undefined || next === final || next === word || final.includes(' ')) break;
        final = next;
      }
      if (final !== standard) this.slang.set(word, final);
    }
  }

  /** Normalizes a message into tokens. Never throws; returns [] for text with no words. */
  tokens(text: string): Token[] {
    let folded = foldText(text);
    if (/['’‘`ʼ′]/.test(folded)) folded = withoutApostrophes(folded);
    if (/\d/.test(folded)) folded = canonicalNumbers(folded);
    const parts: string[] = [];
    // Separators kept (odd places): a comma or a sentence's end is a boundary no phrase spans
    // ("mas, paket saya" is no courier).
    const pieces = folded.split(/([^\p{L}\p{N}/#]+)/u);
    for (let p = 0; p < pieces.length; p++) {
      const piece = pieces[p];
      if (p % 2 === 1) {
        if (parts.length > 0 && parts[parts.length - 1] !== BOUNDARY && /[,;!?]|\.(?:\s|$)/.test(piece)) parts.push(BOUNDARY);
        continue;
      }
      // A question is read up to MAX_WORDS words: the per-message work cap.
      if (parts.length >= MAX_WORDS) break;
      if (!piece) continue;
      // No word is this long; cut, so stemming and typo search stay cheap on a pasted blob.
      const raw = piece.length > MAX_WORD_CHARS ? piece.slice(0, MAX_WORD_CHARS) : piece;
      if (/^\d+\/\d+$/.test(raw)) parts.push(raw);
      else for (const part of raw.split('/')) if (part) parts.push(part);
    }
    // Synonym phrases twice, so a phrase made of another's result is found too ("bayar ke abang
    // paketnya" → "bayar ke kurir" → cod).
    const words = this.withPhrases(this.withPhrases(parts));
    const out: Token[] = [];
    for (let i = 0; i < words.length;) {
      // Ordinals as digits ("putaran ke 5", "ke-5", "ke5") read as the word ("kelima").
      const ordinal =
        words[i] === 'ke' && i + 1 < words.length
          ? ORDINALS[Number(words[i + 1])]
          : /^ke\d{1,2}$/.test(words[i])
            ? ORDINALS[Number(words[i].slice(2))]
            : undefined;
      if (ordinal !== undefined && (words[i] !== 'ke' || /^\d{1,2}$/.test(words[i + 1]))) {
        out.push({ text: ordinal, kind: 'word' });
        i += words[i] === 'ke' ? 2 : 1;
        continue;
      }
      if (words[i] !== BOUNDARY) this.pushToken(words[i], out);
      i++;
    }
    return out;
  }

  /** The words with multi-word synonyms rewritten ("ongkos kirim" → "ongkir"). */
  private withPhrases(parts: readonly string[]): string[] {
    const out: string[] = [];
    for (let i = 0; i < parts.length;) {
      const phrase = this.phraseAt(parts, i);
      if (phrase) {
        out.push(...phrase.replacement);
        i += phrase.words.length;
      } else {
        out.push(parts[i]);
        i++;
      }
    }
    return out;
  }

  /** The synonym phrase that starts at `parts[i]`, found by the word as written or by its chat form. */
  private phraseAt(parts: readonly string[], i: number): { readonly words: readonly string[]; readonly replacement: readonly string[] } | undefined {
    const chat = this.slang.get(parts[i]);
    for (const list of [this.phrases.get(parts[i]), chat === undefined ? undefined : this.phrases.get(chat)]) {
      for (const p of list ?? []) if (p.words.every((w, k) => this.sameSynonymWord(parts[i + k], w, k === p.words.length - 1))) return p;
    }
    return undefined;
  }

  /**
   * True when a message word stands for a synonym phrase's word: as written, as its one-word chat
   * form ("byr di tempat" is "bayar di tempat"), and for the phrase's last word also with "-nya"
   * ("jam tangannya" is "jam tangan").
   */
  private sameSynonymWord(part: string | undefined, word: string, last: boolean): boolean {
    if (part === undefined) return false;
    if (part === word || this.slang.get(part) === word) return true;
    return last && part.length > word.length + 2 && part.endsWith('nya') && part.slice(0, -3) === word;
  }

  /** Normalized words as one string, for display and fuzzy comparisons. */
  text(text: string): string {
    return this.tokens(text)
      .map((t) => t.text)
      .join(' ');
  }

  /**
   * Slang with the possessive "-nya" ("duitnya" → "uang"), the Jakarta verb suffix "-in"
   * ("dibatalin" → "dibatalkan", "kirimin" → "kirimkan"), the Sundanese "-keun" ("batalkeun") or the
   * Javanese possessive "-ne"/"-e" ("tokone", "barange") attached.
   */
  private slangWithSuffix(word: string): string | undefined {
    if (word.length > 4 && (word.endsWith('nya') || word.endsWith('nye'))) {
      const base = this.slang.get(word.slice(0, -3));
      if (base) return base;
    }
    if (word.length > 5 && word.endsWith('in') && !isDictionaryWord(word)) {
      const formal = `${word.slice(0, -2)}kan`;
      const root = stemWord(formal);
      if (root !== formal && isDictionaryWord(root)) return formal;
    }
    // The Javanese possessive "-ne" after a vowel and "-e" after a consonant is "-nya": "tokone" →
    // "tokonya", "layare" → "layarnya"; only on an Indonesian root ("iphone" is no "ipho").
    const javanese = javanesePossessive(word);
    if (javanese) return javanese;
    // The Sundanese suffix "-keun" is "-kan": "batalkeun" → "batalkan", "dikirimkeun" → "dikirimkan".
    if (word.length > 7 && word.endsWith('keun')) {
      const formal = `${word.slice(0, -4)}kan`;
      const root = stemWord(formal);
      if (root !== formal && isDictionaryWord(root)) return this.slang.get(formal) ?? formal;
    }
    return undefined;
  }

  private pushToken(part: string, out: Token[]): void {
    if (!part) return;
    if (/^\d+\/\d+$/.test(part)) {
      out.push({ text: part, kind: 'ramstorage' });
      return;
    }
    if (/^#ram\d+$/.test(part)) {
      out.push({ text: `${part.slice(4)}gb`, kind: 'ram' });
      return;
    }
    if (/^#money\d+$/.test(part)) {
      out.push({ text: part.slice(6), kind: 'money' });
      return;
    }
    if (/^\d+(gb|tb)$/.test(part)) {
      out.push({ text: part, kind: 'storage' });
      return;
    }
    if (/^\d+$/.test(part)) {
      out.push({ text: part, kind: 'num' });
      return;
    }
    const word = reduplication(part);
    const mapped = this.slang.get(word) ?? this.slangWithSuffix(word);
    if (mapped === undefined) {
      out.push({ text: word, kind: 'word' });
      return;
    }
    for (const w of mapped.split(' ')) if (w) out.push({ text: w, kind: 'word' });
  }
}

/** Indonesian ordinals by number: "ke 2" is "kedua", "ke 1" is "pertama". */
const ORDINALS: Readonly<Record<number, string>> = {
  1: 'pertama',
  2: 'kedua',
  3: 'ketiga',
  4: 'keempat',
  5: 'kelima',
  6: 'keenam',
  7: 'ketujuh',
  8: 'kedelapan',
  9: 'kesembilan',
  10: 'kesepuluh',
};

const CONTRACTIONS: Readonly<Record<string, string>> = { re: 'are', m: 'am', ll: 'will', ve: 'have', d: 'would' };

/**
 * English contractions spelled out ("don't" → "do not", "what's" → "what") and any other
 * apostrophe inside a word dropped ("ka'bah" → "kabah", "jum'at" → "jumat"), so the parts of one
 * word are not read as two.
 */
function withoutApostrophes(text: string): string {
  return text
    .replace(/['’‘`´ʼ′]/g, "'")
    .replace(/\b(can)'t\b/g, '$1 not')
    .replace(/\bwon't\b/g, 'will not')
    .replace(/(\p{L})n't\b/gu, '$1 not')
    .replace(/(\p{L})'(re|m|ll|ve|d)\b/gu, (_, letter: string, tail: string) => `${letter} ${CONTRACTIONS[tail] ?? ''}`)
    .replace(/(\p{L})'s\b/gu, '$1')
    .replace(/(\p{L})'(?=\p{L})/gu, '$1');
}

/** Unicode NFKC, lower case, no control characters or emoji, letters repeated 3+ times collapsed. */
export function foldText(text: string): string {
  // Printable ASCII (most messages) needs no Unicode folding, control or emoji handling.
  const unicode = /[^\x20-\x7e]/.test(text);
  let folded = unicode
    ? text
        // An acute accent typed as an apostrophe ("Ka´bah") would become a space under NFKC.
        .replace(/´/g, "'")
        .normalize('NFKC')
        // Accents on Latin letters fold away ("coordenação" = "coordenacao", "café" = "cafe");
        // marks of other scripts stay (a Devanagari vowel sign is part of its word).
        .normalize('NFD')
        .replace(/(\p{Script=Latin})\p{Mn}+/gu, '$1')
        .normalize('NFC')
        .toLowerCase()
        .replace(/[\p{Cc}\p{Cf}]/gu, ' ')
        .replace(/\p{Extended_Pictographic}/gu, ' ')
        .replace(/(\p{L})\1{2,}/gu, '$1')
    : text.toLowerCase().replace(/([a-z])\1{2,}/g, '$1');
  folded = folded.replace(/\s+/g, ' ').trim();
  return folded;
}

/**
 * Rewrites amounts and sizes into single tokens:
 * "1,5jt" / "1.5 juta" → "#money1500000", "Rp 1.500.000" → "#money1500000",
 * "256 GB" → "256gb", "1 tera" → "1tb", "8 / 256" → "8/256", "12/1tb" → "12/1024", "ram 16" / "16gb ram" →
 * "#ram16", "1.500.000" → "1500000".
 */
/** A part that marks a comma or a sentence's end between words: no synonym phrase spans it. */
const BOUNDARY = '\u0000';

/** Words beside which "4x" counts times ("udah 4x", "cicilan 12x", "12x cicilan"), not a model name. */
const COUNTING = 'udah|udh|sudah|dah|cicilan|cicil|angsuran|tenor|bayar|coba|dicoba|kirim|pencet|login|transfer';
const COUNT_BEFORE = new RegExp(`\\b(${COUNTING})\\s+(\\d{1,3})x\\b`, 'g');
const COUNT_AFTER = new RegExp(`\\b(\\d{1,3})x\\s+(${COUNTING})\\b`, 'g');

export function canonicalNumbers(text: string): string {
  return (
    text
      .replace(/\brp\.?\s*(\d{1,3}(?:[.,]\d{3})+|\d+)(?:,-|,00)?/g, (_m, n: string) => `#money${n.replace(/[.,]/g, '')}`)
      .replace(/\b(\d+(?:[.,]\d+)?)\s*(jt|juta|jeti|rb|ribu|k|m)\b/g, (_m, n: string, unit: string) => {
        const value = parseFloat(n.replace(',', '.'));
        const factor = unit === 'rb' || unit === 'ribu' || unit === 'k' ? 1_000 : 1_000_000;
        return `#money${Math.round(value * factor)}`;
      })
      .replace(/\b(\d{1,3}(?:\.\d{3})+)\b/g, (m) => m.replace(/\./g, ''))
      // "udah 4x", "cicilan 12x": a count of times, beside a word that counts ("Redmi 10X" is a name).
      .replace(COUNT_BEFORE, (_m, word: string, n: string) => `${word} ${n} kali`)
      .replace(COUNT_AFTER, (_m, n: string, word: string) => `${n} kali ${word}`)
      .replace(
        /\b(\d{1,2})(?:\s*gb)?\s*\/\s*(\d{2,4}|\d(?=\s*tb))(?:\s*(gb|tb))?\b/g,
        (_m, r: string, s: string, unit?: string) => `${r}/${unit === 'tb' ? Number(s) * 1024 : s}`,
      )
      .replace(/\bram\s*(\d{1,2})(?:\s*gb)?\b/g, '#ram$1')
      .replace(/\b(\d{1,2})\s*gb\s*(?:of\s+)?ram\b/g, '#ram$1')
      .replace(/\b(\d+)\s*(gb|tb|giga|gigabyte|tera|terabyte)\b/g, (_m, n: string, unit: string) => `${n}${unit.startsWith('t') ? 'tb' : 'gb'}`)
  );
}

/** Indonesian reduplication written with a 2 ("barang2" → "barang"), also before a suffix ("tebak2an" → "tebakan", "barang2nya" → "barangnya"). */
function reduplication(word: string): string {
  if (/^\p{L}{3,}2$/u.test(word)) return word.slice(0, -1);
  const suffixed = /^(\p{L}{3,})2(an|nya|in|kan|lah|annya)$/u.exec(word);
  return suffixed ? suffixed[1] + suffixed[2] : word;
}

/** The words of a text, folded (case, accents) and split on everything but letters and digits. */
export function foldedWords(text: string): string[] {
  return splitWords(foldText(text));
}

function splitWords(text: string): string[] {
  return text.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

const VOWEL_END = /[aiueo]$/;

/**
 * A Javanese possessive ("tokone", "barange", "diskone") as the Indonesian "-nya" form, or
 * undefined. The consonant reading comes first ("diskone" is "diskon" + "-e", not "disko" +
 * "-ne"); a Betawi "-e" for "-a" is left alone ("kenape", "selame" are "kenapa", "selama").
 */
function javanesePossessive(word: string): string | undefined {
  if (word.length <= 5 || !word.endsWith('e') || isDictionaryWord(word) || isBrandWord(word)) return undefined;
  const stem = word.slice(0, -1);
  if (isDictionaryWord(`${stem}a`)) return undefined;
  // An Indonesian root only: "realme" is a brand, not "realm" + "-e".
  if (!VOWEL_END.test(stem) && isIndonesianRoot(stem)) return `${stem}nya`;
  const afterVowel = word.endsWith('ne') ? word.slice(0, -2) : undefined;
  if (afterVowel !== undefined && VOWEL_END.test(afterVowel) && isIndonesianRoot(afterVowel)) return `${afterVowel}nya`;
  return undefined;
}
