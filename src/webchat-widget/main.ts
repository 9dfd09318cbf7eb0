/// <reference lib="dom" />
import type { WidgetConfig } from '../channels/webchat/protocol';
import { ChatWidget } from './widget';

/** Put in front of the bundle by the server when it serves widget.js (see widget-bundle.ts). */
declare const TANYA_WEBCHAT_CONFIG: WidgetConfig;

/**
 * widget.js: `<script src="https://bot.example.com/webchat/widget.js" async></script>` on any
 * page of an allowed origin shows the chat bubble. The server is the script's own origin.
 */
function boot(): void {
  if (document.querySelector('[data-tanya-webchat]')) return;
  // The running script; a loader that hides it (some tag managers) leaves the tag to find by its path.
  const current = document.currentScript;
  const script = current instanceof HTMLScriptElement && current.src ? current : document.querySelector<HTMLScriptElement>('script[src*="/webchat/widget.js"]');
  const base = new URL(script?.src || location.href);
  const mount = (): void => {
    new ChatWidget(TANYA_WEBCHAT_CONFIG, base).mount(document.body);
    // When the bubble is on screen (first paint), for the benchmark and the browser test.
    requestAnimationFrame(() => performance.mark('tanya-webchat-bubble'));
  };
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount, { once: true });
}

boot();
