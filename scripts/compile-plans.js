// osls plugin (serverless.yml `plugins`): before packaging (and so before every deploy), compiles plans/*.yml to
// JSON in build/plans, which is what the functions load (PLANS_DIR). A bad plan fails the package with the file and
// field to fix, as `switchback plan validate` says it; the functions never carry a YAML parser.
const { join } = require('node:path');
// Registers `.ts` with Node's loader: osls runs on plain Node (scripts/require-ts.js).
require('./require-ts');

const root = join(__dirname, '..');
/** Source plans, and where their compiled JSON goes (packaged with every function; PLANS_DIR in serverless.yml). */
const SOURCE_DIR = join(root, 'plans');
const OUT_DIR = join(root, 'build', 'plans');

class CompilePlans {
  constructor(serverless) {
    const log = (message) => serverless.cli.log(message);
    this.hooks = {
      'before:package:initialize': () => {
        const { compilePlans } = require('../shared/plan/compile');
        try {
          const written = compilePlans(SOURCE_DIR, OUT_DIR);
          if (written.length === 0) throw new Error('plans/ holds no plan (*.yml): add one (see plans/example.yml)');
          log(`Compiled ${written.length} plan(s) to build/plans`);
        } catch (error) {
          // A message-only error: osls prints a rejection's stack, and a plan author needs the field, not our frames.
          const message = `${error instanceof Error ? error.message : String(error)}\nFix the plan, then check with: npx switchback plan validate plans/*.yml`;
          const clean = new Error(message);
          clean.stack = message;
          throw clean;
        }
      },
    };
  }
}

module.exports = CompilePlans;
