import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { browserBundle } from '../../server/browser-bundle';
import type { WidgetConfig } from './protocol';

/** The widget's entry, relative to the project root. */
export const WIDGET_ENTRY = join('src', 'webchat-widget', 'main.ts');

/**
 * widget.js without its settings: the widget's TypeScript bundled when a web chat channel first
 * serves it (see `browserBundle`).
 */
export const widgetCode = browserBundle(WIDGET_ENTRY, 'web chat widget');

/** widget.js as served: the bundle with the shop's settings in front of it, and its ETag. */
export function widgetScript(code: string, config: WidgetConfig): { text: string; etag: string } {
  // JSON is a JavaScript expression; < is escaped so the text can never close a <script> element.
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  const text = `(function(){var TANYA_WEBCHAT_CONFIG=${json};\n${code}})();\n`;
  return { text, etag: `"${createHash('sha256').update(text).digest('base64url').slice(0, 27)}"` };
}

/**
 * widget.js gzipped, made once per version (the settings change only with the environment or a
 * knowledge-base reload): a phone on a slow network loads 7 KB instead of 18.
 */
export class GzippedScript {
  private etag = '';
  private bytes = Buffer.alloc(0);

  get(script: { text: string; etag: string }): Buffer {
    if (script.etag !== this.etag) {
      this.bytes = gzipSync(script.text, { level: 9 });
      this.etag = script.etag;
    }
    return this.bytes;
  }
}
