import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BASELINE_CLIENTS,
  baselineSource,
  median,
  medianInits,
  sampleOrder,
  sdkClientsOf,
  targetLine,
} from '../../../bench/weight';

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

describe('sampleOrder', () => {
  const groups = new Map([
    ['floor-a', ['a1', 'a2']],
    ['floor-b', ['b1']],
  ]);

  it('samples each floor next to its own functions, first in even rounds and last in odd ones', () => {
    expect(sampleOrder(groups, 0)).toEqual(['floor-a', 'a1', 'a2', 'floor-b', 'b1']);
    expect(sampleOrder(groups, 1)).toEqual(['a1', 'a2', 'floor-a', 'b1', 'floor-b']);
  });
});

describe('medianInits', () => {
  it('takes the median of each file over the rounds, measuring every file once per round in sampleOrder', () => {
    // Prepare: a load burst in round 2 makes every sample of that round slow; the median ignores it
    const groups = new Map([['floor', ['fn']]]);
    const calls: string[] = [];
    const base: Record<string, number> = { floor: 100, fn: 120 };
    const measure = (file: string): number => {
      calls.push(file);
      const round = Math.floor((calls.length - 1) / 2);
      return (base[file] ?? 0) * (round === 2 ? 5 : 1) + round;
    };

    // Act
    const inits = medianInits(groups, 5, measure);

    // Assess
    expect(calls).toEqual(['floor', 'fn', 'fn', 'floor', 'floor', 'fn', 'fn', 'floor', 'floor', 'fn']);
    expect(inits.get('floor')).toBe(103);
    expect(inits.get('fn')).toBe(123);
  });
});
