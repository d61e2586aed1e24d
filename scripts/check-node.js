// Fails fast when npm runs on a Node older than the project needs. `npm ci` installs Node 22 into
// node_modules/.bin (the `node` dev dependency), which npm scripts put first on PATH; `npm ci --ignore-scripts`
// skips that install and silently leaves the machine's older Node in charge.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.error(
    `Switchback needs Node 22 or later; this is ${process.version}.\n` +
      'Run `npm ci` (without --ignore-scripts) so that npm scripts use the Node 22 from node_modules/.bin.',
  );
  process.exit(1);
}
