import type { FailoverRecordSet } from '../../shared/domain/ports';
import type {
  Assessment,
  DatabaseAssessment,
  Mode,
  PromotionResult,
  RunContext,
  Trigger,
} from '../../shared/domain/run';

/**
 * Runs, assessment items and promotion results of the "orders" plan (test/support/plan-fixtures.ts) for the
 * resource steps (promote, check promotion, flip DNS, check DNS sync, verify), with overrides per test.
 */

export const IMPACT_AT = '2026-11-25T03:00:00.000Z';
export const STARTED_AT = '2026-11-25T03:01:30.000Z';

export const alarmTrigger: Trigger = {
  type: 'alarm',
  alarmName: 'orders-primary-health',
  impactStartedAt: IMPACT_AT,
};

/** A run of the orders plan holding the lock at epoch 3; an alarm started it unless `trigger` says otherwise. */
export const ordersRun = (overrides: { mode?: Mode; trigger?: Trigger; incidentId?: string } = {}): RunContext => ({
  incidentId: overrides.incidentId ?? 'orders-20261125T0300Z',
  plan: 'orders',
  action: 'failover',
  mode: overrides.mode ?? 'live',
  reason: 'us-east-1 outage',
  requestedBy: 'orders-primary-health',
  trigger: overrides.trigger ?? alarmTrigger,
  regions: { primary: 'us-east-1', standby: 'us-west-2' },
  impactStartedAt: IMPACT_AT,
  startedAt: STARTED_AT,
  executionArn: 'arn:aws:states:us-west-2:123456789012:execution:switchback-failover:orders-20261125T0300Z',
  epoch: 3,
});

export const ordersDbItem = (overrides: Partial<DatabaseAssessment> = {}): DatabaseAssessment => ({
  id: 'orders-db',
  kind: 'rds-read-replica',
  standbyStatus: 'available',
  alreadyPromoted: false,
  lagSeconds: 4,
  ...overrides,
});

export const catalogItem = (overrides: Partial<DatabaseAssessment> = {}): DatabaseAssessment => ({
  id: 'catalog',
  kind: 'aurora-global',
  standbyStatus: 'available',
  alreadyPromoted: false,
  lagSeconds: 1,
  ...overrides,
});

export const ordersAssessment = (databases: DatabaseAssessment[] = [ordersDbItem(), catalogItem()]): Assessment => ({
  decision: 'proceed',
  reasons: ['replica lag within the RPO budget'],
  warnings: [],
  decidedAt: STARTED_AT,
  databases,
  maxLagSeconds: 4,
  approvalTimeoutSeconds: 1800,
});

/** A promotion of orders-db that became writable. */
export const ordersDbPromotion = (overrides: Partial<PromotionResult> = {}): PromotionResult => ({
  databaseId: 'orders-db',
  kind: 'rds-read-replica',
  writable: true,
  pollSeconds: 3,
  status: 'available',
  startedAt: '2026-11-25T03:01:31.000Z',
  writableAt: '2026-11-25T03:05:00.000Z',
  lagSecondsAtPromotion: 4,
  alreadyPromoted: false,
  newPrimary: { region: 'us-west-2', identifier: 'orders-db-replica' },
  actions: [
    {
      service: 'rds',
      operation: 'PromoteReadReplica',
      target: 'orders-db-replica',
      region: 'us-west-2',
      at: '2026-11-25T03:01:31.000Z',
      dryRun: false,
    },
  ],
  ...overrides,
});

/** A promotion of catalog that became writable. */
export const catalogPromotion = (overrides: Partial<PromotionResult> = {}): PromotionResult => ({
  databaseId: 'catalog',
  kind: 'aurora-global',
  writable: true,
  pollSeconds: 2,
  status: 'available',
  startedAt: '2026-11-25T03:01:31.000Z',
  writableAt: '2026-11-25T03:03:10.000Z',
  lagSecondsAtPromotion: 1,
  alreadyPromoted: false,
  newPrimary: { region: 'us-west-2', identifier: 'catalog-west' },
  actions: [
    {
      service: 'rds',
      operation: 'FailoverGlobalCluster',
      target: 'catalog-global',
      region: 'us-west-2',
      at: '2026-11-25T03:01:31.000Z',
      dryRun: false,
    },
  ],
  ...overrides,
});

/**
 * The failover record pair of `name` (a CNAME of the orders zone, Z0123456789ORDERSAPI) with `serving`'s record
 * PRIMARY: each region's record answers `<host>.<region>.orders.example.com` and, unless `healthChecks` is false,
 * carries the health check `hc-<region>`.
 */
export const recordPair = (
  name: string,
  serving: 'us-east-1' | 'us-west-2',
  options: { healthChecks?: boolean } = {},
): FailoverRecordSet[] =>
  ['us-east-1', 'us-west-2'].map((region) => ({
    name,
    type: 'CNAME',
    setIdentifier: `${name.split('.')[0]}-${region}`,
    failover: region === serving ? 'PRIMARY' : 'SECONDARY',
    rest: {
      TTL: 60,
      ResourceRecords: [{ Value: `${name.split('.')[0]}.${region}.orders.example.com` }],
      ...(options.healthChecks === false ? {} : { HealthCheckId: `hc-${region}` }),
    },
  }));
