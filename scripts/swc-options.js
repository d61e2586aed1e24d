// How our TypeScript is compiled where it runs without a type check: jest's transform (jest.config.js) and the loader
// of the packaging scripts (scripts/require-ts.js). swc, to CommonJS, for the Node the project runs on: the modules
// osls loads while packaging are compiled exactly as the tests load them.
'use strict';

module.exports = {
  jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
  module: { type: 'commonjs' },
};
