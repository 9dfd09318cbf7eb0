import WebSocket from 'ws';
import type { ClientFrame, ServerFrame } from '../../src/channels/webchat/protocol';
import { until } from '../support/local-server';

/** A widget's WebSocket as a test drives it: sends frames, keeps every frame received. */
export class SocketClient {
  readonly frames: ServerFrame[] = [];
  closeCode: number | undefined;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => this.frames.push(JSON.parse(data.toString('utf8')) as ServerFrame));
    ws.on('close', (code) => (this.closeCode = code));
  }

  /** Opens the socket of the bot at `base` (http://127.0.0.1:port) as a page on `origin` would. */
  static async open(base: string, origin: string = base): Promise<SocketClient> {
    const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/webchat/socket`, { headers: { origin } });
    const client = new SocketClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  send(frame: ClientFrame | string): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Says hello and returns the welcome. */
  async hello(token?: string, lang = 'id-ID'): Promise<Extract<ServerFrame, { type: 'welcome' }>> {
    const before = this.frames.length;
    this.send({ type: 'hello', ...(token ? { token } : {}), lang });
    return (await this.next((f) => f.type === 'welcome', before)) as Extract<ServerFrame, { type: 'welcome' }>;
  }

  /** The first frame from index `from` on that matches. */
  async next(match: (frame: ServerFrame) => boolean, from = 0, timeoutMs = 5000): Promise<ServerFrame> {
    let found: ServerFrame | undefined;
    await until(() => (found = this.frames.slice(from).find(match)) !== undefined, timeoutMs);
    if (!found) throw new Error('no frame');
    return found;
  }

  /** Sends a message and waits for the bot's lines that follow it; returns their texts joined. */
  async ask(text: string, id = `m${Math.random().toString(36).slice(2)}`): Promise<Extract<ServerFrame, { type: 'lines' }>> {
    const before = this.frames.length;
    this.send({ type: 'message', id, text, lang: 'id-ID' });
    await this.next((f) => f.type === 'ack' && f.id === id, before);
    return (await this.next((f) => f.type === 'lines', before)) as Extract<ServerFrame, { type: 'lines' }>;
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}
