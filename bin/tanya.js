#!/usr/bin/env node
'use strict';
// The compiled CLI (built by `npm ci` through the "prepare" script, or `npm run build`).
require('../dist/src/cli/main.js').main();
