import { safeErrorText } from './error-text';

export type ComponentState = 'starting' | 'started' | 'failing' | 'stopped';

/** What /healthz shows of one channel or agent destination. */
export interface ComponentReport {
  readonly name: string;
  readonly state: ComponentState;
  /** While failing: the latest error. */
  readonly lastError?: { readonly at: string; readonly message: string };
}

interface Component {
  state: 'starting' | 'started' | 'stopped';
  /** Failing to send (the outbox retries) and failing to take messages in, apart: one success does not hide the other. */
  sendFailing: boolean;
  receiveFailing: boolean;
  lastError?: { at: string; message: string };
}

/**
 * The state of each channel (or destination) of a running bot, from what it is seen doing:
 * started by `runBot`, deliveries by the outbox hub, intake by the inbox. A channel is "failing"
 * while its last send or its last intake failed; it is "started" again after the next success.
 */
export class ComponentHealth {
  private readonly components = new Map<string, Component>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  private get(name: string): Component {
    let c = this.components.get(name);
    if (!c) {
      c = { state: 'starting', sendFailing: false, receiveFailing: false };
      this.components.set(name, c);
    }
    return c;
  }

  starting(name: string): void {
    this.get(name).state = 'starting';
  }

  started(name: string): void {
    this.get(name).state = 'started';
  }

  stopped(name: string): void {
    this.get(name).state = 'stopped';
  }

  sent(name: string): void {
    this.get(name).sendFailing = false;
  }

  sendFailed(name: string, error: unknown): void {
    const c = this.get(name);
    c.sendFailing = true;
    c.lastError = { at: this.now().toISOString(), message: `send: ${safeErrorText(error)}` };
  }

  received(name: string): void {
    this.get(name).receiveFailing = false;
  }

  receiveFailed(name: string, error: unknown): void {
    const c = this.get(name);
    c.receiveFailing = true;
    c.lastError = { at: this.now().toISOString(), message: `receive: ${safeErrorText(error)}` };
  }

  /** Known names in the order they were first seen. */
  names(): string[] {
    return [...this.components.keys()];
  }

  report(name: string): ComponentReport {
    const c = this.get(name);
    const state: ComponentState = c.state === 'started' && (c.sendFailing || c.receiveFailing) ? 'failing' : c.state;
    return { name, state, ...(state === 'failing' && c.lastError ? { lastError: { ...c.lastError } } : {}) };
  }

  reports(): ComponentReport[] {
    return this.names().map((n) => this.report(n));
  }
}
