/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { ChatLine, ClientFrame, ServerFrame, WidgetConfig } from '../channels/webchat/protocol';
import { MAX_MESSAGE_CHARS } from '../channels/webchat/protocol';
import { Connection, type ConnectionState } from './connection';
import { el, icon, richText } from './dom';
import { STRINGS, uiLanguage, type UiStrings } from './strings';
import { WIDGET_CSS } from './styles';

type Outgoing = Extract<ClientFrame, { type: 'message' | 'location' }>;

interface Pending {
  readonly frame: Outgoing;
  readonly shown: string;
}

/** How long "typing…" stays without a reply. */
const TYPING_MS = 15_000;

/**
 * The chat bubble and its panel, in a shadow root of one host element: what the customer sees
 * and does. Talks to the server through `Connection`; renders every text as text.
 */
export class ChatWidget {
  private readonly t: UiStrings;
  private readonly storageKey: string;
  private readonly connection: Connection;
  private readonly host = el('div', { 'data-tanya-webchat': '' });
  private readonly bubble: HTMLButtonElement;
  private readonly dot = el('span', { class: 'dot', hidden: '' });
  private readonly panel: HTMLElement;
  private readonly status = el('div', { class: 'status', role: 'status', 'aria-live': 'polite' });
  private readonly log: HTMLOListElement;
  private readonly typing: HTMLDivElement;
  private readonly input: HTMLTextAreaElement;
  private readonly sendButton: HTMLButtonElement;
  private readonly pending = new Map<string, Pending>();
  /** Lines of pending messages, by id (re-added after a welcome redraws the history). */
  private readonly pendingLines = new Map<string, HTMLLIElement>();
  /** Messages this tab sent: the server's echo of them is not shown twice. */
  private readonly sentHere = new Set<string>();
  private readonly lang: 'id' | 'en';
  /** Transcript lines the last welcome's history covered: live lines up to there are shown already. */
  private snapshot = -1;
  /** The newest transcript length heard of (welcome or live lines). */
  private seen = -1;
  private started = false;
  private refused = false;
  private typingTimer: number | undefined;

  constructor(
    private readonly config: WidgetConfig,
    base: URL,
  ) {
    this.lang = uiLanguage(navigator.languages.length > 0 ? navigator.languages : [navigator.language], config.languages, config.defaultLanguage);
    this.t = STRINGS[this.lang];
    this.storageKey = `tanya-webchat:${base.origin}`;
    this.bubble = el('button', { type: 'button', class: 'bubble', 'aria-label': this.t.open, 'aria-expanded': 'false', 'aria-controls': 'tw-panel' }, [
      icon('chat'),
      this.dot,
    ]);
    this.log = el('ol', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': this.t.conversation, tabindex: '0' });
    this.typing = el('div', { class: 'typing', hidden: '' }, [`${config.botName} ${this.t.typing}`]);
    this.input = el('textarea', { rows: '1', maxlength: String(MAX_MESSAGE_CHARS), 'aria-label': this.t.placeholder, placeholder: this.t.placeholder });
    this.sendButton = el('button', { type: 'submit', class: 'send', 'aria-label': this.t.send, title: this.t.send }, [icon('send')]);
    const form = el('form', { class: 'composer' }, []);
    if ('geolocation' in navigator) {
      const locate = el('button', { type: 'button', class: 'loc', 'aria-label': this.t.shareLocation, title: this.t.shareLocation }, [icon('pin')]);
      locate.addEventListener('click', () => this.shareLocation());
      form.append(locate);
    }
    form.append(this.input, this.sendButton);
    const close = el('button', { type: 'button', class: 'close', 'aria-label': this.t.close }, ['×']);
    const header = el('header', {}, []);
    if (config.logoUrl) header.append(el('img', { src: config.logoUrl, alt: '' }));
    header.append(el('div', { class: 'title', id: 'tw-title' }, [config.title]), close);
    this.panel = el('section', { class: 'panel', id: 'tw-panel', role: 'dialog', 'aria-labelledby': 'tw-title', hidden: '' }, [
      header,
      this.status,
      this.log,
      this.typing,
      form,
    ]);
    this.connection = new Connection(base, {
      frame: (frame) => this.onFrame(frame),
      state: (state) => this.onState(state),
      hello: () => ({ type: 'hello', ...(this.storedToken() ? { token: this.storedToken() } : {}), lang: navigator.language }),
    });
    this.bubble.addEventListener('click', () => (this.panel.hidden ? this.open() : this.close()));
    close.addEventListener('click', () => this.close());
    this.panel.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.close();
    });
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submitTyped();
    });
    this.input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.submitTyped();
      }
    });
  }

  /** Puts the bubble on the page; a visitor with a conversation is reconnected at once (agents' replies, unread dot). */
  mount(parent: HTMLElement): void {
    const root = this.host.attachShadow({ mode: 'open' });
    applyStyles(root, WIDGET_CSS);
    // CSSOM, not a style attribute: allowed by a strict Content-Security-Policy.
    this.host.style.setProperty('--tw-color', /^#[0-9a-f]{6}$/i.test(this.config.color) ? this.config.color : '#0f766e');
    root.append(el('div', { class: `tw ${this.config.position === 'left' ? 'left' : 'right'}`, lang: this.lang }, [this.bubble, this.panel]));
    parent.append(this.host);
    this.renderGreeting();
    if (this.storedToken()) this.startConnection();
  }

  open(): void {
    this.panel.hidden = false;
    this.bubble.setAttribute('aria-expanded', 'true');
    this.bubble.setAttribute('aria-label', this.t.close);
    this.dot.hidden = true;
    this.startConnection();
    this.scrollDown();
    this.input.focus();
  }

  close(): void {
    this.panel.hidden = true;
    this.bubble.setAttribute('aria-expanded', 'false');
    this.bubble.setAttribute('aria-label', this.t.open);
    this.bubble.focus();
  }

  private startConnection(): void {
    if (this.started) return;
    this.started = true;
    this.connection.start();
  }

  private onState(state: ConnectionState): void {
    if (state === 'refused') {
      this.refused = true;
      this.input.disabled = true;
      this.sendButton.disabled = true;
    }
    this.status.textContent = state === 'refused' ? this.t.refused : state === 'offline' ? this.t.offline : '';
  }

  private onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'welcome':
        this.storeToken(frame.token);
        // A reconnect with nothing new keeps the page as it is.
        if (frame.through !== this.seen) this.renderHistory(frame.history, frame.through);
        // What was not acknowledged is sent again; the server answers a message id once.
        for (const p of this.pending.values()) this.connection.send(p.frame);
        return;
      case 'lines':
        // Only the welcome's history can hold these lines already. Several deliveries may carry the
        // same `through` (an agent's "joined" and first reply are recorded together): live ones are all new.
        if (frame.through <= this.snapshot) return;
        this.seen = Math.max(this.seen, frame.through);
        this.hideTyping();
        this.clearChoices();
        for (const line of frame.lines) this.appendLine(line);
        if (this.panel.hidden) {
          this.dot.hidden = false;
          this.bubble.setAttribute('aria-label', `${this.t.open} (${this.t.newMessage})`);
        }
        return;
      case 'customer':
        if (this.sentHere.has(frame.id)) return;
        this.clearChoices();
        this.appendLine({ from: 'customer', text: frame.text, at: new Date().toISOString() });
        return;
      case 'typing':
        this.showTyping();
        return;
      case 'ack':
        this.pending.delete(frame.id);
        this.pendingLines.get(frame.id)?.classList.remove('pending');
        this.pendingLines.delete(frame.id);
        return;
      case 'error':
        this.onError(frame);
        return;
      default: {
        const _exhaustive: never = frame;
        return _exhaustive;
      }
    }
  }

  private onError(frame: Extract<ServerFrame, { type: 'error' }>): void {
    const message = frame.code === 'too-long' ? this.t.tooLong : frame.code === 'rate-limited' ? this.t.rateLimited : '';
    if (message) this.status.textContent = message;
    if (frame.id === undefined) return;
    if (frame.code === 'unavailable') {
      // The server could not record it just now: the same id again in a moment (answered once).
      const id = frame.id;
      window.setTimeout(() => {
        const p = this.pending.get(id);
        if (p) this.connection.send(p.frame);
      }, 2000);
      return;
    }
    // Refused for good: the line says it was not sent, and it is not tried again.
    this.pending.delete(frame.id);
    const line = this.pendingLines.get(frame.id);
    this.pendingLines.delete(frame.id);
    if (line) {
      line.classList.remove('pending');
      line.classList.add('failed');
      line.append(el('span', { class: 'who' }, [this.t.notSent]));
    }
  }

  private submitTyped(): void {
    const text = this.input.value.trim();
    if (!text || this.refused) return;
    if (codePoints(text) > MAX_MESSAGE_CHARS) {
      this.status.textContent = this.t.tooLong;
      return;
    }
    this.input.value = '';
    this.submit({ type: 'message', id: newId(), text, lang: navigator.language }, text);
  }

  private submit(frame: Outgoing, shown: string): void {
    this.status.textContent = '';
    this.sentHere.add(frame.id);
    this.pending.set(frame.id, { frame, shown });
    this.clearChoices();
    const line = this.appendLine({ from: 'customer', text: shown, at: new Date().toISOString() });
    line.classList.add('pending');
    this.pendingLines.set(frame.id, line);
    this.startConnection();
    this.connection.send(frame);
  }

  private shareLocation(): void {
    navigator.geolocation.getCurrentPosition(
      (position) => this.submit({ type: 'location', id: newId(), lat: position.coords.latitude, lon: position.coords.longitude, lang: navigator.language }, ''),
      () => (this.status.textContent = this.t.locationFailed),
      { timeout: 10_000, maximumAge: 60_000 },
    );
  }

  private renderGreeting(): void {
    this.log.replaceChildren();
    this.appendLine({ from: 'bot', text: this.config.greeting[this.lang], at: '' });
  }

  /** The conversation as the server has it, then what this tab is still sending. */
  private renderHistory(history: readonly ChatLine[], through: number): void {
    this.renderGreeting();
    for (const line of history) this.appendLine(line);
    for (const [id, p] of this.pending) {
      const line = this.appendLine({ from: 'customer', text: p.shown, at: '' });
      line.classList.add('pending');
      this.pendingLines.set(id, line);
    }
    this.snapshot = through;
    this.seen = through;
  }

  /** Takes the buttons off older lines: once the conversation moved on, an old question's choices would mislead. */
  private clearChoices(): void {
    for (const old of this.log.querySelectorAll('.choices')) old.remove();
  }

  private appendLine(line: ChatLine): HTMLLIElement {
    const item = el('li', { class: `line ${line.from}` });
    if (line.from === 'agent') item.append(el('span', { class: 'who' }, [this.t.agent]));
    // A shared location has no text of its own.
    const text = line.from === 'customer' && line.text === '' ? this.t.locationShared : line.text;
    item.append(el('div', { class: 'text' }, [richText(text)]));
    if (line.options && line.options.length > 0) {
      const choices = el('div', { class: 'choices' });
      for (const option of line.options) {
        const button = el('button', { type: 'button' }, [option.label]);
        button.addEventListener('click', () => {
          choices.remove();
          this.submit({ type: 'message', id: newId(), text: option.value, lang: navigator.language }, option.label);
          // The pressed button is gone: the focus goes where the conversation continues.
          this.input.focus();
        });
        choices.append(button);
      }
      item.append(choices);
    }
    this.log.append(item);
    this.scrollDown();
    return item;
  }

  private showTyping(): void {
    this.typing.hidden = false;
    window.clearTimeout(this.typingTimer);
    this.typingTimer = window.setTimeout(() => this.hideTyping(), TYPING_MS);
  }

  private hideTyping(): void {
    this.typing.hidden = true;
    window.clearTimeout(this.typingTimer);
  }

  private scrollDown(): void {
    this.log.scrollTop = this.log.scrollHeight;
  }

  private storedToken(): string | undefined {
    try {
      return localStorage.getItem(this.storageKey) ?? undefined;
    } catch {
      return this.memoryToken;
    }
  }

  private memoryToken: string | undefined;

  private storeToken(token: string): void {
    this.memoryToken = token;
    try {
      localStorage.setItem(this.storageKey, token);
    } catch {
      // Storage blocked (private mode, a sandboxed frame): the conversation lasts as long as the page.
    }
  }
}

/** A constructed stylesheet where the browser has them (CSP-proof), else a <style> element. */
function applyStyles(root: ShadowRoot, css: string): void {
  if ('adoptedStyleSheets' in root && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
    return;
  }
  root.append(el('style', {}, [css]));
}

/** A message id unique within the conversation (the server answers each id once). */
function newId(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Characters as the customer counts them (and the server limits them): code points. */
function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}
