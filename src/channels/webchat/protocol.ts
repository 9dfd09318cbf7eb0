/**
 * What the web chat widget and the server say to each other: JSON frames over a WebSocket, or
 * the same frames in the bodies of the long-polling fallback. Types only, so the widget (a
 * browser bundle) imports them without pulling in any server code.
 */

/** Paths served on the shared HTTP server. */
export const WEBCHAT_PATHS = {
  widget: '/webchat/widget.js',
  demo: '/webchat/demo',
  demoStyles: '/webchat/demo.css',
  socket: '/webchat/socket',
  hello: '/webchat/api/hello',
  send: '/webchat/api/send',
  poll: '/webchat/api/poll',
} as const;

/** Longest customer message the widget may send, in characters (the engine reads 4,000). */
export const MAX_MESSAGE_CHARS = 2000;

/** Who said a line. */
export type LineFrom = 'customer' | 'bot' | 'agent';

export interface ChoiceView {
  readonly label: string;
  /** Sent back as the customer's message when the button is pressed. */
  readonly value: string;
}

/** One line of the conversation as the widget shows it. */
export interface ChatLine {
  readonly from: LineFrom;
  /** Empty for a customer's shared location. */
  readonly text: string;
  /** ISO time. */
  readonly at: string;
  /** Buttons under the line (suggestions, clarifications, flow choices, the 1–5 rating). */
  readonly options?: readonly ChoiceView[];
}

/** What the widget sends. */
export type ClientFrame =
  /** Starts (no token) or resumes (token) a conversation; `lang` is the browser's language. */
  | { readonly type: 'hello'; readonly token?: string; readonly lang?: string }
  /** A typed message or a pressed button; `id` is the widget's own, unique per conversation (resent after a reconnect, answered once). */
  | { readonly type: 'message'; readonly id: string; readonly text: string; readonly lang?: string }
  /** The browser's location, shared by the customer (→ nearest branches). */
  | { readonly type: 'location'; readonly id: string; readonly lat: number; readonly lon: number; readonly lang?: string };

/** Why the server refused something. */
export type WebChatErrorCode = 'origin' | 'token' | 'rate-limited' | 'too-long' | 'bad-frame' | 'unavailable';

/** What the server sends. `seq` numbers a conversation's live events (the long-poll cursor). */
export type ServerFrame =
  /**
   * The conversation so far (its newest lines). `through` is the number of transcript lines it
   * covers: a later `lines` frame with a `through` not above it is in this history already.
   */
  | {
      readonly type: 'welcome';
      readonly token: string;
      readonly history: readonly ChatLine[];
      readonly through: number;
      readonly seq: number;
      /** Names the server process `seq` counts in (long polls send it back with their cursor). */
      readonly epoch: string;
    }
  /**
   * New lines from the bot or an agent. `through`: the transcript's length when they were sent
   * (their lines and any recorded with them); the widget skips them when its welcome's history
   * already reached that far.
   */
  | { readonly type: 'lines'; readonly seq: number; readonly through: number; readonly lines: readonly ChatLine[] }
  /** The customer wrote from another tab of the same conversation. */
  | { readonly type: 'customer'; readonly seq: number; readonly id: string; readonly text: string }
  /** A reply is being prepared. */
  | { readonly type: 'typing'; readonly seq: number }
  /** The message `id` is recorded: it will be answered even if the connection drops now. */
  | { readonly type: 'ack'; readonly id: string }
  | { readonly type: 'error'; readonly code: WebChatErrorCode; readonly id?: string };

/** Bodies of the long-polling fallback's requests (POSTed as text/plain JSON, so browsers send them without a preflight). */
export interface SendRequest {
  readonly token: string;
  readonly frame: Extract<ClientFrame, { type: 'message' | 'location' }>;
}
export interface PollRequest {
  readonly token: string;
  readonly epoch: string;
  /** The newest `seq` the widget has seen. */
  readonly since: number;
}

/** What a long poll answers: the frames after the cursor, or `resync` when they are no longer kept (say hello again). */
export interface PollAnswer {
  readonly frames: readonly ServerFrame[];
  readonly resync?: boolean;
}

/** The widget's settings, put into widget.js when it is served. */
export interface WidgetConfig {
  readonly title: string;
  readonly botName: string;
  /** Brand colour, `#rrggbb`. */
  readonly color: string;
  readonly logoUrl?: string;
  readonly position: 'right' | 'left';
  readonly greeting: { readonly id: string; readonly en: string };
  readonly languages: readonly ('id' | 'en')[];
  readonly defaultLanguage: 'id' | 'en';
}
