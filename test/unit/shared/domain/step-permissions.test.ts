import { join } from 'node:path';
import {
  DENIALS_LISTED,
  normalizeRecordName,
  type PermissionReading,
  permissionChecks,
  stepPermissions,
} from '../../../../shared/domain/step-permissions';
import { loadPlanFile } from '../../../../shared/plan/load';
import { ordersPlan } from '../../../support/plan-fixtures';
import { planAtSize } from '../../../support/plan-limits';

const ROLE = 'arn:aws:iam::123456789012:role/switchback-prod-PromoteDatabaseRole-AbC';
const REPLICA = 'arn:aws:rds:us-west-2:123456789012:db:orders-db-replica';

describe('stepPermissions', () => {
  it("names each step's calls on the plan's own resources, the record change with its record-level context", () => {
    // Act
    const needed = stepPermissions(ordersPlan(), '123456789012');

    // Assess
    expect(needed).toContainEqual({
      function: 'promote-database',
      action: 'rds:PromoteReadReplica',
      resource: REPLICA,
    });
    expect(needed).toContainEqual({
      function: 'fence-database',
      action: 'rds:StopDBInstance',
      resource: 'arn:aws:rds:us-east-1:123456789012:db:orders-db',
    });
    expect(needed).toContainEqual({
      function: 'promote-database',
      action: 'rds:FailoverGlobalCluster',
      resource: 'arn:aws:rds::123456789012:global-cluster:catalog-global',
    });
    const change = needed.find((need) => need.action === 'route53:ChangeResourceRecordSets');
    expect(change).toMatchObject({
      function: 'flip-dns',
      resource: 'arn:aws:route53:::hostedzone/Z0123456789ORDERSAPI',
      context: expect.arrayContaining([
        { key: 'route53:ChangeResourceRecordSetsActions', values: ['UPSERT'] },
        { key: 'route53:ChangeResourceRecordSetsRecordTypes', values: ['CNAME'] },
      ]),
    });
  });

  it("lists the runbook starts on the stack state machines: the alarm intake, the lock holder's reads, the fence start, the reprotect after a failback, the game day legs", () => {
    // Prepare
    const machine = (runbook: string) =>
      `arn:aws:states:us-west-2:123456789012:stateMachine:switchback-prod-${runbook}`;
    const stack = { stateMachineArns: ['failover', 'fence', 'reprotect', 'failback', 'game-day'].map(machine) };

    // Act
    const needed = stepPermissions(ordersPlan(), '123456789012', 'aws', stack).filter((need) =>
      need.action.startsWith('states:'),
    );

    // Assess: the game day's own state machine is started by no step
    expect(needed.map((need) => `${need.function} ${need.action} ${need.resource}`)).toEqual([
      `on-health-alarm states:StartExecution ${machine('failover')}`,
      // Whether the plan's lock holder, any runbook's execution, still runs (an orphaned lock is taken over; the fence
      // retry starts a fence run to settle one).
      ...['failover', 'fence', 'reprotect', 'failback'].flatMap((runbook) =>
        [
          'on-health-alarm',
          'start-fence',
          'on-run-failed',
          'assess',
          'assess-fence',
          'assess-reprotect',
          'assess-failback',
          'assess-game-day',
        ].map((fn) => `${fn} states:DescribeExecution ${machine(runbook).replace(':stateMachine:', ':execution:')}:*`),
      ),
      `start-fence states:StartExecution ${machine('fence')}`,
      // After a standalone failback: follows the fence it started, then starts the reprotect the other way.
      `start-reprotect-back states:DescribeExecution ${machine('fence').replace(':stateMachine:', ':execution:')}:*`,
      `start-reprotect-back states:StartExecution ${machine('reprotect')}`,
      ...['failover', 'fence', 'reprotect', 'failback'].flatMap((runbook) => [
        `start-game-day-leg states:StartExecution ${machine(runbook)}`,
        `check-game-day-leg states:DescribeExecution ${machine(runbook).replace(':stateMachine:', ':execution:')}:*`,
      ]),
    ]);
    expect(stepPermissions(ordersPlan(), '123456789012').some((need) => need.action.startsWith('states:'))).toBe(false);
  });

  it('lists the prober\'s and the alarm switch\'s PutMetricData on "*" with the namespace their roles are held to', () => {
    // Prepare
    const plans = ['example-arc.yml', 'example-alarm-dns.yml'].map((file) =>
      loadPlanFile(join(__dirname, '..', '..', '..', '..', 'plans', file)),
    );

    // Act
    const [arc, alarm] = plans.map((plan) =>
      stepPermissions(plan, '123456789012').filter((need) => need.action === 'cloudwatch:PutMetricData'),
    );

    // Assess
    expect(arc).toEqual([
      {
        function: 'probe-primary',
        action: 'cloudwatch:PutMetricData',
        resource: '*',
        context: [{ key: 'cloudwatch:namespace', values: ['Switchback'] }],
      },
    ]);
    expect(alarm?.map((need) => [need.function, need.context?.[0]?.values])).toEqual([
      ['flip-dns', ['Switchback/DnsSwitch']],
    ]);
  });

  it("lists reprotect's calls in both directions, on the names it derives as the roles' patterns", () => {
    // Act
    const needed = stepPermissions(ordersPlan(), '123456789012').filter(
      (need) => need.function === 'reprotect-database',
    );

    // Assess: after a failover, a copy of the plan's replica in us-east-1; after a failback, another in us-west-2:
    // every copy, any generation, under one pattern named from the plan's replica (never `-rp-*-rp-*`).
    expect(needed).toEqual(
      expect.arrayContaining([
        {
          function: 'reprotect-database',
          action: 'rds:CreateDBInstanceReadReplica',
          resource: 'arn:aws:rds:us-east-1:123456789012:db:orders-db-replica-rp-*',
        },
        {
          function: 'reprotect-database',
          action: 'rds:CreateDBInstanceReadReplica',
          resource: 'arn:aws:rds:us-west-2:123456789012:db:orders-db-replica-rp-*',
        },
        {
          function: 'reprotect-database',
          action: 'rds:CreateDBSnapshot',
          resource: 'arn:aws:rds:us-west-2:123456789012:snapshot:orders-db-replica-pre-*',
        },
        {
          function: 'reprotect-database',
          action: 'rds:CreateDBSnapshot',
          resource: 'arn:aws:rds:us-east-1:123456789012:snapshot:orders-db-replica-rp-*-pre-*',
        },
        {
          function: 'reprotect-database',
          action: 'rds:CreateDBCluster',
          resource: 'arn:aws:rds:us-east-1:123456789012:cluster:catalog-west-sc-*',
        },
      ]),
    );
    expect(needed.filter((need) => need.resource.includes('-rp-*-rp-'))).toEqual([]);
    expect(needed.some((need) => need.action === 'rds:DeleteDBInstance')).toBe(false);
  });

  it('lists the restore test, write pause and Slack secret only for a plan that has them, each call once', () => {
    // Prepare
    const example = loadPlanFile(join(__dirname, '..', '..', '..', '..', 'plans', 'example.yml'));

    // Act
    const bare = stepPermissions(ordersPlan(), '123456789012');
    const full = stepPermissions(example, '123456789012');

    // Assess
    const optional = ['plan-restore-test', 'start-restore', 'check-restore', 'clean-up-restore', 'notify'];
    expect(bare.filter((need) => optional.includes(need.function))).toEqual([]);
    expect(full).toEqual(
      expect.arrayContaining([
        {
          function: 'start-restore',
          action: 'rds:RestoreDBInstanceToPointInTime',
          resource: 'arn:aws:rds:us-west-2:123456789012:subgrp:orders-restore-tests',
        },
        {
          function: 'clean-up-restore',
          action: 'rds:DeleteDBInstance',
          resource: 'arn:aws:rds:us-west-2:123456789012:db:sbrt-*',
        },
        {
          function: 'notify',
          action: 'secretsmanager:GetSecretValue',
          resource: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:switchback/orders/slack-webhook-??????',
        },
        {
          function: 'set-write-pause',
          action: 'ssm:PutParameter',
          resource: 'arn:aws:ssm:us-west-2:123456789012:parameter/orders/writes',
        },
      ]),
    );
    expect(new Set(full.map((need) => JSON.stringify(need))).size).toBe(full.length);
  });

  it("lists the whole-plan reads' every-resource grants only for a plan with two or more databases of a kind", () => {
    // Prepare: the example plan (one RDS replica, one Aurora database) and the same plan with two of each
    const allOf = (needed: ReturnType<typeof stepPermissions>) =>
      needed.filter(
        (need) => /:(db|cluster|global-cluster):\*$/.test(need.resource) && need.function !== 'plan-restore-test',
      );
    const example = loadPlanFile(join(__dirname, '..', '..', '..', '..', 'plans', 'example.yml'));
    const grown = planAtSize(example, { databases: 4, records: 2 });

    // Act
    const one = allOf(stepPermissions(example, '123456789012'));
    const several = allOf(stepPermissions(grown, '123456789012'));

    // Assess: each read names its database with one of each; several go in one request per Region (shared/aws/rds.ts)
    expect(one).toEqual([]);
    expect(several).toEqual(
      expect.arrayContaining([
        {
          function: 'check-promotion',
          action: 'rds:DescribeDBInstances',
          resource: 'arn:aws:rds:us-west-2:123456789012:db:*',
        },
        {
          function: 'assess',
          action: 'rds:DescribeDBClusters',
          resource: 'arn:aws:rds:us-west-2:123456789012:cluster:*',
        },
        {
          function: 'verify-recovery',
          action: 'rds:DescribeGlobalClusters',
          resource: 'arn:aws:rds::123456789012:global-cluster:*',
        },
        {
          function: 'check-failback-lag',
          action: 'rds:DescribeDBInstances',
          resource: 'arn:aws:rds:us-east-1:123456789012:db:*',
        },
      ]),
    );
    expect(new Set(several.map((need) => need.function))).toEqual(
      new Set(['assess', 'check-promotion', 'verify-recovery', 'check-failback-lag']),
    );
  });

  it('normalizes record names as Route 53 compares them', () => {
    expect(normalizeRecordName('*.API.Orders.example.com.')).toBe('\\052.api.orders.example.com');
  });
});

describe('permissionChecks', () => {
  const reading = (decisions: PermissionReading['decisions']): PermissionReading => ({
    function: 'promote-database',
    roleArn: ROLE,
    decisions,
  });

  it('finds nothing when IAM allows every call', () => {
    expect(
      permissionChecks(ordersPlan(), [
        reading([{ action: 'rds:PromoteReadReplica', resource: REPLICA, decision: 'allowed' }]),
      ]),
    ).toEqual([]);
  });

  it('names the role, action, resource and the fix for an implicit deny, a boundary and an SCP', () => {
    // Act
    const findings = permissionChecks(ordersPlan(), [
      reading([
        { action: 'rds:PromoteReadReplica', resource: REPLICA, decision: 'implicitDeny' },
        { action: 'rds:DescribeDBInstances', resource: REPLICA, decision: 'implicitDeny', allowedByBoundary: false },
        {
          action: 'rds:FailoverGlobalCluster',
          resource: 'arn:aws:rds::123456789012:global-cluster:catalog-global',
          decision: 'explicitDeny',
          allowedByOrganizations: false,
        },
      ]),
    ]);

    // Assess
    expect(findings).toEqual([
      {
        check: 'role-permission',
        resource: `iam:${ROLE}`,
        expected: `rds:PromoteReadReplica allowed on ${REPLICA} (the promote-database step of plan orders)`,
        found: 'implicitDeny',
        fix: 'deploy again with this plan in plans/ (npm run package, then npx serverless deploy): the promote-database role is then granted rds:PromoteReadReplica',
      },
      expect.objectContaining({
        found: 'implicitDeny by the permissions boundary',
        fix: "allow rds:DescribeDBInstances in the role's permissions boundary",
      }),
      expect.objectContaining({
        found: "explicitDeny by the organization's SCPs",
        fix: "have the organization's administrators exempt this role from the SCP that denies rds:FailoverGlobalCluster",
      }),
    ]);
  });

  it('counts the denials of one action past DENIALS_LISTED resources in one finding, naming the first ones', () => {
    // Prepare: a plan missing from the deployment, as at the size limits: every replica's promotion denied, and one
    // other action denied on one resource.
    const replicas = Array.from({ length: 40 }, (_, index) => `${REPLICA}-${index + 1}`);
    const decisions = [
      ...replicas.map((resource) => ({ action: 'rds:PromoteReadReplica', resource, decision: 'implicitDeny' })),
      { action: 'rds:DescribeDBInstances', resource: REPLICA, decision: 'implicitDeny' },
    ];

    // Act
    const findings = permissionChecks(ordersPlan(), [reading(decisions)]);

    // Assess
    expect(findings).toEqual([
      {
        check: 'role-permission',
        resource: `iam:${ROLE}`,
        expected: `rds:PromoteReadReplica allowed on 40 resources (the promote-database step of plan orders): ${replicas.slice(0, DENIALS_LISTED).join(', ')} and ${40 - DENIALS_LISTED} more`,
        found: 'implicitDeny',
        fix: 'deploy again with this plan in plans/ (npm run package, then npx serverless deploy): the promote-database role is then granted rds:PromoteReadReplica',
      },
      expect.objectContaining({
        expected: `rds:DescribeDBInstances allowed on ${REPLICA} (the promote-database step of plan orders)`,
      }),
    ]);
  });

  it('says "could not check" for a role whose simulation failed', () => {
    // Act
    const findings = permissionChecks(ordersPlan(), [
      { function: 'flip-dns', roleArn: ROLE, error: 'EndpointUnreachableError: iam did not answer' },
    ]);

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({
        check: 'could-not-check',
        resource: `iam:${ROLE}`,
        found: 'EndpointUnreachableError: iam did not answer',
      }),
    ]);
  });
});
