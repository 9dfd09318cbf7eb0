/// <reference lib="dom" />
import { Inbox } from './inbox';

/** /console/app.js: the live inbox (the other console pages are plain server-rendered HTML). */
if (document.body.dataset.page === 'inbox') new Inbox().start();
