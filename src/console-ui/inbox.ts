/// <reference lib="dom" />
import { getJson, postJson, type CannedReply, type TicketDetail, type TicketRow } from './api';
import { el, meta } from './dom';

const STATUS_LABEL: Readonly<Record<TicketRow['status'], string>> = {
  queued: 'antre / queued',
  claimed: 'diambil / claimed',
  resolved: 'selesai / resolved',
  cancelled: 'batal / cancelled',
};
const FROM_LABEL = { customer: 'Pelanggan / Customer', bot: 'Bot', agent: 'Agen / Agent' } as const;
const ERROR_LABEL: Readonly<Record<string, string>> = {
  'claimed-by-other': 'Tiket dipegang agen lain. / Another agent holds this ticket.',
  closed: 'Tiket sudah ditutup. / The ticket is closed.',
  empty: 'Tulis pesan dulu. / Write a message first.',
  'not-found': 'Tiket tidak ada. / No such ticket.',
};

/** The live inbox: the ticket list (refreshed on every change the server announces) and the open ticket. */
export class Inbox {
  private selected: string | undefined;
  private known = new Set<string>();
  private first = true;
  private readonly me = meta('agent');
  private readonly baseTitle = document.title;
  private agents: string[] = [];
  /** The refresh under way; a change announced meanwhile runs one more after it (never two at once). */
  private refreshing: Promise<void> | undefined;
  private refreshAgain = false;
  /** Counts ticket loads, so a slow older answer never paints over a newer one. */
  private opened = 0;
  /** The ticket on screen (whose reply box holds the agent's draft). */
  private shown: string | undefined;

  start(): void {
    this.select('f-status').addEventListener('change', () => void this.refresh());
    this.select('f-channel').addEventListener('change', () => void this.refresh());
    this.select('f-agent').addEventListener('change', () => void this.refresh());
    void getJson<string[]>('/console/api/agents').then((names) => {
      this.agents = names;
      this.select('f-agent').append(...names.map((n) => el('option', { value: n }, n)));
    });
    const wanted = location.hash.slice(1);
    if (wanted) this.selected = wanted;
    void this.refresh();
    this.connect(1000);
  }

  private byId(id: string): HTMLElement {
    const node = document.getElementById(id);
    if (!node) throw new Error(`#${id} missing`);
    return node;
  }

  private select(id: string): HTMLSelectElement {
    const node = this.byId(id);
    if (!(node instanceof HTMLSelectElement)) throw new Error(`#${id} is not a select`);
    return node;
  }

  private connect(delayMs: number): void {
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/console/live`);
    const live = this.byId('live');
    ws.onopen = () => {
      live.textContent = '● langsung / live';
      void this.refresh();
    };
    ws.onmessage = (event) => {
      const frame = JSON.parse(String(event.data)) as { type: string };
      if (frame.type === 'tickets') void this.refresh();
    };
    ws.onclose = () => {
      live.textContent = '○ menyambung ulang / reconnecting';
      setTimeout(() => this.connect(Math.min(delayMs * 2, 15_000)), delayMs);
    };
  }

  /**
   * Reloads the list and the open ticket. Changes announced while a reload is under way (a reply,
   * then a note) run one more reload after it: two at once could finish out of order and paint the
   * older state last.
   */
  private refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      try {
        do {
          this.refreshAgain = false;
          // A failed reload (the server restarting) is retried by the next change announced.
          await this.reload().catch(() => undefined);
        } while (this.refreshAgain);
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  private async reload(): Promise<void> {
    const status = this.select('f-status').value;
    const channel = this.select('f-channel').value;
    const agent = status === 'mine' ? this.me : this.select('f-agent').value;
    const query = new URLSearchParams({ status: status === 'mine' ? 'open' : status, channel, agent });
    const { tickets, channels } = await getJson<{ tickets: TicketRow[]; channels: string[] }>(`/console/api/tickets?${query.toString()}`);
    this.fillChannels(channels, channel);
    this.renderList(tickets);
    this.notify(tickets);
    if (this.selected) await this.open(this.selected, false);
  }

  private fillChannels(channels: readonly string[], current: string): void {
    const select = this.select('f-channel');
    const have = new Set([...select.options].map((o) => o.value));
    for (const c of channels) if (!have.has(c)) select.append(el('option', { value: c }, c));
    select.value = current;
  }

  /** A new queued ticket: the count in the title and a short beep (when the browser allows sound). */
  private notify(tickets: readonly TicketRow[]): void {
    const queued = tickets.filter((t) => t.status === 'queued');
    const fresh = queued.filter((t) => !this.known.has(t.id));
    for (const t of tickets) this.known.add(t.id);
    document.title = queued.length > 0 ? `(${queued.length}) ${this.baseTitle}` : this.baseTitle;
    if (fresh.length > 0 && !this.first) beep();
    this.first = false;
  }

  private renderList(tickets: readonly TicketRow[]): void {
    const list = this.byId('tickets');
    list.replaceChildren(
      ...tickets.map((t) => {
        const item = el(
          'li',
          { 'data-id': t.id, 'data-status': t.status, class: t.id === this.selected ? 'selected' : '' },
          el('div', { class: 'top' }, el('strong', {}, `${t.id} · ${t.customer}`), el('span', { class: `badge ${t.status}` }, STATUS_LABEL[t.status])),
          el('div', { class: 'q' }, t.lastQuestion),
          el('div', { class: 'status' }, `${t.channel} · ${t.createdAt} · ${t.agent ?? `menunggu / waiting ${t.waitingMinutes} min`}`),
        );
        item.addEventListener('click', () => {
          this.selected = t.id;
          location.hash = t.id;
          for (const li of list.querySelectorAll('li')) li.classList.toggle('selected', li.dataset.id === t.id);
          void this.open(t.id, true);
        });
        return item;
      }),
    );
    if (tickets.length === 0) list.append(el('li', { class: 'empty' }, 'Tidak ada tiket / No tickets'));
  }

  private async open(id: string, fresh: boolean): Promise<void> {
    const detail = this.byId('detail');
    const load = ++this.opened;
    const ticket = await getJson<TicketDetail>(`/console/api/tickets/${encodeURIComponent(id)}`).catch(() => undefined);
    if (load !== this.opened) return;
    if (!ticket) {
      this.shown = undefined;
      detail.replaceChildren(el('p', { class: 'empty' }, 'Tiket tidak ada / No such ticket'));
      return;
    }
    // Keep what the agent is typing across live refreshes of the same ticket, never into another one.
    const sameTicket = !fresh && this.shown === ticket.id;
    const draft = sameTicket ? ((document.getElementById('reply') as HTMLTextAreaElement | null)?.value ?? '') : '';
    this.shown = ticket.id;
    detail.replaceChildren(...this.ticketView(ticket, draft));
    const transcript = detail.querySelector('.transcript');
    if (transcript) transcript.lastElementChild?.scrollIntoView({ block: 'nearest' });
  }

  private ticketView(t: TicketDetail, draft: string): Node[] {
    const open = t.status === 'queued' || t.status === 'claimed';
    const mine = t.agent === this.me;
    const head = el('h2', { id: 'ticket-title' }, `${t.id} · ${t.customer}`);
    const meta = el(
      'div',
      { class: 'meta' },
      el('span', { class: `badge ${t.status}`, id: 'ticket-status' }, STATUS_LABEL[t.status]),
      el('span', {}, `Kanal / Channel: ${t.channel}`),
      el('span', { id: 'ticket-agent' }, `Agen / Agent: ${t.agent ?? '—'}`),
      el('span', {}, `Dibuat / Opened: ${t.createdAt}`),
      el('span', {}, `Menunggu / Waited: ${t.waitingMinutes} min`),
      el('span', {}, `Alasan / Reason: ${t.reason}`),
      t.csat !== null ? el('span', {}, `CSAT: ${t.csat}/5`) : null,
    );
    const slots = t.flow
      ? el(
          'div',
          { class: 'slots' },
          el('strong', {}, `Alur / Flow ${t.flow.id}: `),
          Object.entries(t.flow.slots)
            .map(([k, v]) => `${k} = ${String(v)}`)
            .join(', ') || '—',
        )
      : null;
    const lines = el(
      'ol',
      { class: 'transcript' },
      ...t.lines.map((line) =>
        el(
          'li',
          { class: line.from },
          el(
            'span',
            { class: 'info' },
            `${FROM_LABEL[line.from]} · ${line.at}${line.entryId ? ` · ${line.entryId}` : ''}${line.confidence !== undefined ? ` (${line.confidence.toFixed(2)})` : ''}${line.from === 'bot' && line.decision && !line.entryId ? ` · ${line.decision}` : ''}`,
          ),
          line.text,
        ),
      ),
    );
    const notes =
      t.notes.length > 0
        ? el(
            'ul',
            { class: 'notes', 'aria-label': 'Catatan internal / Internal notes' },
            ...t.notes.map((n) => el('li', {}, el('strong', {}, `Catatan / Note · ${n.agent} · ${n.at}: `), n.text)),
          )
        : null;
    const status = el('div', { class: 'status', id: 'action-status', role: 'status' });
    const act = async (action: string, body: unknown = {}): Promise<void> => {
      const answer = await postJson(`/console/api/tickets/${encodeURIComponent(t.id)}/${action}`, body);
      status.textContent = answer.status === 200 ? 'OK' : (ERROR_LABEL[answer.body.error ?? ''] ?? answer.body.error ?? String(answer.status));
      if (answer.status === 200) await this.open(t.id, action === 'reply' || action === 'note');
    };
    const button = (action: string, label: string, enabled: boolean, primary = false): HTMLButtonElement => {
      const b = el('button', { type: 'button', 'data-action': action, ...(primary ? { class: 'primary' } : {}) }, label);
      b.disabled = !enabled;
      b.addEventListener('click', () => void act(action));
      return b;
    };
    const target = el(
      'select',
      { id: 'transfer-to', 'aria-label': 'Alihkan ke / Transfer to' },
      ...this.agents.filter((a) => a !== t.agent && a !== this.me).map((a) => el('option', { value: a }, a)),
    );
    const transfer = el('button', { type: 'button', 'data-action': 'transfer' }, 'Alihkan / Transfer');
    transfer.disabled = !open || (t.status === 'claimed' && !mine);
    transfer.addEventListener('click', () => void act('transfer', { to: target.value }));
    const actions = el(
      'div',
      { class: 'actions' },
      button('claim', 'Ambil / Claim', t.status === 'queued', true),
      button('resolve', 'Selesaikan / Resolve', open),
      target,
      transfer,
    );
    const reply = el('textarea', { id: 'reply', placeholder: 'Balasan ke pelanggan, atau catatan internal / Reply to the customer, or an internal note' });
    reply.value = draft;
    const send = el('button', { type: 'button', 'data-action': 'reply', class: 'primary' }, 'Kirim / Send');
    send.disabled = !open || (t.status === 'claimed' && !mine);
    send.addEventListener('click', () => void act('reply', { text: reply.value }));
    const note = el('button', { type: 'button', 'data-action': 'note' }, 'Catatan / Note');
    note.addEventListener('click', () => void act('note', { text: reply.value }));
    const canned = el('ul', { class: 'canned', id: 'canned' });
    const search = el('input', { id: 'canned-search', type: 'search', placeholder: 'Cari jawaban / Search answers' });
    search.addEventListener('input', () => {
      void getJson<CannedReply[]>(`/console/api/canned?q=${encodeURIComponent(search.value)}`).then((found) => {
        canned.replaceChildren(
          ...found.map((c) => {
            const item = el('li', { 'data-entry': c.entryId }, `${c.title}: ${c.text.slice(0, 90)}`);
            item.addEventListener('click', () => {
              reply.value = reply.value ? `${reply.value}\n${c.text}` : c.text;
              reply.focus();
            });
            return item;
          }),
        );
      });
    });
    const parts: (Node | null)[] = [
      head,
      meta,
      slots,
      lines,
      notes,
      actions,
      el('div', { class: 'compose' }, reply, el('div', {}, send, note)),
      search,
      canned,
      status,
    ];
    return parts.filter((n): n is Node => n !== null);
  }
}

/** A short beep (Web Audio); silent when the browser has not allowed sound yet. */
function beep(): void {
  try {
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    tone.frequency.value = 880;
    tone.connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.15);
  } catch {
    // No sound: the title still shows the count.
  }
}
