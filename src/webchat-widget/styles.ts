/**
 * The widget's styles, inside its shadow root (the page's CSS does not reach in, ours does not
 * leak out). Applied as a constructed stylesheet, which a strict style-src allows. The brand
 * colour is the custom property --tw-color, set through the CSSOM.
 */
export const WIDGET_CSS = `
:host{all:initial}
*{box-sizing:border-box}
.tw{position:fixed;bottom:20px;right:20px;z-index:2147483000;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2937}
.tw.left{right:auto;left:20px}
.bubble{width:60px;height:60px;border-radius:50%;border:0;background:var(--tw-color);color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);display:flex;align-items:center;justify-content:center;position:relative}
.bubble svg{width:30px;height:30px;fill:currentColor}
.bubble:focus-visible,button:focus-visible,textarea:focus-visible,a:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.dot{position:absolute;top:4px;right:4px;width:14px;height:14px;border-radius:50%;background:#dc2626;border:2px solid #fff}
.panel{position:absolute;bottom:76px;right:0;width:370px;height:min(600px,calc(100vh - 110px));background:#fff;border-radius:14px;box-shadow:0 10px 40px rgba(0,0,0,.28);display:flex;flex-direction:column;overflow:hidden}
.tw.left .panel{right:auto;left:0}
[hidden]{display:none!important}
header{display:flex;align-items:center;gap:10px;padding:12px 14px;background:var(--tw-color);color:#fff}
header img{width:32px;height:32px;border-radius:50%;object-fit:cover;background:#fff}
header .title{flex:1;font-weight:600;font-size:16px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.close{border:0;background:transparent;color:#fff;font-size:26px;line-height:1;cursor:pointer;padding:2px 8px;border-radius:6px}
.status{padding:6px 14px;font-size:13px;background:#fef3c7;color:#78350f}
.status:empty{display:none}
.log{flex:1;overflow-y:auto;margin:0;padding:14px;list-style:none;display:flex;flex-direction:column;gap:8px;background:#f8fafc}
.line{max-width:85%;display:flex;flex-direction:column;gap:6px}
.line .text{padding:8px 12px;border-radius:14px;white-space:pre-wrap;overflow-wrap:anywhere;background:#fff;border:1px solid #e5e7eb}
.line.customer{align-self:flex-end}
.line.customer .text{background:var(--tw-color);color:#fff;border-color:transparent}
.line.customer.pending .text{opacity:.7}
.line.failed .text{background:#fee2e2;color:#7f1d1d}
.line.agent .text{background:#eef2ff;border-color:#c7d2fe}
.who{font-size:12px;color:#4b5563;padding-left:4px}
.line a{color:inherit;text-decoration:underline}
.choices{display:flex;flex-wrap:wrap;gap:6px}
.choices button{border:1px solid var(--tw-color);color:var(--tw-color);background:#fff;border-radius:16px;padding:6px 12px;font:inherit;font-size:14px;cursor:pointer}
.choices button:hover{background:#f0fdfa}
.typing{padding:0 16px 6px;font-size:13px;color:#6b7280;background:#f8fafc}
form{display:flex;align-items:flex-end;gap:6px;padding:10px;border-top:1px solid #e5e7eb;background:#fff}
textarea{flex:1;resize:none;border:1px solid #d1d5db;border-radius:10px;padding:8px 10px;font:inherit;max-height:120px;min-height:40px;color:#111827}
form button{border:0;border-radius:10px;height:40px;min-width:40px;cursor:pointer;font:inherit;display:flex;align-items:center;justify-content:center}
form button svg{width:20px;height:20px;fill:currentColor}
form button:disabled{opacity:.5;cursor:not-allowed}
.send{background:var(--tw-color);color:#fff;padding:0 12px}
.loc{background:#f1f5f9;color:#111827}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:480px){.tw{bottom:12px;right:12px}.tw.left{left:12px}.panel{position:fixed;inset:0;width:auto;height:auto;border-radius:0}}
`;
