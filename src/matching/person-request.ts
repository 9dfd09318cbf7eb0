import lexicon = require('./data/lexicon-id.json');
import type { Token } from './normalize';
import { stemWord } from './stem';

/**
 * Recognises a customer asking for a person ("mau ngomong sama admin", "sambungin ke cs dong",
 * "live agent pls", "talk to a real person"), in any conversation state, from normalized tokens.
 *
 * Hand-written rules over word lists kept as data (lexicon-id.json, `personRequest`), because no
 * library knows Indonesian chat. The rules ask for the person as the *object* of the request, so
 * "minta karyawan bantu pindahin data" (staff doing a service), "does your staff speak English?",
 * "kirim ke orang tua saya" or "cara hubungi cs gimana?" are not requests.
 */
const words = lexicon.personRequest;
const PERSONS = new Set<string>(words.persons);
const GENERIC = new Set<string>(words.genericPersons);
const ACT = new Set<string>(words.actVerbs);
const CONTACT = new Set<string>(words.contactVerbs);
const WEAK = new Set<string>(words.weakCues);
const LINKS = new Set<string>(words.links);
const AFTER = new Set<string>(words.after);
const ABOUT = new Set<string>(words.about);
const NEGATIONS = new Set<string>(words.negations);
const FILLERS = new Set<string>(words.fillers);
const REPLY = new Set<string>(words.replyVerbs);
/** What a person is asked to do in "orang cs aja yg jelasin", "tolong orang beneran yg ngecek". */
const SERVICE = new Set<string>(words.serviceVerbs);
const EXASPERATION = new Set<string>(words.exasperation);
const PARTICLES = new Set<string>(words.particles);
const ASKABLE = new Set<string>(words.askablePersons);
const TALK_ONLY = new Set<string>(words.talkOnlyPersons);
const IMPERATIVE_CONTACT = new Set<string>(words.imperativeContact);
/** "mana adminnya?", "cs lagi ada ga?": words asking whether a person is there. */
const PRESENCE = new Set<string>(words.presence);
/** Talking verbs that also move money ("transfer"): they ask for a person only through a link word ("transfer ke cs"). */
const LINKED_ACT = new Set<string>(words.linkedActVerbs);
/** Words of fees and payments: "admin" beside them is a fee ("transfer adminnya ada?"), not a person. */
const MONEY = new Set<string>(words.moneyWords);
/** Passives of being served ("ditangani") that ask for a person only right after a wish. */
const ASKED_PASSIVE = new Set<string>(words.askedPassives);
/** Words that add nothing to a request: fillers and particles ("deh", "sih"). */
const idle = (w: string): boolean => FILLERS.has(w) || AFTER.has(w) || PARTICLES.has(w);
/** After "admin aja": also sighs and complaints about the bot ("ribet", "bot nya ga ngerti"). */
const sigh = (w: string): boolean => idle(w) || EXASPERATION.has(w) || NEGATIONS.has(w);

interface Span {
  readonly start: number;
  readonly end: number;
  readonly generic: boolean;
}

function spansOf(texts: readonly string[]): Span[] {
  const spans: Span[] = [];
  for (let i = 0; i < texts.length; i++) {
    if (i + 1 < texts.length && PERSONS.has(`${texts[i]} ${texts[i + 1]}`)) {
      spans.push({ start: i, end: i + 2, generic: false });
      i++;
    } else if (PERSONS.has(texts[i])) spans.push({ start: i, end: i + 1, generic: false });
    else if (GENERIC.has(texts[i]) || TALK_ONLY.has(texts[i])) spans.push({ start: i, end: i + 1, generic: true });
  }
  return spans;
}

/** The words, with a number kept as "#num" so that "bisa 2 orang?" does not read as "bisa orang". */
function wordsOf(tokens: readonly Token[]): string[] {
  return tokens.map((t) => (t.kind === 'word' ? personWord(t.text) : '#num'));
}

/** A person word with the possessive "-nya" (Betawi "-nye") reads as the word: "petugasnya", "staffnya", "orangnye". */
function personWord(word: string): string {
  if (word.length <= 5 || !(word.endsWith('nya') || word.endsWith('nye'))) return word;
  const base = word.slice(0, -3);
  return (PERSONS.has(base) || GENERIC.has(base)) && !GARMENT.has(base) ? base : word;
}

/** Person words that with "-nya" are mostly clothes: "atasannya" is a garment's top, not the boss. */
const GARMENT = new Set(['atasan']);

/** Words that tell what already happened: "sudah bicara sama petugasnya kemarin" reports a talk, it asks for none. */
const PAST = new Set(['sudah', 'tadi', 'kemarin', 'pernah', 'already', 'earlier', 'yesterday']);

/** True when past-time words stand right before position `at` ("tadi udah chat sama staffnya"). */
function reportedAt(texts: readonly string[], at: number): boolean {
  let k = at - 1;
  while (k >= 0 && LINKS.has(texts[k])) k--;
  return k >= 0 && PAST.has(texts[k]);
}

/** A negation right before position `at`, with only links between ("gak usah admin", "tanpa chat"). */
function negatedAt(texts: readonly string[], at: number): boolean {
  for (let k = at - 1; k >= Math.max(0, at - 3); k--) {
    if (NEGATIONS.has(texts[k])) return true;
    if (!LINKS.has(texts[k]) && texts[k] !== 'perlu' && texts[k] !== 'need') return false;
  }
  return false;
}

/**
 * The person asked to do something for the customer, nothing after: "males milih, orang cs aja yg
 * jelasin", "tolong orang beneran yg ngecek", "minta orang yang handle". Asked for means "aja"
 * after the person or a request word before it ("kemarin orang cs yg jelasin" tells what happened),
 * never a question whether staff can do it.
 */
function personToDo(texts: readonly string[], span: Span): boolean {
  let j = span.end;
  let only = false;
  for (; j < texts.length && texts[j] !== 'yang' && idle(texts[j]); j++) if (AFTER.has(texts[j])) only = true;
  if (texts[j] !== 'yang' || !SERVICE.has(texts[j + 1] ?? '') || !texts.slice(j + 2).every(sigh)) return false;
  let k = span.start - 1;
  while (k >= 0 && LINKS.has(texts[k])) k--;
  // "bisa minta orang yang bantu?", "boleh minta karyawan aja yang urus": asking whether staff can
  // do a service, not for a person.
  if (texts.slice(0, span.start).some((w, i) => ABILITY.has(w) && !NEGATIONS.has(texts[i - 1] ?? ''))) return false;
  // "aja" after the person whatever came before ("males milih, orang cs aja yg jelasin"); a request
  // word before it only with nothing but sighs before that ("hp saya rusak, minta petugas yang periksa" asks for a service).
  return only || (k >= 0 && WEAK.has(texts[k]) && texts.slice(0, k).every(sigh));
}

/** Words asking whether something can be done ("bisa", "boleh", "can"). */
const ABILITY = new Set(['bisa', 'boleh', 'can', 'could', 'may']);

/** True when the message turns a person down ("gak usah admin", "no need for an agent"). */
export function declinesPerson(tokens: readonly Token[]): boolean {
  const texts = wordsOf(tokens);
  return spansOf(texts).some((s) => !s.generic && negatedAt(texts, s.start));
}

export function asksForPerson(tokens: readonly Token[]): boolean {
  const texts = wordsOf(tokens);
  if (texts.length === 0 || tokens.length > 30) return false;
  const joined = ` ${texts.join(' ')} `;
  if (words.requestPhrases.some((p) => joined.includes(` ${p} `))) return true;
  const spans = spansOf(texts);
  const inSpan = (i: number): boolean => spans.some((s) => i >= s.start && i < s.end);
  const about = texts.some((w) => ABOUT.has(w));
  for (const span of spans) {
    if (negatedAt(texts, span.start)) continue;
    // A verb of talking aimed at the person: "bicara sama admin", "talk to a human".
    for (let k = span.start - 1; k >= Math.max(0, span.start - 4); k--) {
      const linked = !LINKED_ACT.has(texts[k]) || texts.slice(k + 1, span.start).some((w) => LINKS.has(w));
      if (ACT.has(texts[k]) && linked && !negatedAt(texts, k) && !reportedAt(texts, k)) return true;
    }
    // … or ending the message after it, with its preposition: "is there a real person I can talk
    // to?" ("cs nya lambat balas chat" is no request).
    for (let k = span.end; k < Math.min(texts.length, span.end + 4); k++) {
      const tail = texts.slice(k + 1);
      if (!span.generic && ACT.has(texts[k]) && tail.length === 1 && LINKS.has(tail[0])) return true;
    }
    // "mana adminnya?", "adminnya lagi ada ga?", "bot mulu, mana manusianya": whether a person is
    // there, and nothing else. A word for anyone counts only after the question ("orang mana?" asks
    // where one is from); "yang mana" asks which one; a fee beside it is no person ("adminnya ada?").
    const outside = texts.filter((_, i) => !inSpan(i));
    const presenceBefore = texts.slice(0, span.start).some((w) => PRESENCE.has(w));
    const which = texts.some((w, i) => w === 'mana' && texts[i - 1] === 'yang');
    if (
      !which &&
      !texts.some((w) => MONEY.has(w)) &&
      outside.some((w) => PRESENCE.has(w)) &&
      outside.every((w) => PRESENCE.has(w) || sigh(w)) &&
      (!span.generic || (ASKABLE.has(texts[span.start]) && presenceBefore))
    )
      return true;
    if (about) continue;
    if (personToDo(texts, span)) return true;
    const rest = texts.slice(span.end);
    const nothingAfter = rest.every((w, i) => idle(w) || inSpan(span.end + i));
    let k = span.start - 1;
    while (k >= 0 && LINKS.has(texts[k])) k--;
    // "mau orang", "ada orang?", "orang aja deh": a person asked for, nothing before or after
    // ("tadi ada orang", "bisa 2 orang?", "orang lain" are not).
    if (span.generic) {
      if (!ASKABLE.has(texts[span.start]) || !rest.every(sigh)) continue;
      const before = texts.slice(0, Math.max(0, k));
      if (k >= 0 && (WEAK.has(texts[k]) || texts[k] === 'ada') && before.every(sigh)) return true;
      // "orang aja", and after a sigh about the bot: "ga usah bot, orang aja".
      if (rest.length > 0 && AFTER.has(rest[0]) && texts.slice(0, span.start).every(sigh)) return true;
      continue;
    }
    // "hubungin admin dong": a contact verb opening the message, aimed at the staff ("kontak cs?"
    // asks for the contact instead).
    if (k === 0 && IMPERATIVE_CONTACT.has(texts[0]) && nothingAfter) return true;
    // "tolong hubungkan ke cs", "mau kontak admin"; "mau langsung ditangani petugas" (a passive
    // only right after a wish: "keluhan saya lagi ditangani petugas" tells, "bisa ditangani?" asks).
    for (let j = span.start - 1; j >= Math.max(1, span.start - 3); j--) {
      if (CONTACT.has(texts[j]) && WEAK.has(texts[j - 1])) return true;
      if (ASKED_PASSIVE.has(texts[j]) && WEAK.has(texts[j - 1]) && !ABILITY.has(texts[j - 1])) return true;
    }
    // "minta operator", "need an agent": a request word right before the person, nothing after.
    if (k >= 0 && WEAK.has(texts[k]) && nothingAfter) return true;
    // "admin aja", "cs please", "admin aja deh ribet": just the staff, whatever the sigh after.
    if (rest.length > 0 && AFTER.has(rest[0]) && rest.every((w, i) => sigh(w) || inSpan(span.end + i))) return true;
    // "admin tolong balas", "cs balas dong", "admin dong tolong dicek": the staff asked to reply
    // or to see to it, nothing else said.
    let r = 0;
    // ("… yang periksa" names who does a service: `personToDo` decides those.)
    while (r < rest.length && rest[r] !== 'yang' && (idle(rest[r]) || WEAK.has(rest[r]))) r++;
    const asked = rest.slice(r);
    // A service verb ("tolong dicek") only with nothing but sighs before the staff word: "paket
    // saya rusak, admin tolong diurus" asks the question before it.
    const service = SERVICE.has(stemWord(asked[0] ?? '')) && texts.slice(0, span.start).every(sigh);
    if (asked.length > 0 && (REPLY.has(asked[0]) || service) && asked.slice(1).every(idle)) return true;
  }
  // "admin", "cs dong", "ada spv?": a staff word with nothing else to say.
  return !about && spans.some((s) => !s.generic) && texts.every((w, i) => inSpan(i) || idle(w));
}

/** Words after a person that keep a question about reaching them ("a person who works with us", "someone on the team"). */
const REACH_AFTER = new Set(['who', 'yang', 'that', 'on', 'at', 'from', 'in', 'di', 'of', 'team', 'tim', 'kalian', 'anda', 'you', 'your']);

/**
 * True when a question asks how to reach a person ("Is there a way to get in contact with a
 * person who works with us?", "how do I contact customer service?", "contact us"): a contact verb
 * with only links before the person, and nothing after the person but where they work. Looser
 * than a request, it finds an imported FAQ's entry about reaching staff; "can I call someone to
 * carry my luggage?" or "why can't I reach the staff portal?" are not about reaching a person.
 */
export function asksHowToReachPerson(tokens: readonly Token[]): boolean {
  if (tokens.length > 30) return false;
  const texts = wordsOf(tokens);
  if (texts.some((w, i) => CONTACT.has(w) && texts[i + 1] === 'us')) return true;
  for (const span of spansOf(texts)) {
    const next = texts[span.end];
    if (next !== undefined && !REACH_AFTER.has(next) && !idle(next)) continue;
    let k = span.start - 1;
    while (k >= 0 && LINKS.has(texts[k])) k--;
    if (k >= 0 && CONTACT.has(texts[k]) && !negatedAt(texts, k)) return true;
  }
  return false;
}
