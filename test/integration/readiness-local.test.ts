import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PlanReadiness } from '../../shared/domain/readiness';
import type { RestoreTestRecord } from '../../shared/domain/restore-test';
import { runLocalReadiness } from '../../sim/readiness';
import { runSwitchbackInProcess } from '../support/cli';
import { scratchFolders } from '../support/scratch';

/**
 * Readiness against the simulator: the product's readiness use case and adapters, the simulated AWS as the plan
 * describes it (or drifted), no outage.
 */

const PLAN = join(__dirname, '..', '..', 'plans', 'example.yml');

/** A restore test of the example plan's database as the ledger keeps it (the simulator starts 2026-01-15T03:00Z). */
const restoreTest = (databaseId: string, startedAt: string, passed = true): RestoreTestRecord => ({
  plan: 'orders',
  testId: `orders-restore-${startedAt}`,
  databaseId,
  kind: databaseId === 'catalog' ? 'aurora-global' : 'rds-read-replica',
  identifier: `sbrt-${databaseId}-0123456789`,
  region: 'us-west-2',
  requestedBy: 'schedule',
  startedAt,
  secondsToAvailable: 600,
  validation: { passed },
  passed,
  ...(passed ? {} : { failure: { error: 'RestoreFailedError', cause: 'InvalidRestoreFault: no replicated backup' } }),
  cleanedUpAt: startedAt,
  rtoBudgetSeconds: 900,
  recordedAt: startedAt,
});
const RECENT_TESTS = [
  restoreTest('orders-db', '2026-01-12T03:00:00.000Z'),
  restoreTest('catalog', '2026-01-12T03:00:00.000Z'),
];

jest.setTimeout(60_000);

describe('runLocalReadiness', () => {
  const newPlanFolder = scratchFolders('switchback-readiness-plan-');

  it('finds the example plan ready, with the projected RTO and each term from the simulated health check and alarm', async () => {
    // Act
    const readiness = await runLocalReadiness({ planFile: PLAN, restoreTests: RECENT_TESTS });

    // Assess
    expect(readiness).toMatchObject({ plan: 'orders', ready: true, findings: [] });
    expect(readiness.projectedRto).toMatchObject({ seconds: 515, budgetSeconds: 900, withinBudget: true });
    expect(readiness.projectedRto.terms.detection).toEqual({
      seconds: 150,
      source: 'health check 30 s x 3 + alarm 60 s x 1',
    });
    expect(readiness.replicaLagSeconds).toEqual(expect.any(Number));
  });

  it('finds a fresh simulator (no restore test on record yet) ready, with a warning per untested database', async () => {
    // Act
    const readiness = await runLocalReadiness({ planFile: PLAN });

    // Assess
    expect(readiness.ready).toBe(true);
    expect(readiness.findings.map((finding) => [finding.check, finding.found, finding.warning])).toEqual([
      ['restore-test', "orders-db: no restore test on record yet (the plan's restore-test schedule has not run)", true],
      ['restore-test', "catalog: no restore test on record yet (the plan's restore-test schedule has not run)", true],
    ]);
  });

  it('is not ready, naming the resource and the fix, when the standby replica is missing', async () => {
    // Act
    const readiness = await runLocalReadiness({ planFile: PLAN, drift: { standbyMissing: true } });

    // Assess
    expect(readiness.ready).toBe(false);
    expect(readiness.findings).toContainEqual(
      expect.objectContaining({ check: 'standby-exists', resource: 'rds:us-west-2:orders-db-replica' }),
    );
  });

  it("flags each database whose restore test in the ledger failed or is older than the plan's maxAgeDays", async () => {
    // Act
    const readiness = await runLocalReadiness({
      planFile: PLAN,
      restoreTests: [
        restoreTest('orders-db', '2026-01-14T03:00:00.000Z', false),
        restoreTest('catalog', '2026-01-01T03:00:00.000Z'),
      ],
    });

    // Assess
    expect(readiness.ready).toBe(false);
    expect(
      readiness.findings.filter((finding) => finding.check === 'restore-test').map((finding) => finding.found),
    ).toEqual([
      'orders-db: the latest restore test (2026-01-14T03:00:00.000Z, 1 days ago) failed: RestoreFailedError: InvalidRestoreFault: no replicated backup',
      'orders-db: no passing restore test within 7 days',
      'catalog: no passing restore test within 7 days (newest 2026-01-01T03:00:00.000Z, 14 days old)',
    ]);
  });

  it("names Switchback's own wiring when a rule or schedule is disabled, a state machine gone and the DLQ holds messages", async () => {
    // Act
    const readiness = await runLocalReadiness({
      planFile: PLAN,
      restoreTests: RECENT_TESTS,
      drift: { wiring: { ruleDisabled: true, stateMachineMissing: true, deadLetters: 2, scheduleDisabled: true } },
    });

    // Assess
    expect(readiness.ready).toBe(false);
    expect(readiness.findings.map((finding) => [finding.check, finding.resource, finding.found])).toEqual([
      ['rule-enabled', 'events:rule/default/switchback-drill-on-health-alarm-rule-1', 'state DISABLED'],
      [
        'state-machine-present',
        'states:arn:aws:states:us-west-2:123456789012:stateMachine:switchback-drill-failover',
        'no such state machine',
      ],
      ['schedule-enabled', 'scheduler:schedule/default/switchback-drill-readiness-orders', 'state DISABLED'],
      [
        'dead-letter-queue-empty',
        'sqs:https://sqs.us-west-2.amazonaws.com/123456789012/switchback-drill-dlq',
        'about 2 message(s) waiting',
      ],
    ]);
  });

  it("names each step's role that IAM's simulator says may not act on the plan (an SCP denying PromoteReadReplica)", async () => {
    // Act
    const readiness = await runLocalReadiness({
      planFile: PLAN,
      restoreTests: RECENT_TESTS,
      drift: { iam: { deniedByOrganizations: ['rds:PromoteReadReplica'] } },
    });

    // Assess
    expect(readiness.ready).toBe(false);
    // The plan's replica, and the standbys reprotect makes back in us-west-2 (a later game day promotes one).
    expect(readiness.findings).toEqual([
      ...['orders-db-replica', 'orders-db-replica-rp-*'].map((name) => ({
        check: 'role-permission',
        resource: 'iam:arn:aws:iam::123456789012:role/switchback-drill-promote-database',
        expected: `rds:PromoteReadReplica allowed on arn:aws:rds:us-west-2:123456789012:db:${name} (the promote-database step of plan orders)`,
        found: "explicitDeny by the organization's SCPs",
        fix: "have the organization's administrators exempt this role from the SCP that denies rds:PromoteReadReplica",
      })),
      // The failback's standbys in us-east-1: one named after the primary, or a copy reprotect made there.
      ...['orders-db-*', 'orders-db-replica-rp-*'].map((name) => ({
        check: 'role-permission',
        resource: 'iam:arn:aws:iam::123456789012:role/switchback-drill-fail-back-database',
        expected: `rds:PromoteReadReplica allowed on arn:aws:rds:us-east-1:123456789012:db:${name} (the fail-back-database step of plan orders)`,
        found: "explicitDeny by the organization's SCPs",
        fix: "have the organization's administrators exempt this role from the SCP that denies rds:PromoteReadReplica",
      })),
    ]);
  });

  it.each([
    [
      'reprotect-database',
      'rds:CreateDBInstanceReadReplica',
      [
        // The writers (the plan's replica; after a game day, a copy made back in us-west-2), then the copies.
        'arn:aws:rds:us-west-2:123456789012:db:orders-db-replica',
        'arn:aws:rds:us-west-2:123456789012:db:orders-db-replica-rp-*',
        'arn:aws:rds:us-east-1:123456789012:db:orders-db-replica-rp-*',
      ],
    ],
    [
      'fail-back-database',
      'rds:SwitchoverGlobalCluster',
      [
        'arn:aws:rds::123456789012:global-cluster:catalog-global',
        'arn:aws:rds:us-east-1:123456789012:cluster:catalog-east',
      ],
    ],
    // The roles that start or follow a runbook, on the stack's state machines.
    [
      'start-fence',
      'states:StartExecution',
      ['arn:aws:states:us-west-2:123456789012:stateMachine:switchback-drill-fence'],
    ],
    [
      'check-game-day-leg',
      'states:DescribeExecution',
      ['failover', 'fence', 'reprotect', 'failback'].map(
        (runbook) => `arn:aws:states:us-west-2:123456789012:execution:switchback-drill-${runbook}:*`,
      ),
    ],
    [
      'start-restore',
      'rds:RestoreDBInstanceToPointInTime',
      [
        'arn:aws:rds:us-west-2:123456789012:db:sbrt-*',
        'arn:aws:rds:us-west-2:123456789012:auto-backup:*',
        'arn:aws:rds:us-west-2:123456789012:subgrp:orders-restore-tests',
      ],
    ],
  ])(
    'names the %s role, the action, each resource and the fix when a hand-edited policy took %s out of it',
    async (fn, action, resources) => {
      // Act
      const readiness = await runLocalReadiness({
        planFile: PLAN,
        restoreTests: RECENT_TESTS,
        drift: { iam: { revoked: [{ function: fn, action }] } },
      });

      // Assess
      expect(readiness.ready).toBe(false);
      expect(readiness.findings).toEqual(
        resources.map((resource) => ({
          check: 'role-permission',
          resource: `iam:arn:aws:iam::123456789012:role/switchback-drill-${fn}`,
          expected: `${action} allowed on ${resource} (the ${fn} step of plan orders)`,
          found: 'implicitDeny',
          fix: `deploy again with this plan in plans/ (npm run package, then npx serverless deploy): the ${fn} role is then granted ${action}`,
        })),
      );
    },
  );

  it('names the calls the deployed roles do not grant for a plan that is not in plans/ (deploy it again)', async () => {
    // Prepare: the example plan with a replica the deployment's roles were never given.
    const dir = newPlanFolder();
    const planFile = join(dir, 'billing.yml');
    writeFileSync(planFile, readFileSync(PLAN, 'utf8').replaceAll('orders-db-replica', 'billing-db-replica'));

    // Act
    const readiness = await runLocalReadiness({ planFile, restoreTests: RECENT_TESTS });

    // Assess
    const denied = readiness.findings.filter((finding) => finding.check === 'role-permission');
    // Each step on the plan's replica and on the replicas reprotect makes from it (a later game day runs on them).
    const west = 'arn:aws:rds:us-west-2:123456789012:db:billing-db-replica';
    const east = 'arn:aws:rds:us-east-1:123456789012:db:billing-db-replica';
    const snapshots = 'arn:aws:rds:us-west-2:123456789012:snapshot:billing-db-replica';
    const eastSnapshots = 'arn:aws:rds:us-east-1:123456789012:snapshot:billing-db-replica';
    const both = (role: string, action: string) => [
      `switchback-drill-${role} ${action} ${west}`,
      `switchback-drill-${role} ${action} ${west}-rp-*`,
    ];
    // In any order: one finding per grant the deployment lacks.
    expect(
      denied
        .map(
          (finding) =>
            `${finding.resource.split('/').at(-1)} ${finding.expected.split(' ')[0]} ${finding.expected.split(' ')[3]}`,
        )
        .sort(),
    ).toEqual(
      [
        ...both('assess', 'rds:DescribeDBInstances'),
        ...both('promote-database', 'rds:DescribeDBInstances'),
        ...both('promote-database', 'rds:PromoteReadReplica'),
        ...both('check-promotion', 'rds:DescribeDBInstances'),
        ...both('verify-recovery', 'rds:DescribeDBInstances'),
        // Fence stops the plan's replica too once it is the old writer after a failback, and after a game day the
        // replicas reprotect made, in either region.
        ...[west, `${east}-rp-*`, `${west}-rp-*`].map(
          (arn) => `switchback-drill-fence-database rds:DescribeDBInstances ${arn}`,
        ),
        ...[west, `${east}-rp-*`, `${west}-rp-*`].map(
          (arn) => `switchback-drill-fence-database rds:StopDBInstance ${arn}`,
        ),
        // Failback promotes the copy reprotect made in us-east-1 (named from the plan's replica, so not granted).
        ...['rds:DescribeDBInstances', 'rds:PromoteReadReplica'].map(
          (action) => `switchback-drill-fail-back-database ${action} ${east}-rp-*`,
        ),
        `switchback-drill-verify-failback rds:DescribeDBInstances ${east}-rp-*`,
        // Check Failback Lag reads it while no minute since the write pause has a ReplicaLag datapoint.
        `switchback-drill-check-failback-lag rds:DescribeDBInstances ${east}-rp-*`,
        // Reprotect reads, snapshots and copies the replica, in both directions (after a failover, after a failback),
        // and after a game day the copies reprotect made, in either region.
        ...[west, `${west}-rp-*`, `${east}-rp-*`].flatMap((arn) => [
          `switchback-drill-assess-reprotect rds:DescribeDBInstances ${arn}`,
          `switchback-drill-reprotect-database rds:DescribeDBInstances ${arn}`,
          `switchback-drill-reprotect-database rds:CreateDBInstanceReadReplica ${arn}`,
        ]),
        ...[
          [west, snapshots],
          [`${west}-rp-*`, `${snapshots}-rp-*`],
          [`${east}-rp-*`, `${eastSnapshots}-rp-*`],
        ].flatMap(([db, snapshot]) => [
          `switchback-drill-reprotect-database rds:DescribeDBSnapshots ${snapshot}-pre-*`,
          `switchback-drill-reprotect-database rds:CreateDBSnapshot ${db}`,
          `switchback-drill-reprotect-database rds:CreateDBSnapshot ${snapshot}-pre-*`,
        ]),
      ].sort(),
    );
    expect(denied[0]).toMatchObject({
      expected: expect.stringContaining(':db:billing-db-replica'),
      found: 'implicitDeny',
      fix: expect.stringContaining('deploy again with this plan in plans/'),
    });
  });

  it('is not ready when the standby record is not a failover record', async () => {
    // Act
    const readiness = await runLocalReadiness({ planFile: PLAN, drift: { recordNotFailover: true } });

    // Assess
    expect(readiness.findings.map((finding) => finding.check)).toContain('record-failover');
  });
});

describe('switchback readiness --local', () => {
  const newReportFolder = scratchFolders('switchback-readiness-');

  it('prints per-plan readiness JSON and writes the HTML readiness report', async () => {
    // Prepare
    const out = newReportFolder();

    // Act: the plan by its name (its app), found among the plan files of plans/; in-process, as the command's own
    // code runs it (the process boundary is tested in test/unit/cli/switchback.test.ts and drill-cli.test.ts)
    const result = await runSwitchbackInProcess(['readiness', '--local', '--plan', 'orders', '--json', '--out', out]);

    // Assess
    // A fresh simulator has no restore test on record yet: a warning per database, which leaves the plan ready.
    expect(result.code).toBe(0);
    const [readiness] = JSON.parse(result.stdout) as PlanReadiness[];
    expect(readiness).toMatchObject({ ready: true, projectedRto: { seconds: 515 } });
    expect(readiness?.findings.map((finding) => [finding.found, finding.warning])).toEqual([
      ["orders-db: no restore test on record yet (the plan's restore-test schedule has not run)", true],
      ["catalog: no restore test on record yet (the plan's restore-test schedule has not run)", true],
    ]);
    const html = readFileSync(join(out, 'readiness-orders.html'), 'utf8');
    expect(html).toContain('Projected RTO <strong>515 s</strong>');
    expect(html).toContain('restore-test (warning)');
  });

  it('names the plans it knows in one line when --local --plan names no plan file and no plan in plans/', async () => {
    // Act: in-process (it exits before the simulator starts)
    const result = await runSwitchbackInProcess(['readiness', '--local', '--plan', 'payments']);

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(
      /^switchback: plan file "payments" does not exist, and no plan in plans\/ is named "payments" \(plans there: [a-z, -]*orders[a-z, -]*\): give a plan file or a plan's name$/,
    );
  });

  it('names the deployed plans in one line when --plan (without --local) names none of them', async () => {
    // Act: in-process (it exits before any AWS call); the process is tested above
    const result = await runSwitchbackInProcess(['readiness', '--plan', 'payments']);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(
      /^switchback: no plan named "payments" in plans \(plans: [a-z, -]*orders[a-z, -]*\): give --plan <name> or <file>$/,
    );
  });
});
