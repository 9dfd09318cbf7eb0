/** Escapes text for HTML element content and quoted attribute values. */
export function esc(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Scripts and styles from this server only; no inline script or style; no framing. */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** Headers of every console page. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // Not no-referrer: with it, Chromium sends "Origin: null" on form posts, which the CSRF check refuses.
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

export type ConsolePage = 'inbox' | 'dashboard' | 'playground' | 'login';

export interface Chrome {
  readonly title: string;
  readonly page: ConsolePage;
  readonly shopName: string;
  /** The signed-in agent (absent on the login page). */
  readonly agent?: { readonly name: string; readonly role: 'agent' | 'admin'; readonly csrf: string };
  /** Load the inbox script. */
  readonly script?: boolean;
}

/** A console page: header with the navigation (admin links for admins), then `body`. */
export function pageHtml(chrome: Chrome, body: string): string {
  const { agent } = chrome;
  const link = (page: ConsolePage, href: string, label: string): string =>
    `<a href="${href}"${chrome.page === page ? ' aria-current="page"' : ''}>${label}</a>`;
  const nav = agent
    ? `<nav>${link('inbox', '/console/inbox', 'Kotak masuk / Inbox')}${
        agent.role === 'admin'
          ? `${link('dashboard', '/console/dashboard', 'Dasbor / Dashboard')}${link('playground', '/console/playground', 'Uji coba / Playground')}`
          : ''
      }</nav><form method="post" action="/console/logout" class="logout"><input type="hidden" name="_csrf" value="${esc(agent.csrf)}"><span class="who">${esc(agent.name)} (${agent.role})</span><button type="submit">Keluar / Log out</button></form>`
    : '';
  return `<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(chrome.title)} · ${esc(chrome.shopName)}</title>
<link rel="stylesheet" href="/console/console.css">
${agent ? `<meta name="csrf-token" content="${esc(agent.csrf)}"><meta name="agent" content="${esc(agent.name)}">` : ''}
${chrome.script ? '<script src="/console/app.js" defer></script>' : ''}
</head><body data-page="${chrome.page}">
<header><strong>${esc(chrome.shopName)} · Tanya</strong>${nav}</header>
<main>${body}</main>
</body></html>`;
}

/** The sign-in form; `error` says why the last attempt failed. */
export function loginPage(shopName: string, loginToken: string, error?: 'wrong' | 'limited' | 'expired'): string {
  const message =
    error === 'wrong'
      ? 'Nama atau kata sandi salah. / Wrong name or password.'
      : error === 'limited'
        ? 'Terlalu banyak percobaan gagal; coba lagi dalam 15 menit. / Too many failed attempts; try again in 15 minutes.'
        : error === 'expired'
          ? 'Formulir kedaluwarsa; silakan coba lagi. / The form expired; please try again.'
          : '';
  return pageHtml(
    { title: 'Masuk / Log in', page: 'login', shopName },
    `<form method="post" action="/console/login" class="login">
<h1>Konsol agen / Agent console</h1>
${message ? `<p class="error" role="alert">${message}</p>` : ''}
<input type="hidden" name="_csrf" value="${esc(loginToken)}">
<label>Nama / Name <input name="name" autocomplete="username" required autofocus></label>
<label>Kata sandi / Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Masuk / Log in</button>
</form>`,
  );
}
