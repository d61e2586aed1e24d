import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { functionTimeoutSeconds, parseServerlessConfig, statusChangeRoute } from '../../../sim/serverless-config';

describe('functionTimeoutSeconds (the local Lambda reads serverless.yml)', () => {
  it("gives a function the timeout serverless.yml sets for it, else the provider's", () => {
    // Act
    const timeouts = Object.fromEntries(
      ['notify', 'probe-primary', 'readiness', 'validate-restore', 'assess', 'promote-database', 'a-test-handler'].map(
        (name) => [name, functionTimeoutSeconds(name)],
      ),
    );

    // Assess: as serverless.yml writes them (notify, probe-primary, readiness and validate-restore set their own)
    expect(timeouts).toEqual({
      notify: 20,
      'probe-primary': 20,
      readiness: 60,
      'validate-restore': 890,
      assess: 30,
      'promote-database': 30,
      'a-test-handler': 30,
    });
  });
});

describe('statusChangeRoute (whom serverless.yml tells that an execution ended)', () => {
  it('routes the ends of every runbook, the game day and the restore test included, to on-run-failed', () => {
    // Act
    const routes = Object.fromEntries(
      ['failover', 'fence', 'reprotect', 'failback', 'game-day', 'restore-test'].map((name) => [
        name,
        statusChangeRoute(name),
      ]),
    );

    // Assess: a game day that stops at a leg is recorded failed, with its redrive, as every runbook is; a restore test
    // that ends before recording a database's test records it failed
    const onRunFailed = { target: 'on-run-failed', statuses: ['FAILED', 'TIMED_OUT', 'ABORTED'] };
    expect(routes).toEqual({
      failover: onRunFailed,
      fence: onRunFailed,
      reprotect: onRunFailed,
      failback: onRunFailed,
      'game-day': onRunFailed,
      'restore-test': onRunFailed,
    });
  });

  it('routes no state machine serverless.yml does not define: a drill then delivers nothing for it', () => {
    // Act, Assess
    expect(statusChangeRoute('not-a-state-machine')).toBeUndefined();
  });
});

describe('parseServerlessConfig (serverless.yml parsed once, kept between processes)', () => {
  const text = 'provider:\n  timeout: 30\nresources:\n  Outputs:\n    Table: { Value: !Ref LedgerTable }\n';
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchback-serverless-yml-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the parse under a digest of the text and reads it back while the text is the same', () => {
    // Act
    const first = parseServerlessConfig(text, dir);
    const kept = readdirSync(dir);
    // What is read back is the kept file: change it, and the next read says so.
    writeFileSync(join(dir, kept[0] ?? ''), JSON.stringify({ provider: { timeout: 31 } }));
    const second = parseServerlessConfig(text, dir);

    // Assess
    expect(first).toEqual({
      provider: { timeout: 30 },
      resources: { Outputs: { Table: { Value: { Ref: 'LedgerTable' } } } },
    });
    expect(kept).toEqual([expect.stringMatching(/^[0-9a-f]{64}\.json$/)]);
    expect(second).toEqual({ provider: { timeout: 31 } });
  });

  it('parses a changed text again, under its own digest', () => {
    // Act
    parseServerlessConfig(text, dir);
    const changed = parseServerlessConfig(text.replace('timeout: 30', 'timeout: 45'), dir);

    // Assess
    expect(changed).toMatchObject({ provider: { timeout: 45 } });
    expect(readdirSync(dir)).toHaveLength(2);
  });

  it('parses when the cache cannot be written (its folder is a file)', () => {
    // Prepare
    const notAFolder = join(dir, 'file');
    writeFileSync(notAFolder, '');

    // Act / Assess
    expect(parseServerlessConfig(text, notAFolder)).toMatchObject({ provider: { timeout: 30 } });
  });
});
