import type { PlanReadiness } from '../../../../shared/domain/readiness';
import { EndpointUnreachableError } from '../../../../shared/errors';
import { PlanRegistry } from '../../../../shared/plan/load';
import { type CheckReadinessDeps, checkReadiness } from '../../../../shared/usecases/check-readiness';
import { FakeClock, FakeLedger, FakeLog } from '../../../support/fakes';
import { ARC_SWITCH, ORDERS_PRIMARY_ARN, ordersPlan, ordersPlanInput } from '../../../support/plan-fixtures';
import { healthyRds, NOW, readinessWorld, records } from '../../../support/readiness-fixtures';

/** An AWS error as the SDK throws it: its name is the service's error code. */
const awsError = (name: string, message: string): Error => Object.assign(new Error(message), { name });

const couldNotCheck = (readiness: PlanReadiness) =>
  readiness.findings.filter((finding) => finding.check === 'could-not-check');

describe('checkReadiness', () => {
  let deps: CheckReadinessDeps;
  let ledger: FakeLedger;

  beforeEach(() => {
    ledger = new FakeLedger();
    deps = {
      plans: new PlanRegistry([ordersPlan()]),
      ...readinessWorld(),
      ledger,
      clock: new FakeClock(NOW),
      log: new FakeLog(),
    };
  });

  it('is ready with no finding when every read answers and all is as the plan says', async () => {
    // Act
    const readiness = await checkReadiness(ordersPlan(), deps);

    // Assess
    expect(readiness).toMatchObject({ plan: 'orders', ready: true, findings: [] });
  });

  it('reports the backup warnings a live failover would give now as backups-fresh findings', async () => {
    // Prepare: the cross-region copy of orders-db is older than backups.maxAgeSeconds (600 s)
    deps.rds = healthyRds().addReplicatedBackup('us-west-2', ORDERS_PRIMARY_ARN, '2026-11-25T02:30:00.000Z');

    // Act
    const readiness = await checkReadiness(ordersPlan(), deps);

    // Assess
    expect(readiness.ready).toBe(false);
    expect(readiness.findings).toEqual([
      {
        check: 'backups-fresh',
        resource: 'orders-db',
        expected: 'backups at most 600 s old, copied to us-west-2',
        found: 'orders-db cross-region backup copy is 1890 s old, limit 600 s',
        fix: 'turn on automated backups and their cross-region replication (RDS User Guide), or correct backups.* in the plan',
      },
    ]);
  });

  it("reports an alarm CloudWatch did not describe as 'could not check', never a pass, and still projects the RTO", async () => {
    // Prepare
    deps.alarms = {
      describeAlarms: async () => {
        throw awsError('ThrottlingException', 'Rate exceeded');
      },
    };

    // Act
    const readiness = await checkReadiness(ordersPlan(), deps);

    // Assess
    expect(readiness.ready).toBe(false);
    expect(readiness.findings).toEqual([
      {
        check: 'could-not-check',
        resource: 'cloudwatch:alarm/orders-primary-health',
        expected: 'an answer to cloudwatch:DescribeAlarms',
        found: 'ThrottlingException: Rate exceeded',
        fix: 'check that the readiness role may call cloudwatch:DescribeAlarms and that the service answers (the error says which); the next run checks again',
      },
    ]);
    expect(readiness.projectedRto.terms.detection.source).toBe(
      'health check 30 s x 3 + alarm 60 s x 1 (no alarm read)',
    );
  });

  it("reports a health check Route 53 did not return as 'could not check', not as a missing health check", async () => {
    // Prepare
    deps.route53.getHealthCheck = async () => {
      throw new EndpointUnreachableError('route53', 'GetHealthCheck', awsError('TimeoutError', 'no answer in 5000 ms'));
    };

    // Act
    const readiness = await checkReadiness(ordersPlan(), deps);

    // Assess
    expect(readiness.ready).toBe(false);
    expect(couldNotCheck(readiness)).toEqual([
      expect.objectContaining({
        resource: 'route53:healthcheck/hc-east',
        expected: 'an answer to route53:GetHealthCheck',
        found: expect.stringMatching(/^EndpointUnreachableError: .*GetHealthCheck/),
      }),
    ]);
    expect(readiness.findings.map((finding) => finding.check)).not.toContain('health-check-exists');
  });

  it("reports a standby RDS did not describe as 'could not check', not as missing, and reads the other databases", async () => {
    // Prepare
    const describeInstance = deps.rds.describeInstance.bind(deps.rds);
    deps.rds.describeInstance = async (region, id) => {
      if (id === 'orders-db-replica')
        throw awsError('AccessDenied', 'not authorized to perform rds:DescribeDBInstances');
      return describeInstance(region, id);
    };

    // Act
    const readiness = await checkReadiness(ordersPlan(), deps);

    // Assess
    expect(readiness.ready).toBe(false);
    expect(readiness.findings).toEqual([
      expect.objectContaining({
        check: 'could-not-check',
        resource: 'rds:us-west-2:orders-db-replica',
        expected: 'an answer to rds:DescribeDBInstances',
        found: 'AccessDenied: not authorized to perform rds:DescribeDBInstances',
      }),
    ]);
    // The Aurora secondary was read and passed; the unread replica gave no lag finding either.
    expect(readiness.replicaLagSeconds).toBe(0.8);
  });

  it("reports a record pair Route 53 did not list as 'could not check', not as a missing record", async () => {
    // Prepare
    deps.route53.listRecordSets = async () => {
      throw awsError('PriorRequestNotComplete', 'the request was rejected because Route 53 was still processing');
    };

    // Act
    const readiness = await checkReadiness(ordersPlan(), deps);

    // Assess
    expect(readiness.ready).toBe(false);
    expect(readiness.findings).toEqual([
      expect.objectContaining({
        check: 'could-not-check',
        resource: 'route53:Z0123456789ORDERSAPI/api.orders.example.com/CNAME',
        expected: 'an answer to route53:ListResourceRecordSets',
        found: 'PriorRequestNotComplete: the request was rejected because Route 53 was still processing',
      }),
    ]);
  });

  it("reports a role IAM did not simulate as 'could not check' beside the roles it did", async () => {
    // Prepare
    deps.permissions = {
      roles: {
        assess: 'arn:aws:iam::123456789012:role/assess',
        'fence-database': 'arn:aws:iam::123456789012:role/fence',
      },
      simulator: {
        simulate: async (roleArn, action, resources) => {
          if (roleArn.endsWith('/fence')) throw awsError('Throttling', 'Rate exceeded');
          return resources.map((resource) => ({ action, resource, decision: 'allowed' }));
        },
      },
    };

    // Act
    const readiness = await checkReadiness(ordersPlan(), deps);

    // Assess
    expect(readiness.ready).toBe(false);
    expect(readiness.findings).toEqual([
      expect.objectContaining({
        check: 'could-not-check',
        resource: 'iam:arn:aws:iam::123456789012:role/fence',
        found: 'Throttling: Rate exceeded',
      }),
    ]);
  });

  it("reports a replica lag CloudWatch did not give as 'could not check' for that database", async () => {
    // Prepare
    deps.replicaLag.rdsReplicaLagSeconds = async () => {
      throw awsError('InternalServiceError', 'CloudWatch is unavailable');
    };

    // Act
    const readiness = await checkReadiness(ordersPlan(), deps);

    // Assess
    expect(readiness.findings).toEqual([
      expect.objectContaining({
        check: 'could-not-check',
        resource: 'database orders-db',
        found: 'InternalServiceError: CloudWatch is unavailable',
      }),
    ]);
  });

  it("reports the ledger's run history it could not read as 'could not check', and takes the published promotion", async () => {
    // Prepare
    ledger.listRuns = async () => {
      throw awsError('ProvisionedThroughputExceededException', 'throughput exceeded');
    };

    // Act
    const readiness = await checkReadiness(ordersPlan(), deps);

    // Assess
    expect(readiness.findings).toEqual([
      expect.objectContaining({
        check: 'could-not-check',
        resource: "the ledger's runs of plan orders",
        expected: 'an answer to dynamodb:Query',
      }),
    ]);
    expect(readiness.projectedRto.terms.promotion.source).toBe('published figures (no recorded run of this plan)');
  });

  it("reports the reads its caller could not make (the deployment's targets) as 'could not check'", async () => {
    // Prepare
    deps.notRead = [
      { resource: 'lambda:us-west-2:function:x', call: 'lambda:GetFunctionConfiguration', error: 'E: m' },
    ];

    // Act
    const readiness = await checkReadiness(ordersPlan(), deps);

    // Assess
    expect(readiness.ready).toBe(false);
    expect(readiness.findings).toEqual([
      expect.objectContaining({ check: 'could-not-check', resource: 'lambda:us-west-2:function:x', found: 'E: m' }),
    ]);
  });

  it("reports a restore-test history it could not read as 'could not check'", async () => {
    // Prepare
    deps.restoreTests = {
      listRestoreTests: async () => {
        throw awsError('ResourceNotFoundException', 'Requested resource not found');
      },
    };

    // Act
    const readiness = await checkReadiness(ordersPlan(), deps);

    // Assess
    expect(readiness.findings).toEqual([
      expect.objectContaining({
        check: 'could-not-check',
        resource: "the ledger's restore tests of plan orders",
        found: 'ResourceNotFoundException: Requested resource not found',
      }),
    ]);
  });

  describe("the standby records' health check", () => {
    it('finds a standby endpoint that no checker reaches, naming the record and what the checkers saw', async () => {
      // Prepare
      const failure = 'Failure: Connection timed out. The endpoint or the internet connection is down.';
      deps.route53.getHealthCheckStatus = async (id) =>
        id === 'hc-west' ? { checkers: 8, healthyCheckers: 0, failure } : undefined;

      // Act
      const readiness = await checkReadiness(ordersPlan(), deps);

      // Assess
      expect(readiness.ready).toBe(false);
      expect(readiness.findings).toEqual([
        expect.objectContaining({
          check: 'standby-health-check',
          resource: 'route53:healthcheck/hc-west',
          found: `unhealthy: 0 of 8 checkers reach it ("${failure}"); named by route53:Z0123456789ORDERSAPI/api.orders.example.com/CNAME/api-us-west-2`,
        }),
      ]);
    });

    it("reports a status Route 53 did not give as 'could not check', not as a healthy or missing check", async () => {
      // Prepare
      deps.route53.getHealthCheckStatus = async () => {
        throw awsError('Throttling', 'Rate exceeded');
      };

      // Act
      const readiness = await checkReadiness(ordersPlan(), deps);

      // Assess
      expect(readiness.ready).toBe(false);
      expect(readiness.findings).toEqual([
        expect.objectContaining({
          check: 'could-not-check',
          resource: 'route53:healthcheck/hc-west',
          expected: 'an answer to route53:GetHealthCheckStatus',
          found: 'Throttling: Rate exceeded',
        }),
      ]);
    });

    it('reads each health check once, however many standby records name it', async () => {
      // Prepare: a second record pair whose standby record names the same health check.
      const [zone] = ordersPlanInput().dns;
      const www = { name: 'www.orders.example.com', type: 'CNAME' as const };
      const plan = ordersPlan({
        dns: zone
          ? [
              {
                ...zone,
                records: [
                  ...zone.records,
                  { ...www, primarySetIdentifier: 'www-us-east-1', standbySetIdentifier: 'www-us-west-2' },
                ],
              },
            ]
          : [],
      });
      const route53 = Object.assign(
        records().addRecords(
          'Z0123456789ORDERSAPI',
          { ...www, setIdentifier: 'www-us-east-1', failover: 'PRIMARY', rest: { TTL: 60, HealthCheckId: 'hc-east' } },
          {
            ...www,
            setIdentifier: 'www-us-west-2',
            failover: 'SECONDARY',
            rest: { TTL: 60, HealthCheckId: 'hc-west' },
          },
        ),
        { getHealthCheck: deps.route53.getHealthCheck },
      );
      const asked: string[] = [];
      deps.route53 = Object.assign(route53, {
        getHealthCheckStatus: async (id: string) => {
          asked.push(id);
          return { checkers: 8, healthyCheckers: 0 };
        },
      });

      // Act
      const readiness = await checkReadiness(plan, { ...deps, plans: new PlanRegistry([plan]) });

      // Assess
      expect(asked).toEqual(['hc-west']);
      expect(readiness.findings.map((finding) => finding.found)).toEqual([
        'unhealthy: 0 of 8 checkers reach it; named by route53:Z0123456789ORDERSAPI/api.orders.example.com/CNAME/api-us-west-2, route53:Z0123456789ORDERSAPI/www.orders.example.com/CNAME/www-us-west-2',
      ]);
    });

    it("does not read an ARC plan's: its standby records carry routing controls' health checks, off until a failover", async () => {
      // Prepare
      const plan = ordersPlan({ dnsSwitch: ARC_SWITCH });
      const asked: string[] = [];
      deps.route53.getHealthCheckStatus = async (id) => {
        asked.push(id);
        return { checkers: 8, healthyCheckers: 0 };
      };

      // Act
      const readiness = await checkReadiness(plan, { ...deps, plans: new PlanRegistry([plan]) });

      // Assess
      expect(asked).toEqual([]);
      expect(readiness.findings.map((finding) => finding.check)).not.toContain('standby-health-check');
    });
  });
});
