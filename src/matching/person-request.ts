import lexicon = require('./data/lexicon-id.json');
import type { Token } from './normalize';

/**
 * Recognises a customer asking for a person ("mau ngomong sama admin", "sambungin ke cs dong",
 * "live agent pls", "real person"), in any conversation state, from normalized tokens.
 *
 * Hand-written rule over word lists kept as data (lexicon-id.json, `personRequest`), because no
 * library knows Indonesian chat: a person word with a verb of contact ("hubungkan", "talk"), or
 * a person word right after a request word ("minta admin", "need an agent"), or followed by
 * "aja"/"please", or a person word nearly alone ("admin", "cs dong"). A question *about* the
 * staff ("jam kerja cs sampai jam berapa?") or a negation ("gak usah admin") is no request.
 */
const words = lexicon.personRequest;
const PERSONS = new Set<string>(words.persons);
const GENERIC = new Set<string>(words.genericPersons);
const GENERIC_VERBS = new Set<string>(words.genericVerbs);
const STRONG = new Set<string>(words.strongVerbs);
const WEAK = new Set<string>(words.weakCues);
const LINKS = new Set<string>(words.links);
const AFTER = new Set<string>(words.after);
const ABOUT = new Set<string>(words.about);
const NEGATIONS = new Set<string>(words.negations);
const FILLERS = new Set<string>(words.fillers);

/** True when the message turns a person down ("gak usah admin", "no need for an agent"). */
export function declinesPerson(tokens: readonly Token[]): boolean {
  const texts = tokens.filter((t) => t.kind === 'word').map((t) => t.text);
  for (let i = 0; i < texts.length; i++) {
    const two = i + 1 < texts.length ? `${texts[i]} ${texts[i + 1]}` : '';
    if (PERSONS.has(texts[i]) || (two && PERSONS.has(two))) return negated(texts, i);
  }
  return false;
}

export function asksForPerson(tokens: readonly Token[]): boolean {
  const texts = tokens.filter((t) => t.kind === 'word').map((t) => t.text);
  if (texts.length === 0 || tokens.length > 30) return false;
  if (texts.some((w) => ABOUT.has(w))) return false;
  const joined = ` ${texts.join(' ')} `;
  if (words.requestPhrases.some((p) => joined.includes(` ${p} `))) return true;
  // Person mentions as [start, end) spans (some are two words: "customer service").
  const spans: [number, number][] = [];
  for (let i = 0; i < texts.length; i++) {
    if (i + 1 < texts.length && PERSONS.has(`${texts[i]} ${texts[i + 1]}`)) spans.push([i, i + 2]);
    else if (PERSONS.has(texts[i])) spans.push([i, i + 1]);
  }
  if (spans.length === 0) {
    // "talk to someone", "speak with a person": a generic person word needs a verb of contact.
    return texts.some((w) => GENERIC.has(w)) && texts.some((w) => GENERIC_VERBS.has(w));
  }
  const inSpan = (i: number): boolean => spans.some(([s, e]) => i >= s && i < e);
  for (const [start, end] of spans) {
    if (negated(texts, start)) return false;
    if (texts.some((w) => STRONG.has(w))) return true;
    let k = start - 1;
    while (k >= 0 && LINKS.has(texts[k])) k--;
    if (k >= 0 && WEAK.has(texts[k]) && start - k <= 3) return true;
    if (end < texts.length && AFTER.has(texts[end])) return true;
  }
  // "admin", "cs dong", "human please": a person word with nothing else to say.
  return texts.every((w, i) => inSpan(i) || FILLERS.has(w));
}

/**
 * A negation right before the person word ("gak usah admin", "no agent"), with nothing but links
 * between; "ga usah, langsung admin aja" turns down something else and then asks for a person.
 */
function negated(texts: readonly string[], personAt: number): boolean {
  for (let k = personAt - 1; k >= Math.max(0, personAt - 3); k--) {
    if (NEGATIONS.has(texts[k])) return true;
    if (!LINKS.has(texts[k]) && texts[k] !== 'usah' && texts[k] !== 'perlu' && texts[k] !== 'need') return false;
  }
  return false;
}
