#!/usr/bin/env node
// `npm test`: every check, side by side. Type-check, lint, ASL validation, `npm run package` and jest all start at
// once: the only suites that need the packaged template (the IAM and template suites) wait for packaging through a
// status file (SWITCHBACK_PACKAGE_STATUS, test/support/packaged-template.ts), the IAM suite after running its drills.
// Each stage's output is printed whole when it ends (never interleaved), every stage runs to its end even when
// another fails, and the exit code is 1 when any stage failed. Extra arguments go to jest (`npm test -- test/unit`).
'use strict';

const { spawn } = require('node:child_process');
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const jestArgs = process.argv.slice(2);

/** One stage: an npm script of package.json, or jest with the arguments given. */
const stages = {
  typecheck: ['npm', ['run', '--silent', 'typecheck']],
  lint: ['npm', ['run', '--silent', 'lint']],
  'validate:asl': ['npm', ['run', '--silent', 'validate:asl']],
  package: ['npm', ['run', '--silent', 'package']],
  jest: ['npx', ['jest', ...jestArgs]],
};

/** Where packaging's state is told to the jest suites that wait for the template: pending, passed or failed. */
const PACKAGE_STATUS = join(__dirname, '..', 'node_modules', '.cache', 'switchback', 'package-status');

const started = Date.now();
const results = [];

/** Runs a stage with its output captured; resolves with its exit code, printing its output once it ends. */
const run = (name) =>
  new Promise((resolve) => {
    const [command, args] = stages[name];
    const begin = Date.now();
    const chunks = [];
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0', SWITCHBACK_PACKAGE_STATUS: PACKAGE_STATUS },
    });
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.stderr.on('data', (chunk) => chunks.push(chunk));
    const finish = (code, why) => {
      const seconds = (Date.now() - begin) / 1000;
      results.push({ name, code, seconds });
      const output = Buffer.concat(chunks).toString('utf8').trimEnd();
      process.stdout.write(`\n==> ${name}: ${command} ${args.join(' ')}\n`);
      if (output) process.stdout.write(`${output}\n`);
      process.stdout.write(`<== ${name} ${code === 0 ? 'passed' : `FAILED (${why})`} in ${seconds.toFixed(1)} s\n`);
      resolve(code);
    };
    child.on('error', (error) => finish(1, error.message));
    child.on('close', (code, signal) => finish(code ?? 1, signal ? `killed by ${signal}` : `exit ${code}`));
  });

const main = async () => {
  mkdirSync(join(PACKAGE_STATUS, '..'), { recursive: true });
  writeFileSync(PACKAGE_STATUS, 'pending\n');
  const packaged = run('package').then((code) => writeFileSync(PACKAGE_STATUS, code === 0 ? 'passed\n' : 'failed\n'));
  await Promise.all([run('typecheck'), run('lint'), run('validate:asl'), packaged, run('jest')]);
  const failed = results.filter((result) => result.code !== 0);
  process.stdout.write('\n---- npm test ----\n');
  for (const result of results) {
    const status = result.code === 0 ? 'passed' : 'FAILED';
    process.stdout.write(`${result.name.padEnd(13)} ${result.seconds.toFixed(1).padStart(6)} s  ${status}\n`);
  }
  process.stdout.write(`${'total'.padEnd(13)} ${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s\n`);
  if (failed.length > 0) {
    process.stdout.write(`npm test FAILED: ${failed.map((result) => result.name).join(', ')}\n`);
    process.exitCode = 1;
  }
};

void main();
