import { join } from 'node:path';
import type { RestoreTestRecord } from '../../shared/domain/restore-test';
import { runDrill } from '../../sim/drill';
import { type LambdaHandler, loadFunctionHandler } from '../../sim/local-runner';

/**
 * The restore-test runbook (statemachines/restore-test.asl.json) end to end on the simulator: every Task runs the
 * real handler, RDS answers from the simulated restores (sim/models/restore.ts), the evidence goes to a real ledger
 * (dynalite). Whatever fails, the throwaways are deleted: the simulator knows every restore it started.
 */

const PLAN = join(__dirname, '..', '..', 'plans', 'example.yml');

jest.setTimeout(60_000);

/**
 * The real handlers, except `failing`, which does its work and then throws (its answer is lost, as when a Lambda
 * times out after RDS accepted the call): a step that fails whatever the retries, after its side effect.
 */
const failingStep =
  (failing: string) =>
  async (name: string): Promise<LambdaHandler> => {
    const real = await loadFunctionHandler(name);
    if (name !== failing) return real;
    return async (event, context) => {
      await real(event, context);
      throw Object.assign(new Error(`injected failure of ${name}`), { name: 'InjectedFault' });
    };
  };

/**
 * The real handlers, except the cleanup, which RDS never answers (every retry fails with TimeoutError) for the
 * databases `stuck` says: the throwaway stays, and the execution fails where no Catch reaches.
 */
const cleanupNeverAnswered =
  (
    stuck: (database: string) => boolean,
    others: (name: string, real: LambdaHandler) => LambdaHandler = (_, real) => real,
  ) =>
  async (name: string): Promise<LambdaHandler> => {
    const real = await loadFunctionHandler(name);
    if (name !== 'clean-up-restore') return others(name, real);
    return async (event, context) => {
      if (stuck((event as { database: { id: string } }).database.id)) {
        throw Object.assign(new Error('RDS did not answer'), { name: 'TimeoutError' });
      }
      return real(event, context);
    };
  };

/** The throwaways this test made (the restore-test scenario also seeds an earlier test's leftovers). */
const ours = <T extends { identifier: string }>(list: T[]): T[] =>
  list.filter((r) => !r.identifier.includes('leftover'));

const byDatabase = (records: RestoreTestRecord[] | undefined) =>
  Object.fromEntries((records ?? []).map((r) => [r.databaseId, r]));

describe('restore-test state machine', () => {
  /**
   * The plain restore-test drill, run once for the tests that only read it (the evidence, and the sweep of an
   * earlier test's leftovers): the same plan, scenario and seed give the same drill.
   */
  let plainDrill: ReturnType<typeof runDrill> | undefined;
  const runPlainDrill = (): ReturnType<typeof runDrill> => {
    plainDrill ??= runDrill({ planFile: PLAN, scenario: 'restore-test', slackPreview: false });
    return plainDrill;
  };

  it('restores, validates and deletes a throwaway per database, with the evidence of each', async () => {
    // Act
    const { report, world } = await runPlainDrill();

    // Assess
    const tests = byDatabase(report.restoreTests);
    expect(Object.keys(tests).sort()).toEqual(['catalog', 'orders-db']);
    for (const test of Object.values(tests)) {
      expect(test).toMatchObject({ passed: true, validation: { hook: 'orders-restore-check', passed: true } });
      expect(test.restorePointAgeSeconds).toBeGreaterThan(0);
      // Restore point within the 5-minute log cadence plus the 5-minute cross-region copy lag (sim/timing.ts).
      expect(test.restorePointAgeSeconds).toBeLessThanOrEqual(600);
      expect(test.secondsToAvailable).toBeGreaterThan(600);
      expect(Date.parse(test.cleanedUpAt ?? '')).toBeGreaterThanOrEqual(Date.parse(test.availableAt ?? ''));
      expect(test.instanceHours).toBeGreaterThan(0);
    }
    const restores = world.actions.filter((a) => a.operation.startsWith('Restore')).map((a) => a.target);
    expect(restores.every((id) => id.startsWith('sbrt-'))).toBe(true);
    expect(world.restores.undeleted()).toEqual([]);
    const instances = ours(world.restores.instances).filter((i) => !i.clusterIdentifier);
    expect(instances.map((i) => [i.instanceClass, i.subnetGroup, i.securityGroups])).toEqual([
      ['db.t4g.medium', 'orders-restore-tests', ['sg-0a1b2c3d4e5f60789']],
    ]);
    expect(world.functions.invocations.map((i) => (i.payload as { database: string }).database).sort()).toEqual([
      'catalog',
      'orders-db',
    ]);
    expect(report.warnings).toEqual([]);
  });

  it('records a failed restore with its cause, posts it to Slack, and still deletes the throwaway', async () => {
    const slack: string[] = [];
    const { report, world } = await runDrill({
      planFile: PLAN,
      scenario: 'restore-fails',
      slackPreview: (text) => slack.push(text),
    });

    const tests = byDatabase(report.restoreTests);
    expect(tests['orders-db']).toMatchObject({
      passed: false,
      failure: { error: 'RestoreFailedError', cause: expect.stringMatching(/incompatible-option-group/) },
    });
    expect(tests['orders-db']?.cleanedUpAt).toBeDefined();
    expect(tests['orders-db']?.secondsToAvailable).toBeUndefined();
    expect(world.restores.undeleted()).toEqual([]);
    expect(report.events.map((e) => e.detailType)).toEqual(['Restore Test Failed', 'Restore Test Failed']);
    expect(slack.map((text) => text.split(':')[0]).sort()).toEqual(['Restore test FAILED', 'Restore test FAILED']);
    expect(slack.find((text) => text.includes('orders/orders-db'))).toMatch(
      /incompatible-option-group; throwaway deleted at/,
    );
  });

  it('stops waiting at the deadline for a restore that never becomes available, and deletes it', async () => {
    const { report, world } = await runDrill({
      planFile: PLAN,
      scenario: 'restore-test',
      slackPreview: false,
      restoreFaults: { outcome: 'never-available' },
    });

    const tests = byDatabase(report.restoreTests);
    expect(tests['orders-db']?.failure?.error).toBe('RestoreTimedOutError');
    // timeoutMinutes 240 in plans/example.yml: the last check is past the deadline by at most one poll.
    const cleaned = Date.parse(tests['orders-db']?.cleanedUpAt ?? '');
    const started = Date.parse(tests['orders-db']?.startedAt ?? '');
    expect((cleaned - started) / 60_000).toBeGreaterThanOrEqual(240);
    expect((cleaned - started) / 60_000).toBeLessThan(243);
    expect(world.restores.undeleted()).toEqual([]);
  });

  it.each([
    ['start-restore', 'InjectedFault'],
    ['check-restore', 'InjectedFault'],
    ['validate-restore', 'InjectedFault'],
  ])('deletes the throwaway when %s fails', async (step, error) => {
    const { report, world } = await runDrill({
      planFile: PLAN,
      scenario: 'restore-test',
      slackPreview: false,
      loadHandler: failingStep(step),
    });

    for (const test of report.restoreTests ?? []) {
      expect(test).toMatchObject({ passed: false, failure: { error } });
      expect(test.cleanedUpAt).toBeDefined();
    }
    expect(report.restoreTests).toHaveLength(2);
    const started = world.actions.filter((a) => a.operation.startsWith('Restore') && a.outcome === 'accepted');
    expect(started).toHaveLength(2);
    expect(world.restores.undeleted()).toEqual([]);
    expect(report.warnings).toEqual([]);
  });

  it("sweeps an earlier test's throwaways past their deadline before it restores", async () => {
    const { world } = await runPlainDrill();

    const deletes = world.actions.filter((a) => a.operation.startsWith('Delete')).slice(0, 2);
    const firstRestore = world.actions.find((a) => a.operation.startsWith('Restore'));
    expect(deletes.map((a) => a.target)).toEqual(['sbrt-leftover-0000000000', 'sbrt-leftover-cluster-0000000000']);
    expect(Date.parse(deletes[1]?.at ?? '')).toBeLessThanOrEqual(Date.parse(firstRestore?.at ?? ''));
  });

  it("records the test of a database whose cleanup failed for good, naming the throwaway left, and keeps the other's record", async () => {
    // Prepare: catalog's cleanup fails every retry (RDS never answers the delete); orders-db's works, and its test
    // (an RDS restore, faster than catalog's Aurora cluster and instance) is recorded first.
    const loadHandler = cleanupNeverAnswered((database) => database === 'catalog');

    // Act
    const { report, world } = await runDrill({
      planFile: PLAN,
      scenario: 'restore-test',
      slackPreview: false,
      loadHandler,
    });

    // Assess: the execution failed where no Catch reaches; on-run-failed (the status-change rule routes the restore
    // test to it) recorded catalog's test failed, saying what happened and which throwaway a later sweep deletes
    const tests = byDatabase(report.restoreTests);
    expect(report.restoreTests).toHaveLength(2);
    const cluster = ours(world.restores.clusters)[0]?.identifier ?? '';
    expect(world.restores.undeleted().sort()).toEqual([cluster, `${cluster}-1`]);
    expect(tests.catalog).toMatchObject({ passed: false, failure: { error: 'TimeoutError' } });
    const deadline = new Date(Date.parse(tests.catalog?.startedAt ?? '') + 240 * 60_000).toISOString();
    expect(tests.catalog?.failure?.cause).toBe(
      `the test failed before catalog's test was recorded: RDS did not answer; its throwaway ${cluster}, if one was ` +
        `made, is deleted by a later test's sweep once past ${deadline}`,
    );
    expect(tests.catalog?.cleanedUpAt).toBeUndefined();
    // orders-db's own record stands: the test's start keys both (Plan Restore Tests takes the execution's), so
    // on-run-failed's write found it and left it.
    expect(tests['orders-db']).toMatchObject({ passed: true, validation: { passed: true } });
    expect(tests['orders-db']?.cleanedUpAt).toBeDefined();
    expect(tests['orders-db']?.startedAt).toBe(tests.catalog?.startedAt);
    expect(report.events.map((e) => e.detailType)).toEqual(['Restore Test Passed', 'Restore Test Failed']);
    expect(report.warnings).toContain('restore-test execution ended FAILED: TimeoutError RDS did not answer');
  });

  it('fails the execution when the cleanup fails (redrivable), and a redrive adopts the throwaway instead of making a second', async () => {
    // Prepare: the first run's cleanup fails every retry; the second run (same execution name, as a redrive
    // re-enters) has working handlers.
    let run = 0;
    const loadHandler = cleanupNeverAnswered(
      () => run === 1,
      (name, real) =>
        name === 'plan-restore-test'
          ? async (event, context) => {
              run += 1;
              return real(event, context);
            }
          : real,
    );

    // Act
    const { report, world } = await runDrill({
      planFile: PLAN,
      scenario: 'restore-test',
      slackPreview: false,
      loadHandler,
      restoreRuns: 2,
    });

    // Assess: one throwaway per database ever created; the second start was refused as existing and adopted.
    const created = world.actions.filter((a) => a.operation.startsWith('Restore') && a.outcome === 'accepted');
    const refused = world.actions.filter((a) => a.operation.startsWith('Restore') && a.outcome !== 'accepted');
    expect(created).toHaveLength(2);
    expect(refused.map((a) => a.outcome).sort()).toEqual([
      'DBClusterAlreadyExistsFault',
      'DBInstanceAlreadyExistsFault',
    ]);
    expect(ours(world.restores.instances).filter((i) => !i.clusterIdentifier)).toHaveLength(1);
    expect(ours(world.restores.clusters)).toHaveLength(1);
    expect(world.restores.undeleted()).toEqual([]);
    expect(report.restoreTests?.every((t) => t.cleanedUpAt !== undefined)).toBe(true);
    const retried = report.timeline.filter((t) => t.state === 'Clean Up Restore' && t.event === 'retried');
    expect(retried.length).toBeGreaterThan(0);
    const mapFailed = report.timeline.filter((t) => t.state === 'Test Databases' && t.event === 'failed');
    expect(mapFailed).toHaveLength(1);
  });
});
