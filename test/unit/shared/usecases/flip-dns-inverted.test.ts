import { RecordingActionLog } from '../../../../shared/aws/action-log';
import type { FailoverRecordSet } from '../../../../shared/domain/ports';
import { planTopology } from '../../../../shared/domain/topology';
import { type FlipDnsDeps, flipDns } from '../../../../shared/usecases/flip-dns';
import {
  FakeClock,
  FakeEvents,
  FakeHealthChecks,
  FakeLedger,
  FakeLog,
  FakeRoute53,
  FakeRoutingControls,
  FakeSwitchAlarm,
} from '../../../support/fakes';
import { ordersPlan } from '../../../support/plan-fixtures';
import { ordersRun } from '../../../support/resource-fixtures';
import { lockOwner } from '../../../support/run-fixtures';

const NOW = '2026-11-26T10:05:01.000Z';
const ZONE = 'Z0123456789ORDERSAPI';
const EAST_CHECK = '3f1c2a8e-6b4d-4e0a-9c7f-1d2e3b4a5c6d';
const WEST_CHECK = '8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d';

/** One pair whose fence inverts the old region record's health check. */
const plan = ordersPlan({
  dns: [
    {
      hostedZoneId: ZONE,
      records: [
        {
          name: 'checkout.orders.example.com',
          type: 'CNAME',
          primarySetIdentifier: 'co-us-east-1',
          standbySetIdentifier: 'co-us-west-2',
          fence: {
            method: 'health-check-inverted',
            primaryHealthCheckId: EAST_CHECK,
            standbyHealthCheckId: WEST_CHECK,
          },
        },
      ],
    },
  ],
});
const record = (setIdentifier: string, failover: 'PRIMARY' | 'SECONDARY', check: string): FailoverRecordSet => ({
  name: 'checkout.orders.example.com',
  type: 'CNAME',
  setIdentifier,
  failover,
  rest: { TTL: 60, ResourceRecords: [{ Value: `${setIdentifier}.orders.example.com` }], HealthCheckId: check },
});

describe('flipDns with a health-check-inverted fence', () => {
  let route53: FakeRoute53;
  let healthChecks: FakeHealthChecks;
  let deps: FlipDnsDeps;
  const failback = { ...ordersRun(), action: 'failback' as const };

  beforeEach(async () => {
    const clock = new FakeClock(NOW);
    const log = new FakeLog();
    const ledger = new FakeLedger();
    route53 = new FakeRoute53();
    healthChecks = new FakeHealthChecks();
    deps = {
      route53,
      healthChecks,
      ledger,
      events: new FakeEvents(),
      clock,
      log,
      actions: new RecordingActionLog({ clock, log }),
      route53Region: 'us-east-1',
      routingControls: new FakeRoutingControls(),
      switchAlarm: new FakeSwitchAlarm(),
    };
    // After a failover and its fence: us-west-2 serves, us-east-1's record SECONDARY with its check inverted.
    route53.addRecords(
      ZONE,
      record('co-us-east-1', 'SECONDARY', EAST_CHECK),
      record('co-us-west-2', 'PRIMARY', WEST_CHECK),
    );
    healthChecks.add(EAST_CHECK, true, 2).add(WEST_CHECK, false, 1);
    await ledger.putTopology('orders', {
      ...planTopology(plan),
      activeRegion: 'us-west-2',
      dnsFences: [
        {
          record: `${ZONE}|checkout.orders.example.com|CNAME|co-us-east-1`,
          region: 'us-east-1',
          state: 'fenced',
          since: '2026-11-25T03:41:07.000Z',
          replaced: [],
          healthCheck: { id: EAST_CHECK, inverted: false },
        },
      ],
    });
    await ledger.acquireLock('orders', lockOwner(failback.incidentId), clock.now());
  });

  it('puts the inverted health check back before its record becomes PRIMARY again on a failback', async () => {
    // Act
    const result = await flipDns({ run: failback, plan, promotions: [] }, deps);

    // Assess: Inverted back to false, then the one change batch that makes us-east-1's record PRIMARY
    expect(healthChecks.updates).toEqual([{ id: EAST_CHECK, inverted: false }]);
    expect(result.actions.map((action) => `${action.operation} ${action.target}`)).toEqual([
      `UpdateHealthCheck healthcheck/${EAST_CHECK} Inverted=false`,
      `ChangeResourceRecordSets ${ZONE}: checkout.orders.example.com CNAME`,
    ]);
    expect(route53.batches[0]?.records.map((r) => `${r.setIdentifier} ${r.failover}`)).toEqual([
      'co-us-east-1 PRIMARY',
      'co-us-west-2 SECONDARY',
    ]);
  });

  it('makes no second health-check change when a redriven step finds it restored', async () => {
    // Prepare: the first attempt restored the check, then failed before the record change
    healthChecks.add(EAST_CHECK, false, 3);

    // Act
    const result = await flipDns({ run: failback, plan, promotions: [] }, deps);

    // Assess
    expect(healthChecks.updates).toEqual([]);
    expect(result.actions.map((action) => action.operation)).toEqual(['ChangeResourceRecordSets']);
  });

  it('only plans the restore in a dry run', async () => {
    // Act
    const result = await flipDns({ run: { ...failback, mode: 'dry-run' }, plan, promotions: [] }, deps);

    // Assess
    expect(healthChecks.updates).toEqual([]);
    expect(healthChecks.checks.get(EAST_CHECK)?.inverted).toBe(true);
    expect(result.actions[0]).toMatchObject({ operation: 'UpdateHealthCheck', dryRun: true });
  });
});
