#!/usr/bin/env node
// `npm test`: every check, the independent ones side by side. Type-check, lint and ASL validation run while
// `npm run package` builds the template that jest's IAM and template suites read; jest starts once packaging is done.
// Each stage's output is printed whole when it ends (never interleaved), every stage runs to its end even when
// another fails, and the exit code is 1 when any stage failed. Extra arguments go to jest (`npm test -- test/unit`).
'use strict';

const { spawn } = require('node:child_process');

const jestArgs = process.argv.slice(2);

/** One stage: an npm script of package.json, or jest with the arguments given. */
const stages = {
  typecheck: ['npm', ['run', '--silent', 'typecheck']],
  lint: ['npm', ['run', '--silent', 'lint']],
  'validate:asl': ['npm', ['run', '--silent', 'validate:asl']],
  package: ['npm', ['run', '--silent', 'package']],
  jest: ['npx', ['jest', ...jestArgs]],
};

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
      env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0' },
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
  const packagedThenJest = run('package').then((code) => (code === 0 ? run('jest') : skip('jest', 'package failed')));
  await Promise.all([run('typecheck'), run('lint'), run('validate:asl'), packagedThenJest]);
  const failed = results.filter((result) => result.code !== 0);
  process.stdout.write('\n---- npm test ----\n');
  for (const result of results) {
    const status = result.code === 0 ? 'passed' : result.skipped ? `not run: ${result.skipped}` : 'FAILED';
    process.stdout.write(`${result.name.padEnd(13)} ${result.seconds.toFixed(1).padStart(6)} s  ${status}\n`);
  }
  process.stdout.write(`${'total'.padEnd(13)} ${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s\n`);
  if (failed.length > 0) {
    process.stdout.write(`npm test FAILED: ${failed.map((result) => result.name).join(', ')}\n`);
    process.exitCode = 1;
  }
};

/** A stage that cannot run because one it needs failed: it counts as failed. */
const skip = (name, why) => {
  results.push({ name, code: 1, seconds: 0, skipped: why });
  return 1;
};

void main();
