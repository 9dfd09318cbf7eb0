import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { WidgetConfig } from './protocol';

/** The widget's entry, relative to the project root. */
export const WIDGET_ENTRY = join('src', 'webchat-widget', 'main.ts');

/** The project root: the nearest folder above this file holding the widget's source (src/ or dist/src/ alike). */
function widgetEntry(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const entry = join(dir, WIDGET_ENTRY);
    if (existsSync(entry)) return entry;
    if (dirname(dir) === dir) throw new Error(`web chat widget source ${WIDGET_ENTRY} not found above ${__dirname}; reinstall Tanya with its src/ folder`);
  }
}

let bundled: Promise<string> | undefined;

/**
 * widget.js without its settings: the widget's TypeScript bundled and minified by esbuild (a
 * production dependency) the first time a web chat channel starts in this process, so what is
 * served always matches the source. Browsers from 2020 on (ES2019).
 */
export function widgetCode(): Promise<string> {
  bundled ??= build({
    entryPoints: [widgetEntry()],
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2019'],
    write: false,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
  }).then((result) => {
    const file = result.outputFiles[0];
    if (!file) throw new Error('esbuild produced no widget.js');
    return file.text;
  });
  void bundled.catch(() => {
    bundled = undefined;
  });
  return bundled;
}

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
