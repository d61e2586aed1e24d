import type { AlarmReading, PlanReadiness } from '../../shared/domain/readiness';
import { FakeLag, FakeRds, FakeRoute53 } from './fakes';
import { CATALOG_EAST_ARN, CATALOG_WEST_ARN, ORDERS_PRIMARY_ARN } from './plan-fixtures';

/** The orders plan's world (test/support/plan-fixtures.ts) as readiness reads it, at NOW, all as it should be. */

export const NOW = '2026-11-25T03:01:30.000Z';
export const REPLICA = {
  identifier: 'orders-db-replica',
  arn: 'arn:aws:rds:us-west-2:123456789012:db:orders-db-replica',
  status: 'available',
  replicationSource: ORDERS_PRIMARY_ARN,
  backupRetentionPeriod: 7,
  latestRestorableTime: '2026-11-25T03:00:00.000Z',
};

/** The orders plan's world as it should be: standbys, fresh backups, the record pair, the alarm and health check. */
export const healthyRds = () =>
  new FakeRds()
    .addInstance('us-west-2', REPLICA)
    .addCluster('us-west-2', {
      identifier: 'catalog-west',
      arn: CATALOG_WEST_ARN,
      status: 'available',
      backupRetentionPeriod: 7,
      latestRestorableTime: '2026-11-25T03:01:00.000Z',
    })
    .addGlobalCluster({
      identifier: 'catalog-global',
      status: 'available',
      members: [
        { clusterArn: CATALOG_EAST_ARN, clusterIdentifier: 'catalog-east', region: 'us-east-1', isWriter: true },
        { clusterArn: CATALOG_WEST_ARN, clusterIdentifier: 'catalog-west', region: 'us-west-2', isWriter: false },
      ],
    })
    .addReplicatedBackup('us-west-2', ORDERS_PRIMARY_ARN, '2026-11-25T02:58:00.000Z')
    .addReplicatedBackup('us-west-2', CATALOG_EAST_ARN, '2026-11-25T02:59:00.000Z');

export const records = () =>
  new FakeRoute53().addRecords(
    'Z0123456789ORDERSAPI',
    {
      name: 'api.orders.example.com',
      type: 'CNAME',
      setIdentifier: 'api-us-east-1',
      failover: 'PRIMARY',
      rest: { TTL: 60, HealthCheckId: 'hc-east' },
    },
    {
      name: 'api.orders.example.com',
      type: 'CNAME',
      setIdentifier: 'api-us-west-2',
      failover: 'SECONDARY',
      rest: { TTL: 60, HealthCheckId: 'hc-west' },
    },
  );

/** What readiness reads, healthy: standbys, backups, the record pair, the alarm on the primary's health check. */
export const readinessWorld = () => ({
  rds: healthyRds(),
  route53: Object.assign(records(), {
    getHealthCheck: async (id: string) => (id === 'hc-east' ? { intervalSeconds: 30, failureThreshold: 3 } : undefined),
    // The standby record's health check: all 8 of Route 53's checkers reach the us-west-2 endpoint.
    getHealthCheckStatus: async (id: string) => (id === 'hc-west' ? { checkers: 8, healthyCheckers: 8 } : undefined),
  }),
  alarms: {
    describeAlarms: async (names: readonly string[]): Promise<AlarmReading[]> =>
      names.map((name) => ({
        name,
        alarm: { healthCheckIds: ['hc-east'], periodSeconds: 60, evaluationPeriods: 1 },
      })),
  },
  replicaLag: new FakeLag().setRds('us-west-2', 'orders-db-replica', 3).setAurora('us-west-2', 'catalog-west', 0.8),
});

/** A recorded readiness run of the orders plan (not ready, no findings, within its RTO budget), with `overrides`. */
export const planReadiness = (overrides: Partial<PlanReadiness> = {}): PlanReadiness => ({
  plan: 'orders',
  at: '2026-11-25T18:00:00.000Z',
  ready: false,
  findings: [],
  projectedRto: {
    seconds: 515,
    budgetSeconds: 900,
    withinBudget: true,
    terms: {
      detection: { seconds: 150, source: 'health check 30 s x 3 + alarm 60 s x 1' },
      promotion: { seconds: 240, source: 'published figures' },
      dns: { seconds: 120, source: 'TTL 60 s + propagation 60 s' },
      orchestration: { seconds: 5, source: 'Step Functions and EventBridge p99 latencies' },
    },
  },
  replicaLagSeconds: 2.5,
  ...overrides,
});

/**
 * A recorded readiness run of the orders plan switched by ARC or an alarm (arcOrdersPlan), ran at `at`, that kept its
 * record pair as read: api-us-east-1 (PRIMARY) and api-us-west-2 (SECONDARY), each a CNAME to its region's endpoint.
 */
export const readinessWithRecords = (at: string): PlanReadiness =>
  planReadiness({
    at,
    records: [
      {
        hostedZoneId: 'Z0123456789ORDERSAPI',
        name: 'api.orders.example.com',
        type: 'CNAME',
        records: (['us-east-1', 'us-west-2'] as const).map((region) => ({
          setIdentifier: `api-${region}`,
          failover: region === 'us-east-1' ? ('PRIMARY' as const) : ('SECONDARY' as const),
          target: { values: [`api.${region}.orders.example.com`] },
        })),
      },
    ],
  });
