import { join } from 'node:path';
import { browserBundle } from '../server/browser-bundle';

/** The console's browser code, relative to the project root. */
export const CONSOLE_UI_ENTRY = join('src', 'console-ui', 'main.ts');

/** /console/app.js: the console's TypeScript bundled when the console first serves it (see `browserBundle`). */
export const consoleScript = browserBundle(CONSOLE_UI_ENTRY, 'agent console');
