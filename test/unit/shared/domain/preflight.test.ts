import type { DbClusterState, DbInstanceState, GlobalClusterState } from '../../../../shared/domain/ports';
import {
  checkAuroraSecondary,
  checkClaims,
  checkReadReplica,
  checkRecordPair,
  describeFinding,
  type PreflightReadings,
  preflight,
  type RecordPairReading,
  type RecordSetReading,
  sameRdsIdentifier,
} from '../../../../shared/domain/preflight';
import type { AuroraGlobal, RdsReadReplica } from '../../../../shared/plan/schema';
import { CATALOG_EAST_ARN, CATALOG_WEST_ARN, ORDERS_PRIMARY_ARN, ordersPlan } from '../../../support/plan-fixtures';

const plan = ordersPlan();
const ordersDb = plan.databases[0] as RdsReadReplica;
const catalog = plan.databases[1] as AuroraGlobal;
const zone = plan.dns[0] as (typeof plan.dns)[number];
const record = zone.records[0] as (typeof zone.records)[number];

const replica = (overrides: Partial<DbInstanceState> = {}): DbInstanceState => ({
  identifier: 'orders-db-replica',
  status: 'available',
  replicationSource: ORDERS_PRIMARY_ARN,
  backupRetentionPeriod: 7,
  ...overrides,
});

const secondary = (overrides: Partial<DbClusterState> = {}): DbClusterState => ({
  identifier: 'catalog-west',
  arn: CATALOG_WEST_ARN,
  status: 'available',
  backupRetentionPeriod: 7,
  engineVersion: '16.4',
  ...overrides,
});

const globalCluster = (overrides: Partial<GlobalClusterState> = {}): GlobalClusterState => ({
  identifier: 'catalog-global',
  status: 'available',
  engineVersion: '16.4',
  members: [
    { clusterArn: CATALOG_EAST_ARN, clusterIdentifier: 'catalog-east', region: 'us-east-1', isWriter: true },
    { clusterArn: CATALOG_WEST_ARN, clusterIdentifier: 'catalog-west', region: 'us-west-2', isWriter: false },
  ],
  ...overrides,
});

const failoverRecord = (setIdentifier: string, failover: 'PRIMARY' | 'SECONDARY'): RecordSetReading => ({
  setIdentifier,
  routing: 'failover',
  failover,
  ttl: 60,
  healthCheckId: `hc-${setIdentifier}`,
  alias: false,
});

const pair = (records: RecordSetReading[]): RecordPairReading => ({
  hostedZoneId: zone.hostedZoneId,
  name: record.name,
  type: record.type,
  records,
});

const healthyPair = () =>
  pair([failoverRecord('api-us-east-1', 'PRIMARY'), failoverRecord('api-us-west-2', 'SECONDARY')]);

const healthyReadings = (): PreflightReadings => ({
  databases: [
    { id: 'orders-db', kind: 'rds-read-replica', instance: replica() },
    { id: 'catalog', kind: 'aurora-global', cluster: secondary(), global: globalCluster() },
  ],
  records: [healthyPair()],
  claims: [],
});

describe('preflight checks', () => {
  describe('checkReadReplica', () => {
    it('passes when the replica is available and replicates from the plan primary', () => {
      expect(checkReadReplica(ordersDb, replica())).toEqual([]);
    });

    it('passes a standalone instance that an earlier attempt promoted', () => {
      expect(checkReadReplica(ordersDb, replica({ replicationSource: undefined }))).toEqual([]);
    });

    it('names the missing replica, where it should be and the fix when it does not exist', () => {
      const [finding, ...rest] = checkReadReplica(ordersDb, undefined);
      expect(rest).toEqual([]);
      expect(finding).toMatchObject({
        check: 'standby-exists',
        resource: 'rds:us-west-2:orders-db-replica',
        found: 'no such DB instance',
      });
      expect(finding?.fix).toContain('create the cross-region read replica orders-db-replica in us-west-2');
    });

    it('asks to wait (transient) when the replica is backing-up or modifying', () => {
      for (const status of ['backing-up', 'modifying']) {
        const [finding] = checkReadReplica(ordersDb, replica({ status }));
        expect(finding).toMatchObject({ check: 'standby-promotable', found: `status ${status}`, transient: true });
      }
    });

    it('fails without waiting when the replica is in a state that does not pass by itself', () => {
      const [finding] = checkReadReplica(ordersDb, replica({ status: 'incompatible-parameters' }));
      expect(finding).toMatchObject({ check: 'standby-promotable', found: 'status incompatible-parameters' });
      expect(finding?.transient).toBeUndefined();
    });

    it('fails when the replica replicates from another instance than the plan primary', () => {
      const other = 'arn:aws:rds:us-east-1:123456789012:db:billing-db';
      const [finding] = checkReadReplica(ordersDb, replica({ replicationSource: other }));
      expect(finding).toMatchObject({
        check: 'standby-replicating',
        expected: 'replicating from orders-db in us-east-1',
        found: `replicating from ${other}`,
      });
    });

    it('fails when the source has the right name in another region', () => {
      const [finding] = checkReadReplica(
        ordersDb,
        replica({ replicationSource: 'arn:aws:rds:eu-west-1:123456789012:db:orders-db' }),
      );
      expect(finding?.check).toBe('standby-replicating');
    });

    it('compares the source identifier the way RDS does, without regard to case', () => {
      const upper = ordersPlan({
        databases: [
          {
            id: 'orders-db',
            kind: 'rds-read-replica',
            primary: { instance: 'Orders-DB', region: 'us-east-1' },
            replica: { instance: 'orders-db-replica', region: 'us-west-2' },
          },
        ],
      }).databases[0] as RdsReadReplica;
      expect(checkReadReplica(upper, replica())).toEqual([]);
      expect(sameRdsIdentifier('Orders-DB', 'orders-db')).toBe(true);
    });
  });

  describe('checkAuroraSecondary', () => {
    const failover = { switchover: false };
    const switchover = { switchover: true };

    it('passes when the secondary is an available member of the global cluster', () => {
      expect(checkAuroraSecondary(catalog, secondary(), globalCluster(), switchover)).toEqual([]);
    });

    it('fails when the secondary cluster does not exist', () => {
      const [finding] = checkAuroraSecondary(catalog, undefined, globalCluster(), failover);
      expect(finding).toMatchObject({ check: 'standby-exists', resource: 'rds:us-west-2:catalog-west' });
    });

    it('fails when the global cluster does not exist', () => {
      const [finding] = checkAuroraSecondary(catalog, secondary(), undefined, failover);
      expect(finding).toMatchObject({ check: 'global-membership', found: 'no such global cluster' });
    });

    it('fails when the secondary is not a member of the global cluster (detached)', () => {
      const detached = globalCluster({ members: [globalCluster().members[0] as GlobalClusterState['members'][0]] });
      const [finding] = checkAuroraSecondary(catalog, secondary(), detached, failover);
      expect(finding).toMatchObject({ check: 'global-membership', found: 'members: catalog-east' });
      expect(finding?.fix).toContain('add catalog-west to catalog-global');
    });

    it('asks to wait when the secondary is modifying', () => {
      const [finding] = checkAuroraSecondary(catalog, secondary({ status: 'modifying' }), globalCluster(), failover);
      expect(finding).toMatchObject({ check: 'standby-promotable', transient: true });
    });

    it('fails a planned switchover when engine versions differ, and passes the same for a failover', () => {
      const older = secondary({ engineVersion: '16.2' });
      const [finding] = checkAuroraSecondary(catalog, older, globalCluster(), switchover);
      expect(finding).toMatchObject({ check: 'engine-version', found: 'engine version 16.2' });
      expect(checkAuroraSecondary(catalog, older, globalCluster(), failover)).toEqual([]);
    });
  });

  describe('checkRecordPair', () => {
    it('passes a failover pair with the roles the plan expects', () => {
      expect(checkRecordPair(zone, record, healthyPair(), false)).toEqual([]);
    });

    it('names the missing record and the fix when one of the pair is missing', () => {
      const [finding, ...rest] = checkRecordPair(
        zone,
        record,
        pair([failoverRecord('api-us-east-1', 'PRIMARY')]),
        false,
      );
      expect(rest).toEqual([]);
      expect(finding).toMatchObject({
        check: 'record-exists',
        resource: 'route53:Z0123456789ORDERSAPI/api.orders.example.com/CNAME/api-us-west-2',
        found: 'only api-us-east-1',
      });
      expect(finding?.fix).toContain('create the standby region');
    });

    it('says there is no record at all when neither exists', () => {
      const findings = checkRecordPair(zone, record, pair([]), false);
      expect(findings.map((f) => f.found)).toEqual([
        'no record of that name and type',
        'no record of that name and type',
      ]);
    });

    it('fails a weighted record where a failover record should be', () => {
      const weighted: RecordSetReading = { setIdentifier: 'api-us-west-2', routing: 'weighted', alias: false };
      const [finding] = checkRecordPair(
        zone,
        record,
        pair([failoverRecord('api-us-east-1', 'PRIMARY'), weighted]),
        false,
      );
      expect(finding).toMatchObject({ check: 'record-failover', found: 'a weighted record' });
    });

    it('fails a plan whose two set identifiers are equal', () => {
      const same = { ...record, standbySetIdentifier: record.primarySetIdentifier };
      const [finding] = checkRecordPair(zone, same, healthyPair(), false);
      expect(finding).toMatchObject({ check: 'record-set-identifiers', found: 'both are "api-us-east-1"' });
    });

    it('fails flipped roles while the databases are not promoted, and accepts them once every one is', () => {
      const flipped = pair([failoverRecord('api-us-east-1', 'SECONDARY'), failoverRecord('api-us-west-2', 'PRIMARY')]);
      const [finding] = checkRecordPair(zone, record, flipped, false);
      expect(finding).toMatchObject({
        check: 'record-roles',
        found: 'api-us-east-1 SECONDARY and api-us-west-2 PRIMARY',
      });
      expect(checkRecordPair(zone, record, flipped, true)).toEqual([]);
    });
  });

  describe('checkClaims', () => {
    it('passes when no other run claims the resources', () => {
      expect(checkClaims([])).toEqual([]);
    });

    it('names the other plan, its run and the shared resources', () => {
      const [finding] = checkClaims([
        { plan: 'billing', incidentId: 'billing-1', resources: ['database orders-db-replica (us-west-2)'] },
      ]);
      expect(finding).toMatchObject({
        check: 'claimed-by-other-run',
        resource: 'database orders-db-replica (us-west-2)',
        found: 'plan billing run billing-1 in progress',
      });
    });
  });

  describe('preflight', () => {
    it('finds nothing in a plan whose resources are as expected', () => {
      expect(preflight(plan, healthyReadings(), { switchover: true })).toEqual([]);
    });

    it('collects the findings of every check', () => {
      const readings = healthyReadings();
      readings.databases[0] = { id: 'orders-db', kind: 'rds-read-replica', instance: undefined };
      readings.records = [];
      readings.claims = [{ plan: 'billing', incidentId: 'billing-1', resources: ['alarm x'] }];
      const checks = preflight(plan, readings, { switchover: false }).map((f) => f.check);
      expect(checks).toEqual(['standby-exists', 'record-exists', 'record-exists', 'claimed-by-other-run']);
    });

    it('skips the record checks, and only them, when the records were not read on the live path', () => {
      const readings = { ...healthyReadings(), records: [], recordsNotRead: 'record checks skipped: not read' };
      readings.databases[0] = { id: 'orders-db', kind: 'rds-read-replica', instance: undefined };
      const checks = preflight(plan, readings, { switchover: false }).map((f) => f.check);
      expect(checks).toEqual(['standby-exists']);
    });

    it('leaves a standby or a record pair that could not be read to the caller, without a finding about it', () => {
      const readings = healthyReadings();
      readings.databases[0] = { id: 'orders-db', kind: 'rds-read-replica', instance: undefined, error: 'Throttling' };
      readings.records = [{ ...pair([]), error: 'TimeoutError: no answer' }];
      expect(preflight(plan, readings, { switchover: false })).toEqual([]);
    });

    it('does not accept flipped records while a standby could not be read (not known to be promoted)', () => {
      const readings = healthyReadings();
      // Aurora promoted (the standby is the writer), the replica unread: the flip is not explained.
      readings.databases[1] = {
        id: 'catalog',
        kind: 'aurora-global',
        cluster: secondary(),
        global: globalCluster({
          members: [
            { clusterArn: CATALOG_EAST_ARN, clusterIdentifier: 'catalog-east', region: 'us-east-1', isWriter: false },
            { clusterArn: CATALOG_WEST_ARN, clusterIdentifier: 'catalog-west', region: 'us-west-2', isWriter: true },
          ],
        }),
      };
      readings.databases[0] = { id: 'orders-db', kind: 'rds-read-replica', instance: undefined, error: 'Throttling' };
      readings.records = [
        pair([failoverRecord('api-us-east-1', 'SECONDARY'), failoverRecord('api-us-west-2', 'PRIMARY')]),
      ];
      expect(preflight(plan, readings, { switchover: false }).map((f) => f.check)).toEqual(['record-roles']);
    });

    it('describes a finding in one line with resource, expected, found and fix', () => {
      const [finding] = checkReadReplica(ordersDb, undefined);
      expect(describeFinding(finding as NonNullable<typeof finding>)).toMatch(
        /^rds:us-west-2:orders-db-replica: expected .+, found no such DB instance\. Fix: create /,
      );
    });
  });
});
