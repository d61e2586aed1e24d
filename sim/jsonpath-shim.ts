import jsonpath = require('jsonpath-plus');

type JsonPathFn = (...args: unknown[]) => unknown;

const SHIMMED = Symbol.for('switchback.jsonpath-shim');

/**
 * jsonpath-plus, called as aws-local-stepfunctions calls it (`JSONPath({ path, json, wrap: false })`, without `new`),
 * returns a scalar result by throwing it inside an Error and catching it: an Error, with its stack trace, for every
 * path that reads a string, a number or a boolean (InputPath, Parameters and ResultSelector fields, Choice rules), about
 * 3% of a drill's CPU. The engine reads the module's `JSONPath` export at each call, so this puts there a function
 * that evaluates the same way, with `autostart: false` and `evaluate`, and no throw. Any other call (with `new`, with
 * positional arguments or a callback) goes to jsonpath-plus as it is. test/unit/sim/jsonpath-shim.test.ts compares
 * the two on the state machines' paths.
 */
export const installJsonPathShim = (): void => {
  const exports = jsonpath as unknown as { JSONPath: JsonPathFn & { [SHIMMED]?: true } };
  const original = exports.JSONPath;
  if (original[SHIMMED]) return;
  const Original = original as unknown as new (options: object) => { evaluate(args: object): unknown };
  const shim = function (this: unknown, ...args: unknown[]): unknown {
    const [options] = args;
    const plain =
      new.target === undefined &&
      args.length === 1 &&
      options !== null &&
      typeof options === 'object' &&
      !('callback' in options) &&
      !('autostart' in options);
    if (!plain) return new.target ? Reflect.construct(original, args, new.target) : original.apply(this, args);
    const opts = options as { path?: unknown; json?: unknown };
    const evaluation: { path?: unknown; json?: unknown } = { path: opts.path };
    if ('json' in opts) evaluation.json = opts.json;
    return new Original({ ...opts, autostart: false }).evaluate(evaluation);
  } as JsonPathFn & { [SHIMMED]?: true };
  Object.setPrototypeOf(shim, original);
  shim.prototype = original.prototype;
  shim[SHIMMED] = true;
  exports.JSONPath = shim;
};
