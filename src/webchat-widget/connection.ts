/// <reference lib="dom" />
import type { ClientFrame, PollAnswer, ServerFrame } from '../channels/webchat/protocol';
import { WEBCHAT_PATHS } from '../channels/webchat/protocol';

export type ConnectionState = 'connecting' | 'online' | 'offline' | 'refused';
type Outgoing = Extract<ClientFrame, { type: 'message' | 'location' }>;

export interface ConnectionHandlers {
  /** A frame from the server (welcome, lines, ack, …). */
  frame(frame: ServerFrame): void;
  state(state: ConnectionState): void;
  /** The hello to say on every (re)connect: the stored token, the browser's language. */
  hello(): Extract<ClientFrame, { type: 'hello' }>;
}

/** Close codes of the server (see socket-transport.ts). */
const CLOSE_ORIGIN_REFUSED = 4403;
/** WebSocket attempts that never opened before the widget switches to long polling. */
const SOCKET_TRIES = 2;
const MAX_BACKOFF_MS = 10_000;

/**
 * The widget's line to the server: a WebSocket, or long polling over fetch when WebSockets do
 * not get through (a proxy, a firewall). Reconnects by itself with backoff; every reconnect says
 * hello again, so the server sends the conversation as it now is.
 */
export class Connection {
  private ws: WebSocket | undefined;
  private polling = false;
  private failedSockets = 0;
  private attempt = 0;
  private timer: number | undefined;
  private stopped = false;
  private token = '';
  private epoch = '';
  private seq = 0;
  private live = false;
  /** Counts polling loops: a loop left behind by a reconnect stops instead of reading frames twice. */
  private pollRun = 0;

  constructor(
    private readonly base: URL,
    private readonly on: ConnectionHandlers,
  ) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  /** Sends a message or location; false when the line is down (the caller keeps it for the next welcome). */
  send(frame: Outgoing): boolean {
    if (!this.live) return false;
    if (this.ws) {
      this.ws.send(JSON.stringify(frame));
      return true;
    }
    void this.post(WEBCHAT_PATHS.send, { token: this.token, frame }).then(
      (answer) => this.on.frame(answer as ServerFrame),
      () => this.lost(),
    );
    return true;
  }

  private connect(): void {
    window.clearTimeout(this.timer);
    if (this.stopped) return;
    this.on.state('connecting');
    if (this.polling || typeof WebSocket === 'undefined') {
      this.polling = true;
      void this.startPolling();
      return;
    }
    const url = new URL(WEBCHAT_PATHS.socket, this.base);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    let opened = false;
    let ws: WebSocket;
    try {
      ws = new WebSocket(url.href);
    } catch {
      this.polling = true;
      this.connect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      opened = true;
      this.failedSockets = 0;
      ws.send(JSON.stringify(this.on.hello()));
    };
    ws.onmessage = (event: MessageEvent) => {
      const data: unknown = event.data;
      if (typeof data === 'string') this.receive(parse(data));
    };
    ws.onclose = (event: CloseEvent) => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      this.live = false;
      if (event.code === CLOSE_ORIGIN_REFUSED) {
        this.refuse();
        return;
      }
      if (!opened && ++this.failedSockets >= SOCKET_TRIES) this.polling = true;
      this.lost();
    };
  }

  private receive(frame: ServerFrame | undefined): void {
    if (!frame) return;
    if (frame.type === 'welcome') {
      this.token = frame.token;
      this.epoch = frame.epoch;
      this.seq = frame.seq;
      this.attempt = 0;
      this.live = true;
      this.on.state('online');
    } else if ('seq' in frame) {
      this.seq = Math.max(this.seq, frame.seq);
    }
    if (frame.type === 'error' && frame.code === 'origin') {
      this.refuse();
      return;
    }
    this.on.frame(frame);
    // A hello the server would not take now (too many from this address): try again later.
    if (frame.type === 'error' && frame.code === 'rate-limited' && !this.live) this.drop();
  }

  private refuse(): void {
    this.stopped = true;
    this.live = false;
    this.ws?.close();
    this.on.state('refused');
  }

  /** Gives up the current line and connects again later. */
  private drop(): void {
    const ws = this.ws;
    this.ws = undefined;
    ws?.close();
    this.lost();
  }

  /** Waits (backoff with jitter), then connects again. */
  private lost(): void {
    this.live = false;
    if (this.stopped) return;
    this.on.state('offline');
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempt++) * (0.75 + Math.random() / 2);
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.connect(), delay);
  }

  private async startPolling(): Promise<void> {
    const run = ++this.pollRun;
    const current = (): boolean => run === this.pollRun && this.live && !this.stopped;
    const hello = async (): Promise<void> => {
      const welcome = (await this.post(WEBCHAT_PATHS.hello, this.on.hello())) as ServerFrame;
      if (run === this.pollRun) this.receive(welcome);
    };
    try {
      await hello();
      while (current()) {
        const answer = (await this.post(WEBCHAT_PATHS.poll, { token: this.token, epoch: this.epoch, since: this.seq })) as PollAnswer;
        if (!current()) return;
        if (answer.resync) {
          await hello();
          continue;
        }
        if (typeof answer.frames !== 'object') throw new Error('not a poll answer');
        for (const frame of answer.frames) this.receive(frame);
      }
    } catch {
      if (run === this.pollRun && !this.stopped) this.lost();
    }
  }

  /** POSTs JSON as text/plain (no CORS preflight) and reads the JSON answer, refusals included. */
  private async post(path: string, body: unknown): Promise<unknown> {
    const response = await fetch(new URL(path, this.base).href, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8' },
      body: JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
    const answer = (await response.json()) as unknown;
    const frame = answer as Partial<ServerFrame>;
    if (response.status === 403 && frame.type === 'error' && frame.code === 'origin') {
      this.refuse();
      throw new Error('refused');
    }
    if (response.status >= 500) throw new Error(`HTTP ${response.status}`);
    return answer;
  }
}

function parse(text: string): ServerFrame | undefined {
  try {
    return JSON.parse(text) as ServerFrame;
  } catch {
    return undefined;
  }
}
