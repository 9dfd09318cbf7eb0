import synonyms = require('./data/english-synonyms.json');
import lexicon = require('./data/lexicon-id.json');

/**
 * English words for the same thing (data/english-synonyms.json: "dog", "cats" → "pet"; "crib" →
 * "cot"; "wifi" → "internet"), so an English question finds an entry written with another word
 * for it. Imported English knowledge bases often have one example per entry ("Are pets allowed
 * to stay at the hotel?"), where no other example can bridge the customer's word. Looked up by
 * the word as written only: a stem may be an Indonesian word of its own ("baby" → "babi").
 */
const HEADS = new Map<string, string>();
/**
 * Words the Indonesian lexicon already links to others (an English service word with its
 * Indonesian counterpart, or a concept's member: "pay" → bayar, "courier" → ^kurir) are left to
 * it: a head word on top ("pay" → "payment") would count the same link twice and pull "can I pay
 * when it arrives?" to an entry that says "payment".
 */
const LINKED = new Set<string>([...Object.keys(lexicon.english), ...Object.values(lexicon.concepts).flat()]);
for (const [head, members] of Object.entries(synonyms.groups)) {
  for (const member of members) if (!HEADS.has(member) && !LINKED.has(member)) HEADS.set(member, head);
}

/** The head word of the group a word belongs to ("dogs" → "pet"), if it is in one and is not the head itself. */
export function englishSynonymHead(word: string): string | undefined {
  return HEADS.get(word);
}

/** Every group as written: head word → its members. */
export const ENGLISH_SYNONYM_GROUPS: Readonly<Record<string, readonly string[]>> = synonyms.groups;
