import { Normalizer } from '../../src/matching/normalize';
import { loadKnowledge } from '../../src/knowledge/loader';
import { decide } from '../../src/matching/decide';
import { IntentIndex } from '../../src/matching/intent-index';
import { Matcher, SharedReadings } from '../../src/matching/matcher';
import { ENGLISH_SYNONYM_GROUPS, englishSynonymHead } from '../../src/matching/english-synonyms';
import { stemWord } from '../../src/matching/stem';
import { TypoCorrector } from '../../src/matching/typo';

describe('stemming', () => {
  it('uses the Indonesian stemmer first and Porter for English', () => {
    expect(stemWord('pengembalian')).toBe('kembali');
    expect(stemWord('pembayaran')).toBe('bayar');
    expect(stemWord('dikirimkan')).toBe('kirim');
    expect(stemWord('garansinya')).toBe('garansi');
    expect(stemWord('shipping')).toBe('ship');
    expect(stemWord('delivered')).toBe('deliv');
    expect(stemWord('hp')).toBe('hp');
  });
});

describe('typo correction', () => {
  const typos = new TypoCorrector(['pengiriman', 'garansi', 'alamat', 'invoice', 'refund', 'semarang', 'harga', 'harga']);
  it('fixes one or two edits against the vocabulary', () => {
    expect(typos.correct('pengirman')).toBe('pengiriman');
    expect(typos.correct('alamt')).toBe('alamat');
    expect(typos.correct('invocie')).toBe('invoice');
    expect(typos.correct('refun')).toBe('refund');
    expect(typos.correct('semarnag')).toBe('semarang');
    expect(typos.correct('hrga')).toBe('harga');
  });
  it('leaves short and unknown words alone', () => {
    expect(typos.correct('ok')).toBeNull();
    expect(typos.correct('lowongan')).toBeNull();
  });
  it('reads a long real word one edit from a knowledge-base word with the same start as that spelling, never a short or differently starting one', () => {
    const variants = new TypoCorrector(['ambulan', 'lain', 'tambulans']);
    expect(variants.correct('ambulans')).toBe('ambulan');
    expect(variants.correct('main')).toBeNull();
    const other = new TypoCorrector(['bambulans']);
    expect(other.correct('ambulans')).toBeNull();
  });
});

describe('TF-IDF index', () => {
  const index = new IntentIndex(3, [
    { entry: 0, terms: ['harga', 'berapa'] },
    { entry: 0, terms: ['berapa', 'harga', 'hp'] },
    { entry: 1, terms: ['kirim', 'berapa', 'hari'] },
    { entry: 2, terms: ['garansi', 'berapa', 'lama'] },
  ]);
  it('ranks the entry sharing the rare terms first, with scores in 0..1', () => {
    const ranked = index.score(['harga', 'berapa']);
    expect(ranked[0].entry).toBe(0);
    for (const r of ranked) {
      expect(r.score).toBeGreaterThan(0);
      expect(r.score).toBeLessThanOrEqual(1);
    }
    expect(index.score(['garansi'])[0].entry).toBe(2);
  });
  it('scores words it has never seen lower than known ones', () => {
    const known = index.score(['garansi', 'lama'])[0].score;
    const diluted = index.score(['garansi', 'lama', 'lowongan', 'kerja'])[0].score;
    expect(diluted).toBeLessThan(known);
    expect(index.score(['lowongan'])).toEqual([]);
    expect(index.score([])).toEqual([]);
  });
});

describe('decision', () => {
  const settings = { answerThreshold: 0.3, clarifyThreshold: 0.15, clarifyMargin: 0.05 };
  it('answers a confident, clear winner', () => {
    expect(
      decide(
        [
          { entryId: 'a', score: 0.6 },
          { entryId: 'b', score: 0.2 },
        ],
        settings,
      ),
    ).toEqual({ type: 'answer', entryId: 'a', score: 0.6 });
  });
  it('clarifies when the top two are too close', () => {
    expect(
      decide(
        [
          { entryId: 'a', score: 0.5 },
          { entryId: 'b', score: 0.48 },
          { entryId: 'c', score: 0.1 },
        ],
        settings,
      ),
    ).toEqual({ type: 'clarify', entryIds: ['a', 'b'], score: 0.5 });
  });
  it('clarifies a plausible but weak match and falls back below the floor', () => {
    expect(decide([{ entryId: 'a', score: 0.2 }], settings).type).toBe('clarify');
    expect(decide([{ entryId: 'a', score: 0.1 }], settings)).toEqual({ type: 'fallback', score: 0.1 });
    expect(decide([], settings)).toEqual({ type: 'fallback', score: 0 });
  });
});

describe('matcher on the sample shop', () => {
  const matcher = new Matcher(loadKnowledge('knowledge'));
  const top = (text: string): string | undefined => matcher.rank(matcher.analyze(text))[0]?.entryId;

  it('recognises products, variants and stores, and masks them for intent scoring', () => {
    const a = matcher.analyze('brp hrg ip 15 pro 256gb di bdg');
    expect(a.catalog.product?.id).toBe('iphone-15-pro');
    expect(a.catalog.variants.map((v) => v.storage)).toEqual(['256GB', '256GB']);
    expect(a.catalog.store?.id).toBe('bdg');
    expect(a.terms).toEqual(['berapa', 'harga', '#product', '#variant', 'di', '#place', '^harga']);
  });

  it('tolerates glued and misspelled product names', () => {
    expect(matcher.analyze('iphone15 ready?').catalog.product?.id).toBe('iphone-15');
    expect(matcher.analyze('samsng galaxy a35').catalog.product?.id).toBe('galaxy-a35');
    expect(matcher.analyze('redmi note 13 8/256').catalog.variants.map((v) => v.id)).toEqual([
      'redmi-note-13-256gb-midnight-black',
      'redmi-note-13-256gb-mint-green',
    ]);
  });

  it('offers the family when a name is partial and flags models it does not sell', () => {
    expect(matcher.analyze('harga iphone').catalog.productChoices.map((p) => p.id)).toEqual(['iphone-15', 'iphone-15-pro', 'iphone-13']);
    const unknown = matcher.analyze('harga xiaomi 15 ultra').catalog.unknownProduct;
    expect(unknown?.name).toBe('xiaomi 15 ultra');
    expect(unknown?.similar.map((p) => p.id)).toContain('xiaomi-14');
  });

  it('detects the language of the message', () => {
    expect(matcher.analyze('how long is the warranty').language).toBe('en');
    expect(matcher.analyze('garansi brp lama kak').language).toBe('id');
    expect(matcher.analyze('refund').language).toBe('id');
  });

  it('reports corrected typos and unknown words', () => {
    const a = matcher.analyze('pengirimsn ke semarang brp lama');
    expect(a.corrections).toContainEqual(['pengirimsn', 'pengiriman']);
    expect(top('pengirimsn ke semarang brp lama')).toBe('shipping-time');
  });

  it("leaves the shop's own name out of intent matching, but not a one-word name that is a word", () => {
    const greeting = matcher.analyze('selamat sore kakak2 nusa gadget');
    expect(greeting.terms).not.toContain('nusa');
    expect(greeting.terms).not.toContain('gadget');
    expect(top('selamat sore kakak2 nusa gadget')).toBe('greeting');
    // Only the whole name: "gadget" alone is still a word of the question.
    expect(matcher.analyze('gadget apa yang bagus').terms).toContain('gadget');
    // A bot named "Tanya" (ask) keeps the word.
    const kb = loadKnowledge('knowledge');
    const tanya = new Matcher({ ...kb, settings: { ...kb.settings, botName: 'Tanya' } });
    expect(tanya.analyze('mau tanya garansi').terms).toContain('tanya');
    // A name the slang table rewrites stays: a bot called "Admin" is the customer service.
    const admin = new Matcher({ ...kb, settings: { ...kb.settings, botName: 'Admin' } });
    expect(admin.analyze('nomor admin berapa').terms).toContain('^admin');
    // So does a name made mostly of words of the shop's questions.
    const service = new Matcher({ ...kb, settings: { ...kb.settings, shopName: 'Pusat Servis HP' } });
    expect(service.analyze('ada pusat servis hp resmi?').terms).toContain('=servis');
  });
});

describe('matcher weights from the knowledge base settings', () => {
  const kb = loadKnowledge('knowledge');
  const score = (matching: Record<string, number>): number => {
    const matcher = new Matcher({ ...kb, settings: { ...kb.settings, matching } });
    return matcher.rank(matcher.analyze('garansi brp lama'))[0]?.score ?? 0;
  };

  it('uses settings.matching over the defaults', () => {
    const byDefault = score({});
    expect(score({ exampleWeight: 1 })).not.toBe(byDefault);
    expect(score({ exampleWeight: 0.2 })).toBe(byDefault);
  });
});

describe('readings shared by the folds of a cross-validation', () => {
  const kb = loadKnowledge('knowledge');
  const withoutEvery = (k: number, offset: number): typeof kb => ({
    ...kb,
    entries: kb.entries.map((e) => ({ ...e, questions: { id: e.questions.id.filter((_, i) => i % k !== offset), en: e.questions.en } })),
  });
  const messages = ['brp hrg ip 15', 'paket blm sampe2 nih', 'bisa retur kalo layar retak?', 'jam buka toko bandung'];
  const ranks = (m: Matcher): string[] => messages.map((t) => JSON.stringify(m.rank(m.analyze(t), 5)));

  it('rank every message as a matcher built alone does', () => {
    const shared = new SharedReadings(kb);
    for (const offset of [0, 1, 2]) {
      const fold = withoutEvery(3, offset);
      expect(ranks(new Matcher(fold, {}, shared))).toEqual(ranks(new Matcher(fold)));
    }
    expect(shared.texts.size).toBeGreaterThan(100);
  });

  it('are ignored by a knowledge base with other settings', () => {
    const shared = new SharedReadings(kb);
    new Matcher(kb, {}, shared);
    const other = { ...kb, settings: { ...kb.settings, synonyms: { harga: ['hrg'] } } };
    const read = shared.texts.size;
    expect(ranks(new Matcher(other, {}, shared))).toEqual(ranks(new Matcher(other)));
    expect(shared.texts.size).toBe(read);
  });
});

describe('yes and no as small talk', () => {
  const kb = loadKnowledge('knowledge');
  const base = kb.entries.find((e) => e.id === 'thanks');
  if (!base) throw new Error('the sample shop has no "thanks" entry');
  // What every Rasa project has: affirm and deny intents of bare yes/no words.
  const yesNo = [
    { ...base, id: 'affirm', questions: { id: ['iya', 'iya bener', 'betul kak', 'yoi'], en: ['yes', 'yep'] }, answer: { id: 'Baik.' } },
    { ...base, id: 'deny', questions: { id: ['gak', 'nggak', 'tidak', 'gak deh'], en: ['no', 'nope'] }, answer: { id: 'Oke.' } },
  ];
  const matcher = new Matcher({ ...kb, entries: [...kb.entries, ...yesNo] });
  const top = (text: string): { entryId: string; score: number } | undefined => matcher.rank(matcher.analyze(text), 3)[0];

  it('answers a bare yes or no with its entry', () => {
    expect(top('gak')?.entryId).toBe('deny');
    expect(top('iya bener')?.entryId).toBe('affirm');
  });

  it('does not read a "gak" inside a question as a no', () => {
    const deny = (text: string): number => matcher.rank(matcher.analyze(text), 10).find((c) => c.entryId === 'deny')?.score ?? 0;
    // A small-talk entry keeps a fraction of its score beside words that ask something else.
    expect(deny('kenapa ikan gak tenggelam')).toBeLessThan(0.15 * deny('gak'));
    expect(top('hp nya gak bisa nyala')?.entryId).not.toBe('deny');
  });
});

describe('English words for the same thing', () => {
  const kb = loadKnowledge('knowledge');
  const base = kb.entries.find((e) => e.id === 'thanks');
  if (!base) throw new Error('the sample shop has no "thanks" entry');
  // A hotel FAQ as imported: one question per entry, in English.
  const faq = (id: string, question: string, answer: string): typeof base => ({ ...base, id, questions: { id: [], en: [question] }, answer: { id: answer } });
  // An English-only knowledge base of these entries, without a catalogue.
  const english = (entries: (typeof base)[]): Matcher =>
    new Matcher({ ...kb, settings: { ...kb.settings, languages: ['en'], defaultLanguage: 'en' }, products: [], stores: [], entries });
  const hotel = english([
    faq('pets', 'Are pets allowed to stay at the hotel?', 'Yes, for a daily charge.'),
    faq('cot', 'Is it possible to have a cot in the room? If so, at what price?', 'Yes, free of charge.'),
    faq('luggage', 'Can I leave my luggage?', 'Yes, at the reception.'),
    faq('internet', 'Internet connection?', 'Every room has it.'),
    faq('parking', 'How much does parking cost?', 'Ten pounds a day.'),
  ]);
  const top = (text: string): string | undefined => hotel.rank(hotel.analyze(text, 'en'), 3)[0]?.entryId;

  it('finds the entry written with another word for what the customer names', () => {
    expect(top('are dogs welcome here?')).toBe('pets');
    expect(top('can we get a baby crib in the room?')).toBe('cot');
    expect(top('can you keep our bags for a few hours?')).toBe('luggage');
    expect(top('is there wifi?')).toBe('internet');
  });

  it('adds a word’s group only where the knowledge base uses it, so an Indonesian shop reads "cat" as paint', () => {
    const shop = new Matcher(kb);
    expect(shop.analyze('ada cat tembok warna putih?').terms).not.toContain('pet');
    expect(hotel.analyze('my cat is small', 'en').terms).toContain('pet');
  });

  it('leaves them out where entries have many examples: those cover the words already', () => {
    const many = (id: string, question: (i: number) => string): typeof base => ({
      ...faq(id, question(0), 'Yes.'),
      questions: { id: [], en: Array.from({ length: 11 }, (_, i) => question(i)) },
    });
    const manyExamples = english([many('pets', (i) => `Are pets allowed in room ${i}?`), many('parking', (i) => `How much is parking on day ${i}?`)]);
    expect(manyExamples.analyze('my cat is small', 'en').terms).not.toContain('pet');
  });

  it('keeps each word in one group, lower case, one word', () => {
    const groups = Object.entries(ENGLISH_SYNONYM_GROUPS);
    const words = groups.flatMap(([head, members]) => [head, ...members]);
    expect(words.filter((w) => !/^[a-z]+$/.test(w))).toEqual([]);
    expect(words.filter((w, i) => words.indexOf(w) !== i)).toEqual([]);
    expect(englishSynonymHead('puppies')).toBe('pet');
    expect(englishSynonymHead('pet')).toBeUndefined();
    // Words the Indonesian lexicon already links ("pay" → bayar, "courier" → ^kurir) get no head on top.
    expect(englishSynonymHead('pay')).toBeUndefined();
    expect(englishSynonymHead('courier')).toBeUndefined();
    // A head the normalizer rewrites ("order" → "pesan") or drops would never be found.
    const n = new Normalizer();
    expect(
      Object.keys(ENGLISH_SYNONYM_GROUPS).filter(
        (h) =>
          n
            .tokens(h)
            .map((t) => t.text)
            .join(' ') !== h,
      ),
    ).toEqual([]);
  });
});
