import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The console's browser code, relative to the project root. */
export const CONSOLE_UI_ENTRY = join('src', 'console-ui', 'main.ts');

function entry(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const file = join(dir, CONSOLE_UI_ENTRY);
    if (existsSync(file)) return file;
    if (dirname(dir) === dir) throw new Error(`agent console source ${CONSOLE_UI_ENTRY} not found above ${__dirname}; reinstall Tanya with its src/ folder`);
  }
}

let bundled: Promise<string> | undefined;

/**
 * /console/app.js: the console's TypeScript bundled and minified by esbuild the first time the
 * console starts in this process (as the web chat's widget is), so what is served matches the source.
 */
export function consoleScript(): Promise<string> {
  bundled ??= build({
    entryPoints: [entry()],
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
    if (!file) throw new Error('esbuild produced no console app.js');
    return file.text;
  });
  void bundled.catch(() => {
    bundled = undefined;
  });
  return bundled;
}
