#!/usr/bin/env node
// Entry point of the `switchback` command: runs the TypeScript CLI through tsx, on the Node that runs this file.
require('../../scripts/check-node.js');
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const cli = join(__dirname, '..', 'switchback.ts');
const tsx = require.resolve('tsx/cli');
const result = spawnSync(process.execPath, [tsx, cli, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
