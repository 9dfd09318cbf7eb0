import { parameterReferences } from './references';
/**
 * Dialogflow ES response messages → what Tanya can say: text, buttons offered as suggestions, and
 * a list of what is lost. Messages come in three generations, all read here:
 * - console exports: `{ type: 0 | "0", speech }`, `{ type: 1, title, subtitle, buttons }` (card),
 *   `{ type: 2, title, replies }` (quick replies), `{ type: 3 }` (image), `{ type: 4, payload }`;
 * - Google Assistant ones: `{ type: "simple_response" | "suggestion_chips" | "basic_card" | … }`;
 * - API-shaped ones: `{ text: { text: [...] } }`, `{ quickReplies }`, `{ card }`, `{ payload }` ….
 * A message with `platform` ("telegram", "facebook", "google" …) is only sent on that platform.
 */

/** A button or quick reply: the text it shows, and what it sends as the user's message. */
export interface Choice {
  readonly label: string;
  readonly sends: string;
  /** The event it fires instead of sending text (Dialogflow Messenger list items): the intent that has that event answers. */
  readonly event?: string;
}

/** A button that opens a web page rather than sending a message. */
export interface Link {
  readonly label: string;
  readonly url: string;
}

/** What one language's messages of an intent amount to. */
export interface ReplyParts {
  /** Text blocks joined by a blank line (Dialogflow sends them one after another); else card text. */
  readonly answer?: string;
  /** Text blocks with several variations: [kept, ...others]. */
  readonly variations: readonly (readonly string[])[];
  /** The platform the text was taken from when there is no text for every platform. */
  readonly fromPlatform?: string;
  readonly choices: readonly Choice[];
  readonly links: readonly Link[];
  /** Kinds of content Tanya cannot send ("an image", "a custom payload (line)"). */
  readonly dropped: readonly string[];
  /** A live-agent handoff message. */
  readonly handoff: boolean;
}

type Json = Readonly<Record<string, unknown>>;

export const asObject = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);
export const asArray = (v: unknown): readonly unknown[] => (Array.isArray(v) ? (v as unknown[]) : []);
export const asString = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/** Strings of a `speech` value: one string, or an array of variations. */
function strings(v: unknown): string[] {
  if (typeof v === 'string') return v.trim() ? [v.trim()] : [];
  return asArray(v)
    .map((s) => (typeof s === 'string' ? s.trim() : ''))
    .filter(Boolean);
}

/** What the messages of one platform add up to while they are read. */
interface PlatformReply {
  texts: string[][];
  cardTexts: string[];
}

class Collector {
  readonly platforms = new Map<string, PlatformReply>();
  readonly choices: Choice[] = [];
  readonly links: Link[] = [];
  readonly dropped: string[] = [];
  handoff = false;

  platform(name: string): PlatformReply {
    let p = this.platforms.get(name);
    if (!p) {
      p = { texts: [], cardTexts: [] };
      this.platforms.set(name, p);
    }
    return p;
  }

  choice(label: unknown, sends?: unknown, event?: unknown): void {
    const l = asString(label)?.trim();
    if (!l) return;
    const s = asString(sends)?.trim() ?? l;
    const e = asString(asObject(event)?.name)?.trim();
    if (/^https?:\/\//i.test(s)) this.link(l, s);
    else this.choices.push({ label: l, sends: s, ...(e ? { event: e } : {}) });
  }

  link(label: unknown, url: unknown): void {
    const u = asString(url)?.trim();
    if (u) this.links.push({ label: asString(label)?.trim() ?? u, url: u });
  }

  private readonly droppedSet = new Set<string>();

  drop(what: string): void {
    if (this.droppedSet.has(what)) return;
    this.droppedSet.add(what);
    this.dropped.push(what);
  }
}

const cardText = (...parts: unknown[]): string =>
  parts
    .map((p) => asString(p)?.trim() ?? '')
    .filter(Boolean)
    .join('\n');

/** Rich content of Dialogflow Messenger (`payload.richContent`: rows of chips, buttons, info cards …). */
function readRichContent(rows: unknown, into: Collector, at: PlatformReply): void {
  for (const item of asArray(rows).flatMap((row) => (Array.isArray(row) ? (row as unknown[]) : [row]))) {
    const o = asObject(item);
    if (!o) continue;
    switch (asString(o.type)) {
      case 'chips':
        for (const option of asArray(o.options)) {
          const c = asObject(option);
          if (c && asString(c.link)) into.link(c.text, c.link);
          else if (c) into.choice(c.text);
        }
        break;
      case 'button':
        if (asString(o.link)) into.link(o.text, o.link);
        else into.choice(o.text, undefined, o.event);
        break;
      case 'list':
        // An item may show only its subtitle; one that fires an event leads to the intent with it.
        into.choice(asString(o.title) ?? o.subtitle, undefined, o.event);
        break;
      case 'info':
      case 'accordion':
      case 'description': {
        const text = cardText(o.title, o.subtitle, ...(Array.isArray(o.text) ? asArray(o.text) : [o.text]));
        if (text) at.cardTexts.push(text);
        if (asString(o.actionLink)) into.link(o.title, o.actionLink);
        break;
      }
      case 'divider':
        break;
      case 'image':
        into.drop('an image');
        break;
      default:
        into.drop(`rich content "${asString(o.type) ?? '?'}"`);
    }
  }
}

/** Telegram's `reply_markup`: inline keyboards and reply keyboards. */
function readTelegram(t: Json, into: Collector, at: PlatformReply): void {
  const text = asString(t.text);
  if (text) at.texts.push([text.trim()]);
  const markup = asObject(t.reply_markup);
  for (const row of [...asArray(markup?.inline_keyboard), ...asArray(markup?.keyboard)]) {
    for (const button of asArray(row)) {
      const b = asObject(button);
      if (typeof button === 'string') into.choice(button);
      else if (b && asString(b.url)) into.link(b.text, b.url);
      else if (b) into.choice(b.text, b.callback_data ?? b.text);
    }
  }
  if (asString(t.photo) || asString(t.document) || asString(t.sticker)) into.drop('a Telegram photo, document or sticker');
}

/** Messenger's quick replies, button templates and generic templates. */
function readFacebook(f: Json, into: Collector, at: PlatformReply): void {
  const text = asString(f.text);
  if (text) at.texts.push([text.trim()]);
  for (const q of asArray(f.quick_replies)) {
    const o = asObject(q);
    if (o) into.choice(o.title, o.payload ?? o.title);
  }
  const template = asObject(asObject(asObject(f.attachment)?.payload));
  if (!template) return;
  const templateText = asString(template.text);
  if (templateText) at.cardTexts.push(templateText.trim());
  const buttons = [...asArray(template.buttons), ...asArray(template.elements).flatMap((e) => asArray(asObject(e)?.buttons))];
  for (const e of asArray(template.elements)) {
    const text = cardText(asObject(e)?.title, asObject(e)?.subtitle);
    if (text) at.cardTexts.push(text);
  }
  for (const button of buttons) {
    const b = asObject(button);
    if (b && asString(b.url)) into.link(b.title, b.url);
    else if (b) into.choice(b.title, b.payload ?? b.title);
  }
}

/** A custom payload (`type: 4`): the formats people use for chips and buttons; anything else is listed. */
function readPayload(payload: unknown, into: Collector, at: PlatformReply): void {
  const p = asObject(payload);
  if (!p) return;
  let known = false;
  if ('richContent' in p) {
    readRichContent(p.richContent, into, at);
    known = true;
  }
  const telegram = asObject(p.telegram);
  if (telegram) {
    readTelegram(telegram, into, at);
    known = true;
  }
  const facebook = asObject(p.facebook);
  if (facebook) {
    readFacebook(facebook, into, at);
    known = true;
  }
  const google = asObject(asObject(p.google)?.richResponse);
  if (google) {
    for (const item of asArray(google.items)) {
      const simple = asObject(asObject(item)?.simpleResponse);
      const text = asString(simple?.displayText) ?? asString(simple?.textToSpeech);
      if (text) at.texts.push([text.trim()]);
    }
    for (const s of asArray(google.suggestions)) into.choice(asObject(s)?.title);
    known = true;
  }
  // Chatwoot's "input_select" (used by Indonesian government and shop bots): a text and options.
  const items = asArray(asObject(p.content_attributes)?.items);
  if (asString(p.content) || items.length > 0) {
    const text = asString(p.content);
    if (text) at.cardTexts.push(text.trim());
    for (const item of items) into.choice(asObject(item)?.title, asObject(item)?.value ?? asObject(item)?.title);
    known = true;
  }
  if (p.liveAgentHandoff !== undefined || p.handoff !== undefined) {
    into.handoff = true;
    known = true;
  }
  if (!known) into.drop(`a custom payload (${Object.keys(p).slice(0, 4).join(', ') || 'empty'})`);
}

/** Reads one message into the collector. */
function readMessage(m: Json, into: Collector): void {
  const at = into.platform(asString(m.platform) ?? '');
  const type = typeof m.type === 'number' || typeof m.type === 'string' ? String(m.type) : undefined;
  const textObject = asObject(m.text);
  if (type === '0' || textObject) {
    const variants = type === '0' ? strings(m.speech) : strings(textObject?.text);
    if (variants.length > 0) at.texts.push(variants);
    return;
  }
  const card = type === '1' ? m : asObject(m.card);
  if (card) {
    const text = cardText(card.title, card.subtitle);
    if (text) at.cardTexts.push(text);
    for (const b of asArray(card.buttons)) into.choice(asObject(b)?.text, asObject(b)?.postback);
    if (asString(card.imageUrl) || asString(card.imageUri)) into.drop('a card image');
    return;
  }
  const quick = type === '2' ? m : asObject(m.quickReplies);
  if (quick) {
    const title = asString(quick.title);
    if (title) at.cardTexts.push(title.trim());
    for (const r of [...asArray(quick.replies), ...asArray(quick.quickReplies)]) into.choice(r);
    return;
  }
  if (type === '3' || m.image !== undefined) {
    into.drop('an image');
    return;
  }
  if (type === '4' || type === 'custom_payload' || m.payload !== undefined) {
    readPayload(m.payload, into, at);
    return;
  }
  if (type === 'live_agent_handoff' || m.liveAgentHandoff !== undefined) {
    into.handoff = true;
    return;
  }
  const simple = type === 'simple_response' ? [m] : asArray(asObject(m.simpleResponses)?.simpleResponses).map(asObject);
  if (simple.length > 0) {
    for (const s of simple) {
      const text = asString(s?.displayText) ?? asString(s?.textToSpeech);
      if (text) at.texts.push([text.trim()]);
    }
    return;
  }
  const chips = type === 'suggestion_chips' ? m.suggestions : asObject(m.suggestions)?.suggestions;
  if (chips !== undefined) {
    for (const s of asArray(chips)) into.choice(asObject(s)?.title);
    return;
  }
  const basic = type === 'basic_card' ? m : asObject(m.basicCard);
  if (basic) {
    const text = cardText(basic.title, basic.subtitle, basic.formattedText);
    if (text) at.cardTexts.push(text);
    for (const b of asArray(basic.buttons))
      into.link(asObject(b)?.title, asObject(asObject(b)?.openUrlAction)?.url ?? asObject(asObject(b)?.openUriAction)?.uri);
    if (basic.image !== undefined) into.drop('a card image');
    return;
  }
  const list = type === 'list_card' || type === 'carousel_card' ? m : (asObject(m.listSelect) ?? asObject(m.carouselSelect));
  if (list) {
    const title = asString(list.title);
    if (title) at.cardTexts.push(title.trim());
    for (const item of asArray(list.items)) into.choice(asObject(item)?.title);
    return;
  }
  const linkOut = type === 'link_out_chip' ? m : asObject(m.linkOutSuggestion);
  if (linkOut) {
    into.link(linkOut.destinationName, linkOut.url ?? linkOut.uri);
    return;
  }
  into.drop(`a "${type ?? Object.keys(m)[0] ?? '?'}" message`);
}

/**
 * What an intent's messages in one language amount to. Text messages for every platform win;
 * when there are none (agents built only for Telegram, say), the first platform with text is used.
 * Buttons and quick replies of every platform are kept, each label once.
 */
export function readReply(messages: readonly Json[]): ReplyParts {
  const into = new Collector();
  for (const m of messages) readMessage(m, into);
  const withText = (p: PlatformReply): boolean => p.texts.length > 0 || p.cardTexts.length > 0;
  const general = into.platforms.get('');
  const [platform, chosen] = general && withText(general) ? ['', general] : ([...into.platforms].find(([, p]) => withText(p)) ?? ['', undefined]);
  const texts = chosen?.texts ?? [];
  const answer = texts.length > 0 ? texts.map((v) => v[0]).join('\n\n') : (chosen?.cardTexts ?? []).join('\n\n');
  const seen = new Set<string>();
  const choices = into.choices.filter((c) => {
    const key = c.label.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return {
    ...(answer ? { answer } : {}),
    variations: texts.filter((v) => v.length > 1),
    ...(platform && chosen ? { fromPlatform: platform } : {}),
    choices,
    links: firstPerUrl(into.links),
    dropped: into.dropped,
    handoff: into.handoff,
  };
}

/** Each URL's first link (a set, not a search per link: thousands of links stay linear). */
function firstPerUrl(links: readonly Link[]): Link[] {
  const seen = new Set<string>();
  return links.filter((l) => {
    if (seen.has(l.url)) return false;
    seen.add(l.url);
    return true;
  });
}

interface RefNode {
  readonly next: Map<string, RefNode>;
  /** The place in the reference list of the reference ending here, if one does. */
  order?: number;
}

/**
 * True when the text is nothing but parameter references (and punctuation): no answer of its own.
 *
 * What is left once every occurrence of each reference is cut out, the first reference first.
 * Done in one pass rather than one `split` per reference (quadratic with thousands of them): a
 * reference starts with "$" or "#" and holds no other, so two occurrences only meet when they
 * start at the same sign, and there the one earlier in the list is the one cut. A trie of the
 * references finds, at each sign, every reference starting there.
 */
export function onlyParameters(text: string): boolean {
  const refs = parameterReferences(text);
  if (refs.length === 0) return false;
  const root: RefNode = { next: new Map() };
  refs.forEach((ref, order) => {
    let node = root;
    for (const c of ref) {
      let child = node.next.get(c);
      if (!child) {
        child = { next: new Map() };
        node.next.set(c, child);
      }
      node = child;
    }
    node.order ??= order;
  });
  const cut = new Uint8Array(text.length);
  for (let start = 0; start < text.length; start++) {
    const c = text[start];
    if (c !== '$' && c !== '#') continue;
    let best: { order: number; end: number } | undefined;
    let node: RefNode | undefined = root;
    for (let i = start; i < text.length && node; i++) {
      node = node.next.get(text[i]);
      if (node?.order !== undefined && (best === undefined || node.order < best.order)) best = { order: node.order, end: i + 1 };
    }
    if (best) cut.fill(1, start, best.end);
  }
  let rest = '';
  for (let i = 0; i < text.length; i++) if (cut[i] === 0) rest += text[i];
  return !/[\p{L}\p{N}]/u.test(rest);
}
