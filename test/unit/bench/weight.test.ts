import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASELINE_CLIENTS, baselineSource, median, pairedInits, sdkClientsOf, targetLine } from '../../../bench/weight';

describe('sdkClientsOf', () => {
  it('lists the SDK client packages that left code in the bundle, once each and sorted', () => {
    // Prepare
    const metafile = {
      outputs: {
        'out/fn.js': {
          bytes: 0,
          imports: [],
          exports: [],
          inputs: {
            'node_modules/@aws-sdk/client-rds/dist-cjs/index.js': { bytesInOutput: 900 },
            'node_modules/@aws-sdk/client-rds/dist-cjs/commands/X.js': { bytesInOutput: 10 },
            'node_modules/@aws-sdk/lib-dynamodb/dist-cjs/index.js': { bytesInOutput: 50 },
            'node_modules/@aws-sdk/client-dynamodb/dist-cjs/index.js': { bytesInOutput: 70 },
            'node_modules/@aws-sdk/core/dist-cjs/index.js': { bytesInOutput: 70 },
            'shared/aws/clients.ts': { bytesInOutput: 30 },
          },
        },
      },
    };

    // Act
    const clients = sdkClientsOf(metafile);

    // Assess
    expect(clients).toEqual(['@aws-sdk/client-dynamodb', '@aws-sdk/client-rds', '@aws-sdk/lib-dynamodb']);
  });

  it('leaves out a client package that esbuild parsed but tree-shook away when it left no bytes', () => {
    const metafile = {
      outputs: {
        'out/fn.js': {
          bytes: 0,
          imports: [],
          exports: [],
          inputs: {
            'node_modules/@aws-sdk/client-sfn/dist-cjs/index.js': { bytesInOutput: 0 },
            'node_modules/@aws-sdk/client-sts/dist-cjs/index.js': { bytesInOutput: 12 },
          },
        },
      },
    };

    expect(sdkClientsOf(metafile)).toEqual(['@aws-sdk/client-sts']);
  });
});

describe('baselineSource', () => {
  it('constructs one client per package and the DynamoDB client that the document client wraps', () => {
    const source = baselineSource(['@aws-sdk/client-rds', '@aws-sdk/lib-dynamodb']);

    expect(source).toContain("import { RDSClient } from '@aws-sdk/client-rds';");
    expect(source).toContain("import { DynamoDBClient } from '@aws-sdk/client-dynamodb';");
    expect(source).toContain("import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';");
    expect(source).toContain('DynamoDBDocumentClient.from(new DynamoDBClient({}))');
    expect(source).toContain('new RDSClient({})');
  });

  it('has a floor for every SDK client package the product depends on', () => {
    // Prepare: a function that starts using one of them must not stop the bench's weight section.
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const sdkPackages = Object.keys(manifest.dependencies).filter((name) =>
      /^@aws-sdk\/(client-[a-z0-9-]+|lib-dynamodb)$/.test(name),
    );

    // Act
    const missing = sdkPackages.filter((name) => !(name in BASELINE_CLIENTS));

    // Assess
    expect(sdkPackages.length).toBeGreaterThan(10);
    expect(missing).toEqual([]);
    expect(() => baselineSource(sdkPackages)).not.toThrow();
  });

  it('refuses a client package it has no floor for, naming it', () => {
    expect(() => baselineSource(['@aws-sdk/client-kinesis'])).toThrow(
      'no baseline client for @aws-sdk/client-kinesis: add its client class to BASELINE_CLIENTS',
    );
  });
});

describe('median', () => {
  it('takes the middle value of an odd list and the mean of the middle two of an even one', () => {
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});

describe('targetLine', () => {
  it('says met or NOT MET after the target', () => {
    expect(targetLine('<= 1.2x', true)).toBe('target <= 1.2x: met');
    expect(targetLine('<= 150 KiB', false)).toBe('target <= 150 KiB: NOT MET');
  });
});

describe('pairedInits', () => {
  it('samples each function back to back with its floor, floor first then last in turn', () => {
    // Prepare
    const calls: string[] = [];
    const base: Record<string, number> = { floor: 100, fn: 120 };
    const measure = (file: string): number => {
      calls.push(file);
      return base[file] ?? Number.NaN;
    };

    // Act
    pairedInits(new Map([['fn', 'floor']]), 5, measure);

    // Assess
    expect(calls).toEqual(['floor', 'fn', 'fn', 'floor', 'floor', 'fn', 'fn', 'floor', 'floor', 'fn']);
  });

  it("judges on the median of the pairs' ratios, so a drift of the machine's speed does not move the ratio", () => {
    // Prepare: the function costs 1.1x its floor. The machine's speed drifts from round to round (x1.0 to x1.3) and
    // moves both samples of a round alike; in round 3 a fast stretch (x0.8) catches only the floor's sample. Each
    // side's least sample then reads 110 against 80: 1.375, over a 1.2 target; the pairs' ratios read 1.1 but one.
    const calls: string[] = [];
    const drift = [1.0, 1.2, 1.3, 1.1, 1.25, 1.15, 1.05];
    const measure = (file: string): number => {
      const round = Math.floor(calls.length / 2);
      calls.push(file);
      const speed = (drift[round] ?? 1) * (file === 'floor' && round === 3 ? 0.8 / 1.1 : 1);
      return (file === 'fn' ? 110 : 100) * speed;
    };

    // Act
    const fn = pairedInits(new Map([['fn', 'floor']]), 7, measure).get('fn');

    // Assess
    expect(fn?.ratio).toBeCloseTo(1.1, 10);
    expect(fn?.floorInit).toBeCloseTo(80, 10);
    expect(fn?.leastRatio).toBeCloseTo(1.375, 10);
  });

  it('reads a function that really is heavier as heavier: the pairs do not hide a real cost', () => {
    // Prepare: every sample of the function costs 1.3x its floor's, whatever the load does to both
    let call = 0;
    const measure = (file: string): number => {
      const load = 1 + (Math.floor(call++ / 2) % 3) * 0.25;
      return (file === 'fn' ? 130 : 100) * load;
    };

    // Act
    const fn = pairedInits(new Map([['fn', 'floor']]), 6, measure).get('fn');

    // Assess
    expect(fn?.ratio).toBeCloseTo(1.3, 10);
    expect(fn?.leastRatio).toBeCloseTo(1.3, 10);
  });

  it('compares each function with its own floor', () => {
    // Prepare
    const base: Record<string, number> = { 'floor-a': 100, a: 110, 'floor-b': 200, b: 300 };

    // Act
    const inits = pairedInits(
      new Map([
        ['a', 'floor-a'],
        ['b', 'floor-b'],
      ]),
      3,
      (file) => base[file] ?? Number.NaN,
    );

    // Assess
    expect(inits.get('a')?.ratio).toBeCloseTo(1.1);
    expect(inits.get('b')).toEqual({ init: 300, floorInit: 200, leastRatio: 1.5, ratio: 1.5 });
  });
});
