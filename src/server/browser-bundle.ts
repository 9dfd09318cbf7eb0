import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Browser code served by the bot (the web chat widget, the agent console): its TypeScript bundled
 * and minified by esbuild (a production dependency) the first time it is asked for in this
 * process, so what is served always matches the source. Browsers from 2020 on (ES2019).
 * `entry` is relative to the project root; `what` names it in errors.
 */
export function browserBundle(entry: string, what: string): () => Promise<string> {
  let bundled: Promise<string> | undefined;
  return () => {
    bundled ??= build({
      entryPoints: [sourceFile(entry, what)],
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
      if (!file) throw new Error(`esbuild produced nothing for the ${what}`);
      return file.text;
    });
    // A failed build is tried again on the next request.
    void bundled.catch(() => {
      bundled = undefined;
    });
    return bundled;
  };
}

/** The source file: above this module's folder (src/ or dist/src/ alike), the nearest one holding `entry`. */
function sourceFile(entry: string, what: string): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const file = join(dir, entry);
    if (existsSync(file)) return file;
    if (dirname(dir) === dir) throw new Error(`${what} source ${entry} not found above ${__dirname}; reinstall Tanya with its src/ folder`);
  }
}
