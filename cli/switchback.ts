import { main } from './program';

/** The `switchback` process (cli/bin/switchback.js runs it through tsx): cli/program.ts with this process's streams. */
void main(process.argv.slice(2), process.env, process).then((code) => {
  process.exitCode = code;
});
