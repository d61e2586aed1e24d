#!/usr/bin/env node
// Entry point of the `switchback` command: the TypeScript CLI, compiled as it loads by tsx's hooks registered in this
// process. One process: tsx's own command would start a second Node for the CLI (about 0.5 s of CPU more per
// command). Both hooks: the CLI is CommonJS, and loads the simulator with import() (cli/commands/drill.ts).
require('../../scripts/check-node.js');
require('tsx/cjs/api').register();
require('tsx/esm/api').register();
require('../switchback.ts');
