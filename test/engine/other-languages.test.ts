import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../../src/engine/engine';
import type { InboundMessage, TurnResult } from '../../src/core/types';
import { loadKnowledge } from '../../src/knowledge/loader';
import type { KnowledgeBase } from '../../src/knowledge/schema';
import { Matcher } from '../../src/matching/matcher';
import { otherLanguageTerms } from '../../src/matching/other-languages';
import { SqliteStore } from '../../src/storage/sqlite-store';

/** A health FAQ as an imported three-language Dialogflow agent leaves it: English, German and French. */
const FAQ = `settings:
  defaultLanguage: en
  languages: [en, de, fr]
  fallback:
    id: Sorry, I did not get that.
    en: Sorry, I did not get that.
    de: Entschuldigung, das habe ich nicht verstanden.
faq:
  - id: mask
    questions:
      en: [Should I wear a mask?, Do I need a mask?, Should we use masks?]
      de: [Soll ich eine Maske tragen?, Macht es Sinn eine Schutzmaske zu tragen?, Brauche ich eine Hygienemaske?]
      fr: [Dois-je porter un masque ?, Est-ce qu'on a besoin d'un masque pour se protéger?]
    answer:
      id: No, healthy people need no mask.
      en: No, healthy people need no mask.
      de: Nein, gesunde Personen brauchen keine Maske.
      fr: Non, les personnes en bonne santé n'ont pas besoin de masque.
  - id: incubation
    questions:
      en: [How long is the incubation period?, How long after infection do symptoms start?]
      de: [Wie lange dauert die Inkubationszeit?, Wann treten die ersten Symptome auf?]
      fr: [Quelle est la durée d'incubation ?, Combien de temps avant les premiers symptômes?]
    answer:
      id: Usually five days.
      en: Usually five days.
      de: Meistens fünf Tage.
      fr: En général cinq jours.
  - id: shops
    questions:
      en: [Are shops open?, Can the bakery stay open?, Which shops must close?]
      de: [Dürfen Bäckereien geöffnet bleiben?, Müssen Geschäfte schliessen?, Welche Läden sind geöffnet?]
      fr: [Les magasins sont-ils ouverts ?, Les boulangeries peuvent-elles rester ouvertes?]
    answer:
      id: Food shops stay open.
      en: Food shops stay open.
      de: Lebensmittelgeschäfte bleiben geöffnet.
      fr: Les magasins d'alimentation restent ouverts.
`;

function knowledge(): KnowledgeBase {
  const dir = mkdtempSync(join(tmpdir(), 'tanya-languages-'));
  writeFileSync(join(dir, 'faq.yaml'), FAQ);
  return loadKnowledge(dir);
}

let seq = 0;
const msg = (text: string, conversationId: string): InboundMessage => ({
  channel: 'test',
  conversationId,
  userId: conversationId,
  userName: 'Anna',
  messageId: `m${++seq}`,
  text,
  receivedAt: new Date('2026-12-07T09:00:00Z'),
});
const replyText = (r: TurnResult): string => r.replies.map((x) => x.text).join('\n');

describe('knowledge bases with questions in other languages (German, French …)', () => {
  it('reads a word with or without its accents the same, without function words, stemmed', () => {
    expect(otherLanguageTerms('Les données', 'fr')).toEqual(otherLanguageTerms('les donnees', 'fr'));
    expect(otherLanguageTerms('Soll ich eine Maske tragen?', 'de')).toEqual(['mask', '=maske', 'trag', '=tragen']);
  });

  it('matches a German or French message against that language and says which it is; English stays English', () => {
    const matcher = new Matcher(knowledge());
    const german = matcher.analyze('Muss ich eine Maske tragen?');
    expect(german.answerLanguage).toBe('de');
    expect(german.language).toBe('en');
    expect(matcher.rank(german, 1)[0].entryId).toBe('mask');
    const french = matcher.analyze('Combien de temps dure l’incubation ?');
    expect(french.answerLanguage).toBe('fr');
    expect(matcher.rank(french, 1)[0].entryId).toBe('incubation');
    // Interjections and English words in the function-word lists ("hi", "bravo", "possible") are no evidence.
    for (const text of ['should i wear a mask', 'will my grandmother die of it?', 'kak maskernya wajib ga?', 'hi', 'bravo', 'possible?', 'test centre']) {
      expect(matcher.analyze(text).answerLanguage).toBeUndefined();
    }
    expect(matcher.rank(matcher.analyze('can the bakery stay open?'), 1)[0].entryId).toBe('shops');
  });

  it("answers in the customer's language, falls back in it when the knowledge base has the text, else in English", async () => {
    const store = new SqliteStore(':memory:');
    const engine = new Engine(knowledge(), store);
    try {
      expect(replyText(await engine.handle(msg('Soll ich eine Maske tragen?', 'de-1')))).toBe('Nein, gesunde Personen brauchen keine Maske.');
      expect(replyText(await engine.handle(msg('Dois-je porter un masque ?', 'fr-1')))).toBe("Non, les personnes en bonne santé n'ont pas besoin de masque.");
      expect(replyText(await engine.handle(msg('Should I wear a mask?', 'en-1')))).toBe('No, healthy people need no mask.');
      expect(replyText(await engine.handle(msg('Wie ist das Wetter morgen in Zürich?', 'de-2')))).toBe('Entschuldigung, das habe ich nicht verstanden.');
      expect(replyText(await engine.handle(msg('Où puis-je acheter un vélo d’occasion ?', 'fr-2')))).toBe('Sorry, I did not get that.');
      // A question about two entries is clarified with their questions in the customer's language,
      // and the pick ("2", which says no language) is answered in it.
      const unsure = await engine.handle(msg('Faut-il un masque dans les magasins ?', 'fr-3'));
      expect(unsure.decision.type).toBe('clarify');
      const labels = unsure.replies.flatMap((r) => (r.kind === 'choice' ? r.options.map((o) => o.label) : []));
      expect(labels).toEqual(['Dois-je porter un masque ?', 'Les magasins sont-ils ouverts ?']);
      expect(replyText(await engine.handle(msg('2', 'fr-3')))).toBe("Les magasins d'alimentation restent ouverts.");
      // A reply that says no language is matched as usual and answered in French; Indonesian ends it.
      expect(replyText(await engine.handle(msg('masks?', 'fr-3')))).toBe("Non, les personnes en bonne santé n'ont pas besoin de masque.");
      expect(replyText(await engine.handle(msg('should i wear a mask?', 'fr-3')))).toBe('No, healthy people need no mask.');
    } finally {
      await store.close();
    }
  });

  it('a language Tanya does not read is a clear error with the file and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tanya-languages-'));
    writeFileSync(join(dir, 'faq.yaml'), 'faq:\n  - id: a\n    questions:\n      ja: [営業時間は?]\n    answer:\n      id: Jam 9.\n');
    expect(() => loadKnowledge(dir)).toThrow(/faq\.yaml:4:7: "ja" in faq\[0\]\.questions: "ja" is not a language Tanya reads; write one of: id, en, de, fr/);
    writeFileSync(join(dir, 'faq.yaml'), 'faq:\n  - id: a\n    questions:\n      id: [jam buka?]\n    answer:\n      id: Jam 9.\n      DE: Um 9 Uhr.\n');
    expect(() => loadKnowledge(dir)).toThrow(/faq\.yaml:7:7: "DE" in faq\[0\]\.answer is written "de:"; rename it/);
    writeFileSync(
      join(dir, 'catalog.yaml'),
      'products:\n  - id: p\n    name: P\n    category: hp\n    description:\n      id: Ponsel.\n      de: Ein Handy.\n    variants:\n      - { id: v, name: V, price: 1000 }\n',
    );
    expect(() => loadKnowledge(dir)).toThrow(/"de" in products\[0\]\.description: products\[0\]\.description is said in id or en only; write one of: id, en/);
  });
});
