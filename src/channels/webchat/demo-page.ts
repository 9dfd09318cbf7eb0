import { WEBCHAT_PATHS } from './protocol';

/**
 * The Content-Security-Policy of the demo page: as strict as a careful shop's. No inline script
 * or style, no eval; the widget needs only its own script and a connection to its server.
 */
export const DEMO_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "connect-src 'self'",
  "style-src 'self'",
  "img-src 'self' https: data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `GET /webchat/demo`: a sample shop page with the one line a shop pastes into its own. */
export function demoPage(shopName: string): string {
  const name = escapeHtml(shopName);
  return `<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${name} — web chat demo</title>
<link rel="stylesheet" href="${WEBCHAT_PATHS.demoStyles}">
</head>
<body>
<header><h1>${name}</h1><p>Contoh halaman toko dengan chat Tanya · A sample shop page with Tanya's web chat</p></header>
<main>
<p>Klik gelembung chat di pojok kanan bawah dan tanyakan harga, stok, jam buka toko, atau minta bicara dengan CS.</p>
<p>Click the chat bubble in the corner and ask about prices, stock, opening hours, or ask for a person.</p>
<p>Pasang di situs Anda · Put it on your site:</p>
<pre><code>&lt;script src="https://bot.example.com${WEBCHAT_PATHS.widget}" async&gt;&lt;/script&gt;</code></pre>
</main>
<script src="${WEBCHAT_PATHS.widget}" async></script>
</body>
</html>
`;
}

export const DEMO_STYLES = `body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2937;background:#f8fafc}
header{padding:24px 16px;background:#0f766e;color:#fff}header h1{margin:0 0 4px;font-size:28px}header p{margin:0}
main{max-width:720px;padding:16px}pre{white-space:pre-wrap;word-break:break-all;background:#e2e8f0;padding:12px;border-radius:6px}
`;
