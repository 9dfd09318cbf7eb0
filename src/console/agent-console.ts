import { randomBytes } from 'node:crypto';
import type { AgentDesk } from '../engine/agent-desk';
import type { LoadedFlow } from '../flows/loader';
import type { KnowledgeBase } from '../knowledge/schema';
import type { Logger } from '../logging/logger';
import type { HttpRequest, HttpResponse, HttpServer } from '../server/http-server';
import { clientAddress } from '../server/client-address';
import { LogThrottle } from '../logging/throttle';
import { headerValue } from '../server/secrets';
import type { ConsoleStore } from '../storage/console-store';
import type { ConversationStore } from '../storage/store';
import { changeAllowed, ConsoleAuth, sameSecret, SESSION_HOURS, type Signed } from './console-auth';
import { CONSOLE_CSS } from './console-css';
import { cookie, LOGIN_COOKIE, readCookies, SESSION_COOKIE } from './cookies';
import { dashboardBody } from './dashboard-page';
import { dashboardFigures } from './dashboard-figures';
import { loginPage, pageHtml, PAGE_HEADERS } from './html';
import { LiveUpdates } from './live-updates';
import { playgroundBody, tryMessage } from './playground';
import { InboxApi } from './inbox-api';
import { CONSOLE_VIA, json } from './console-http';
import { consoleScript } from './ui-bundle';
import { cannedReplies } from './canned-replies';
import { applyExample, planExample, type ExampleLanguage } from './add-example';
import { addedNotice, previewBody, problemBody } from './example-pages';

/** Largest request body of the console (a reply, a note, a login form). */
const BODY_BYTES = 16 * 1024;

export interface AgentConsoleOptions {
  readonly store: ConversationStore;
  readonly accounts: ConsoleStore;
  readonly desk: AgentDesk;
  readonly server: HttpServer;
  /** The knowledge base being served (shop name, time zone, canned replies, playground). */
  readonly kb: () => KnowledgeBase;
  /** The flows being served (playground). */
  readonly flows: () => readonly LoadedFlow[];
  readonly log: Logger;
  readonly now?: () => Date;
  /** Mark cookies Secure (serve the console over HTTPS; CONSOLE_SECURE_COOKIES=1). Default false. */
  readonly secureCookies?: boolean;
  /** Behind a reverse proxy on this machine or a private network (CONSOLE_TRUST_PROXY=1): sign-in limits use X-Forwarded-For's client address. */
  readonly trustProxy?: boolean;
  /** How often the live feed looks for changes (default 300 ms). */
  readonly livePollMs?: number;
}

type Need = 'agent' | 'admin';
type Handler = (request: HttpRequest, signed: Signed) => HttpResponse | Promise<HttpResponse>;

const redirect = (location: string, setCookie?: string): HttpResponse => ({
  status: 303,
  body: '',
  headers: { location, 'cache-control': 'no-store', ...(setCookie ? { 'set-cookie': setCookie } : {}) },
});

/**
 * The agent console at /console on the shared HTTP server: sign-in, the live inbox of handoff
 * tickets (claim, reply, note, transfer, resolve through the same `AgentDesk` as every other desk,
 * so one ticket is handled by whichever desk acts first), and for admins the dashboard and the
 * playground. Pages are server-rendered under a strict CSP; the inbox's script is bundled at start.
 */
export class AgentConsole {
  private readonly auth: ConsoleAuth;
  /** Refused sign-ins are logged once a minute per outcome, with how many were held back. */
  private readonly logs = new LogThrottle();
  private readonly live: LiveUpdates;
  private readonly tickets: InboxApi;
  private readonly now: () => Date;
  private script = '';

  constructor(private readonly options: AgentConsoleOptions) {
    this.now = options.now ?? (() => new Date());
    this.auth = new ConsoleAuth(options.accounts, this.now);
    this.live = new LiveUpdates(this.auth, () => options.accounts.changeMark(), options.livePollMs);
    this.tickets = new InboxApi({ ...options, now: this.now, changed: () => this.live.poke() });
  }

  async start(): Promise<void> {
    const { server, log } = this.options;
    this.script = await consoleScript();
    const none = { maxBodyBytes: 0 };
    const small = { maxBodyBytes: BODY_BYTES };
    server.route('GET', '/console', (r) => this.page(r, 'agent', () => redirect('/console/inbox')), none);
    server.route('GET', '/console/login', (r) => this.loginForm(r), none);
    server.route('POST', '/console/login', (r) => this.login(r), small);
    server.route('POST', '/console/logout', (r) => this.change(r, 'agent', (_req, s) => this.logout(s)), small);
    server.route(
      'GET',
      '/console/console.css',
      () => ({ status: 200, body: CONSOLE_CSS, headers: { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-cache' } }),
      none,
    );
    server.route(
      'GET',
      '/console/app.js',
      () => ({
        status: 200,
        body: this.script,
        headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' },
      }),
      none,
    );
    server.route('GET', '/console/inbox', (r) => this.page(r, 'agent', (_req, s) => this.inboxPage(s)), none);
    server.route('GET', '/console/dashboard', (r) => this.page(r, 'admin', (req, s) => this.dashboardPage(req, s)), none);
    server.route(
      'GET',
      '/console/playground',
      (r) => this.page(r, 'admin', (_req, s) => this.html('Uji coba / Playground', 'playground', s, playgroundBody(s.csrf, ''))),
      none,
    );
    server.route('POST', '/console/playground', (r) => this.change(r, 'admin', (req, s) => this.playground(req, s)), small);
    server.route('POST', '/console/examples/preview', (r) => this.change(r, 'admin', (req, s) => this.previewExample(req, s)), small);
    server.route('POST', '/console/examples/add', (r) => this.change(r, 'admin', (req, s) => this.addExample(req, s)), small);
    server.route('GET', '/console/api/me', (r) => this.api(r, 'agent', (_req, s) => json(200, { name: s.agent, role: s.role })), none);
    server.route('GET', '/console/api/tickets', (r) => this.api(r, 'agent', (req) => this.tickets.list(req)), none);
    server.route('GET', '/console/api/tickets/:id', (r) => this.api(r, 'agent', (req, s) => this.tickets.show(req, s)), none);
    server.route('POST', '/console/api/tickets/:id/:action', (r) => this.change(r, 'agent', (req, s) => this.tickets.act(req, s)), small);
    server.route(
      'GET',
      '/console/api/agents',
      (r) =>
        this.api(r, 'agent', async () =>
          json(
            200,
            (await this.options.accounts.agents()).map((a) => a.name),
          ),
        ),
      none,
    );
    server.route(
      'GET',
      '/console/api/canned',
      (r) => this.api(r, 'agent', (req) => json(200, cannedReplies(this.options.kb(), req.query.get('q') ?? ''))),
      none,
    );
    server.route(
      'GET',
      '/console/api/admin/agents',
      (r) =>
        this.api(r, 'admin', async () =>
          json(
            200,
            (await this.options.accounts.agents()).map((a) => ({ name: a.name, role: a.role })),
          ),
        ),
      none,
    );
    server.upgrade('/console/live', this.live.upgrade);
    const agents = (await this.options.accounts.agents()).length;
    if (agents === 0) log.warn('agent console has no accounts yet: add one with "tanya agents add NAME --admin"');
    log.info({ path: '/console', agents }, 'agent console ready');
  }

  async stop(): Promise<void> {
    await this.live.stop();
  }

  // --- guards -------------------------------------------------------------------------------

  /** A page: without a session, off to the sign-in form; an agent on an admin page gets 403. */
  private async page(request: HttpRequest, need: Need, handler: Handler): Promise<HttpResponse> {
    const signed = await this.auth.signed(request);
    if (!signed) return redirect('/console/login');
    if (need === 'admin' && signed.role !== 'admin') return this.forbidden(signed);
    return handler(request, signed);
  }

  /** JSON for the inbox script: 401 without a session, 403 for an agent on admin data. */
  private async api(request: HttpRequest, need: Need, handler: Handler): Promise<HttpResponse> {
    const signed = await this.auth.signed(request);
    if (!signed) return json(401, { error: 'sign in first' });
    if (need === 'admin' && signed.role !== 'admin') return json(403, { error: 'admins only' });
    return handler(request, signed);
  }

  /** A change: a session, the role, and the session's CSRF token from this server's own page, or 403. */
  private async change(request: HttpRequest, need: Need, handler: Handler): Promise<HttpResponse> {
    const signed = await this.auth.signed(request);
    if (!signed) return json(401, { error: 'sign in first' });
    if (need === 'admin' && signed.role !== 'admin') return json(403, { error: 'admins only' });
    if (!changeAllowed(request, signed)) {
      this.options.log.warn({ agent: signed.agent, path: request.path }, 'console change refused: missing or wrong CSRF token');
      return json(403, { error: 'missing or wrong CSRF token; reload the page' });
    }
    return handler(request, signed);
  }

  private forbidden(signed: Signed): HttpResponse {
    return {
      status: 403,
      body: pageHtml(
        { title: '403', page: 'inbox', shopName: this.options.kb().settings.shopName, agent: { name: signed.agent, role: signed.role, csrf: signed.csrf } },
        '<h1>Khusus admin / Admins only</h1><p><a href="/console/inbox">Kotak masuk / Inbox</a></p>',
      ),
      headers: PAGE_HEADERS,
    };
  }

  private html(title: string, page: 'inbox' | 'dashboard' | 'playground', signed: Signed, body: string, status = 200): HttpResponse {
    return {
      status,
      body: pageHtml(
        {
          title,
          page,
          shopName: this.options.kb().settings.shopName,
          agent: { name: signed.agent, role: signed.role, csrf: signed.csrf },
          script: page === 'inbox',
        },
        body,
      ),
      headers: PAGE_HEADERS,
    };
  }

  // --- sign-in ------------------------------------------------------------------------------

  private async loginForm(request: HttpRequest): Promise<HttpResponse> {
    if (await this.auth.signed(request)) return redirect('/console/inbox');
    const token = randomBytes(18).toString('base64url');
    return {
      status: 200,
      body: loginPage(this.options.kb().settings.shopName, token),
      headers: { ...PAGE_HEADERS, 'set-cookie': cookie(LOGIN_COOKIE, token, 3600, this.secure(request)) },
    };
  }

  private async login(request: HttpRequest): Promise<HttpResponse> {
    const form = new URLSearchParams(request.body.toString('utf8'));
    const shop = this.options.kb().settings.shopName;
    const expected = readCookies(request.headers).get(LOGIN_COOKIE) ?? '';
    const token = randomBytes(18).toString('base64url');
    const again = (status: number, error: 'wrong' | 'limited' | 'expired'): HttpResponse => ({
      status,
      body: loginPage(shop, token, error),
      headers: { ...PAGE_HEADERS, 'set-cookie': cookie(LOGIN_COOKIE, token, 3600, this.secure(request)) },
    });
    if (!sameSecret(form.get('_csrf') ?? '', expected)) return again(403, 'expired');
    const name = (form.get('name') ?? '').trim().slice(0, 100);
    const address = clientAddress(request.headers, request.remoteAddress, this.options.trustProxy ?? false);
    const outcome = await this.auth.login(name, form.get('password') ?? '', address);
    if (!outcome.ok) {
      // The name only: the password is never logged, right or wrong.
      const heldBack = this.logs.take(`login-${outcome.error}`);
      if (heldBack !== undefined) this.options.log.warn({ agent: name, address, outcome: outcome.error, heldBack }, 'console login refused');
      return again(outcome.error === 'limited' ? 429 : 401, outcome.error);
    }
    this.options.log.info({ agent: outcome.session.agent }, 'console login');
    return redirect('/console/inbox', cookie(SESSION_COOKIE, outcome.token, SESSION_HOURS * 3600, this.secure(request)));
  }

  private async logout(signed: Signed): Promise<HttpResponse> {
    await this.auth.logout(signed);
    this.options.log.info({ agent: signed.agent }, 'console logout');
    return redirect('/console/login', cookie(SESSION_COOKIE, '', 0, this.options.secureCookies ?? false));
  }

  private secure(request: HttpRequest): boolean {
    return (this.options.secureCookies ?? false) || headerValue(request.headers['x-forwarded-proto']) === 'https';
  }

  // --- inbox --------------------------------------------------------------------------------

  private inboxPage(signed: Signed): HttpResponse {
    return this.html(
      'Kotak masuk / Inbox',
      'inbox',
      signed,
      `<div class="inbox"><section><div class="filters">
<select id="f-status" aria-label="Status"><option value="open">Terbuka / Open</option><option value="queued">Antre / Queued</option><option value="claimed">Diambil / Claimed</option><option value="mine">Milik saya / Mine</option><option value="all">Semua / All</option></select>
<select id="f-channel" aria-label="Kanal / Channel"><option value="">Semua kanal / All channels</option></select>
<select id="f-agent" aria-label="Agen / Agent"><option value="">Semua agen / All agents</option></select>
<span id="live" class="status">…</span></div>
<ul id="tickets" class="list" aria-label="Tiket / Tickets"></ul></section>
<section id="detail" class="detail"><p class="empty">Pilih tiket / Pick a ticket</p></section></div>`,
    );
  }

  // --- admin --------------------------------------------------------------------------------

  private async dashboardPage(request: HttpRequest, signed: Signed): Promise<HttpResponse> {
    const days = Math.min(365, Math.max(1, Number(request.query.get('days') ?? 7) || 7));
    const since = new Date(this.now().getTime() - days * 24 * 3600_000).toISOString();
    const kb = this.options.kb();
    const figures = await dashboardFigures(this.options.store, kb, since);
    const added = request.query.get('added') ?? '';
    const source = kb.sources.get(added);
    const notice = source ? addedNotice(added, source.file) : '';
    return this.html(
      'Dasbor / Dashboard',
      'dashboard',
      signed,
      dashboardBody(figures, days, { csrf: signed.csrf, entryIds: kb.entries.map((e) => e.id) }, notice),
    );
  }

  private previewExample(request: HttpRequest, signed: Signed): HttpResponse {
    const form = exampleForm(request);
    const planned = planExample(this.options.kb(), form.entry, form.lang, form.text);
    if (!planned.ok) return this.html('Tambah contoh / Add an example', 'dashboard', signed, problemBody(planned.problem, planned.file), 400);
    return this.html('Tambah contoh / Add an example', 'dashboard', signed, previewBody(signed.csrf, planned.plan));
  }

  private async addExample(request: HttpRequest, signed: Signed): Promise<HttpResponse> {
    const form = exampleForm(request);
    const done = applyExample(this.options.kb(), form.entry, form.lang, form.text, form.digest);
    if (!done.ok)
      return this.html('Tambah contoh / Add an example', 'dashboard', signed, problemBody(done.problem, done.file), done.problem === 'changed' ? 409 : 400);
    await this.options.store.audit({
      actor: signed.agent,
      action: 'knowledge.example',
      subject: done.plan.entryId,
      via: CONSOLE_VIA,
      detail: { lang: done.plan.lang },
    });
    this.options.log.info({ agent: signed.agent, entry: done.plan.entryId, file: done.plan.file }, 'example added to the knowledge base');
    return redirect(`/console/dashboard?added=${encodeURIComponent(done.plan.entryId)}`);
  }

  private async playground(request: HttpRequest, signed: Signed): Promise<HttpResponse> {
    const text = (new URLSearchParams(request.body.toString('utf8')).get('text') ?? '').trim();
    if (!text) return this.html('Uji coba / Playground', 'playground', signed, playgroundBody(signed.csrf, ''));
    const result = await tryMessage(this.options.kb(), this.options.flows(), text);
    return this.html('Uji coba / Playground', 'playground', signed, playgroundBody(signed.csrf, text, result));
  }
}

function exampleForm(request: HttpRequest): { entry: string; lang: ExampleLanguage; text: string; digest: string } {
  const form = new URLSearchParams(request.body.toString('utf8'));
  return { entry: form.get('entry') ?? '', lang: form.get('lang') === 'en' ? 'en' : 'id', text: form.get('text') ?? '', digest: form.get('digest') ?? '' };
}
