// Builds dist/ from src/ and bench/: each TypeScript file transpiled on its own by esbuild (a
// production dependency, so `npm ci --omit=dev` can build too), JSON data copied beside it.
// Types are checked separately by `npm run typecheck` (tsc, a development tool).
import { build } from 'esbuild';
import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// bench/ is absent from a production image that copies only what the bot needs.
const folders = ['src', 'bench'].filter((folder) => existsSync(join(root, folder)));

/** Files under `folder` (relative to the project root) whose names end with `suffix`. */
function filesIn(folder, suffix) {
  return readdirSync(join(root, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(suffix) && !entry.name.endsWith('.d.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

// Files of removed sources must not linger in dist/.
for (const folder of folders) rmSync(join(root, 'dist', folder), { recursive: true, force: true });
// The web chat widget runs in browsers: the server bundles it with esbuild when its channel starts
// (src/channels/webchat/widget-bundle.ts), so it is not transpiled for Node here.
const browserOnly = join(root, 'src', 'webchat-widget');
await build({
  entryPoints: folders.flatMap((folder) => filesIn(folder, '.ts')).filter((file) => !file.startsWith(browserOnly)),
  outdir: join(root, 'dist'),
  outbase: root,
  bundle: false,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
});
for (const file of filesIn('src', '.json')) cpSync(file, join(root, 'dist', file.slice(root.length + 1)));
