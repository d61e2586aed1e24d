import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import jsonpath = require('jsonpath-plus');

import { installJsonPathShim } from '../../../sim/jsonpath-shim';

type JsonPathFn = (...args: unknown[]) => unknown;
const exported = jsonpath as unknown as { JSONPath: JsonPathFn };

/** Every JSONPath the state machines evaluate: InputPath, OutputPath, `.$` fields and Choice variables. */
const machinePaths = (): string[] => {
  const dir = join(__dirname, '..', '..', '..', 'statemachines');
  const paths = new Set<string>();
  const walk = (value: unknown, key = ''): void => {
    if (typeof value === 'string') {
      if (
        (key.endsWith('.$') || ['InputPath', 'OutputPath', 'Variable', 'ItemsPath'].includes(key)) &&
        value.startsWith('$')
      ) {
        if (!value.startsWith('$$') && !value.startsWith('States.')) paths.add(value);
      }
      return;
    }
    if (Array.isArray(value)) for (const item of value) walk(item);
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(v, k);
  };
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.asl.json'))) {
    walk(JSON.parse(readFileSync(join(dir, file), 'utf8')));
  }
  return [...paths].sort();
};

const STATE = {
  run: { incidentId: 'orders-1', plan: 'orders', mode: 'live', epoch: 3, dryRun: false, regions: { primary: 'a' } },
  assessment: { decision: 'proceed', databases: [{ id: 'orders-db', lagSeconds: 2 }], withinRpo: true },
  promotions: [
    { id: 'orders-db', done: true },
    { id: 'catalog', done: false },
  ],
  count: 0,
  empty: null,
};

describe('installJsonPathShim', () => {
  const original = exported.JSONPath;

  beforeAll(() => {
    installJsonPathShim();
  });

  it('evaluates every path of the state machines as jsonpath-plus does, as the engine calls it', () => {
    // Prepare
    const paths = [
      ...machinePaths(),
      '$.run.incidentId',
      '$.run.epoch',
      '$.run.dryRun',
      '$.count',
      '$.empty',
      '$.missing.field',
      '$.assessment',
      '$.promotions[*].id',
      '$.promotions[?(@.done == true)]',
      '$',
    ];
    expect(paths.length).toBeGreaterThan(20);
    expect(exported.JSONPath).not.toBe(original);

    for (const path of paths) {
      // Act
      const shimmed = exported.JSONPath({ path, json: STATE, wrap: false });
      const plain = original({ path, json: STATE, wrap: false });

      // Assess
      expect({ path, value: shimmed }).toEqual({ path, value: plain });
    }
  });

  it('leaves other calls to jsonpath-plus as they are: with new, positional, and a second install', () => {
    // Act
    installJsonPathShim();
    const constructed = new (exported.JSONPath as unknown as new (options: object) => unknown)({
      path: '$.run.plan',
      json: STATE,
    });
    const positional = exported.JSONPath('$.run.plan', STATE);

    // Assess
    expect(constructed).toEqual(['orders']);
    expect(positional).toEqual(['orders']);
    expect(exported.JSONPath({ path: '$.run.plan', json: STATE })).toEqual(['orders']);
  });
});
