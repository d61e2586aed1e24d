import { RecordingActionLog } from '../../../../../shared/aws/action-log';
import type { DnsFenceResult, RecordFenceTarget } from '../../../../../shared/domain/fence';
import type { FailoverRecordSet } from '../../../../../shared/domain/ports';
import { EndpointUnreachableError } from '../../../../../shared/errors';
import { type FenceRecordDeps, fenceRecordBatch } from '../../../../../shared/usecases/fence/fence-record';
import {
  FakeClock,
  FakeHealthChecks,
  FakeLedger,
  FakeLog,
  FakeRoute53,
  FakeRoutingControls,
} from '../../../../support/fakes';
import { runContext } from '../../../../support/run-fixtures';

const NOW = '2026-11-25T03:41:07.000Z';
const ZONE = 'Z0123456789ORDERSAPI';
const EAST_CONTROL = 'arn:aws:route53-recovery-control::123456789012:controlpanel/0a1b2c3d/routingcontrol/east0a1b';
const WEST_CONTROL = 'arn:aws:route53-recovery-control::123456789012:controlpanel/0a1b2c3d/routingcontrol/west0a1b';
const EAST_CHECK = '3f1c2a8e-6b4d-4e0a-9c7f-1d2e3b4a5c6d';
/** The active region's endpoint first, the old region's and us-east-1's last (as recordFenceTargets orders them). */
const ENDPOINTS = [
  { region: 'us-west-2', url: 'https://host-a.us-west-2.example.aws/v1' },
  { region: 'eu-west-1', url: 'https://host-b.eu-west-1.example.aws/v1' },
  { region: 'us-east-1', url: 'https://host-e.us-east-1.example.aws/v1' },
];
const run = runContext({ action: 'fence', incidentId: 'orders-20261125T030100Z-1a2b3c4d-fence' });

const base = {
  key: `${ZONE}|api.orders.example.com|CNAME|api-us-east-1`,
  hostedZoneId: ZONE,
  name: 'api.orders.example.com',
  type: 'CNAME',
  setIdentifier: 'api-us-east-1',
  region: 'us-east-1',
};
const maintenanceTarget: RecordFenceTarget = {
  ...base,
  fence: { method: 'maintenance-target', value: 'maintenance.orders.example.com' },
};
const routingControlTarget: RecordFenceTarget = {
  ...base,
  fence: { method: 'routing-control-off' },
  routingControl: { arn: EAST_CONTROL, endpoints: ENDPOINTS },
};
const invertedTarget: RecordFenceTarget = {
  ...base,
  fence: {
    method: 'health-check-inverted',
    primaryHealthCheckId: EAST_CHECK,
    standbyHealthCheckId: '8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d',
  },
  healthCheckId: EAST_CHECK,
};

/** The old region's record, SECONDARY since the failover, with its health check. */
const oldRecord = (values = ['us-east-1.api.orders.example.com'], healthCheckId = EAST_CHECK): FailoverRecordSet => ({
  name: 'api.orders.example.com',
  type: 'CNAME',
  setIdentifier: 'api-us-east-1',
  failover: 'SECONDARY',
  rest: { TTL: 60, ResourceRecords: values.map((Value) => ({ Value })), HealthCheckId: healthCheckId },
});

/**
 * One record's check, as a batch of its own (the Fence Record Batch step), with the previous check of that record:
 * what the batch found for it.
 */
const fenceRecord = async (
  input: { run: typeof run; target: RecordFenceTarget; previous?: DnsFenceResult },
  deps: FenceRecordDeps,
): Promise<DnsFenceResult> => {
  const { previous } = input;
  const batch = await fenceRecordBatch(
    {
      run: input.run,
      targets: [input.target],
      ...(previous ? { previous: { done: previous.done, pollSeconds: 15, records: [previous] } } : {}),
    },
    deps,
  );
  const [record] = batch.records;
  if (!record) throw new Error(`the batch has no result for ${input.target.key}`);
  return record;
};

describe('fenceRecord', () => {
  let route53: FakeRoute53;
  let healthChecks: FakeHealthChecks;
  let routingControls: FakeRoutingControls;
  let ledger: FakeLedger;
  let deps: FenceRecordDeps;

  beforeEach(() => {
    const clock = new FakeClock(NOW);
    const log = new FakeLog();
    route53 = new FakeRoute53();
    healthChecks = new FakeHealthChecks();
    routingControls = new FakeRoutingControls();
    ledger = new FakeLedger();
    deps = {
      route53,
      healthChecks,
      routingControls,
      ledger,
      actions: new RecordingActionLog({ clock, log }),
      clock,
      log,
    };
  });

  /** Route 53's API (us-east-1) does not answer a record read: the read times out. */
  const readsTimeOut = (): void => {
    const unreachable = new EndpointUnreachableError('route53', 'ListResourceRecordSets', new Error('TimeoutError'));
    deps.route53 = {
      listFailoverRecords: () => Promise.reject(unreachable),
      upsertRecords: (...args) => route53.upsertRecords(...args),
      getChangeStatus: (id) => route53.getChangeStatus(id),
    };
  };

  describe('routing-control-off', () => {
    it('turns the old region routing control Off on the first endpoint that answers and verifies it reads Off when us-east-1 is down', async () => {
      // Prepare: both controls On (the failover left the old one On, e.g. a person turned it back); us-east-1 down
      routingControls.set(EAST_CONTROL, 'On').set(WEST_CONTROL, 'On');
      routingControls.downRegions.add('us-east-1');

      // Act
      const result = await fenceRecord({ run, target: routingControlTarget }, deps);

      // Assess: turned Off through us-west-2's endpoint, read back Off, verified now; no Route 53 call
      expect(result).toMatchObject({ state: 'fenced', done: true, verifiedAt: NOW, checks: 1 });
      expect(result.detail).toContain('turned Off and reads Off (endpoint in us-west-2)');
      expect(routingControls.states.get(EAST_CONTROL)).toBe('Off');
      expect(routingControls.calls).toEqual([
        { operation: 'get', region: 'us-west-2' },
        { operation: 'update', region: 'us-west-2' },
        { operation: 'get', region: 'us-west-2' },
      ]);
      expect(result.actions).toEqual([
        expect.objectContaining({
          service: 'route53-recovery-cluster',
          operation: 'UpdateRoutingControlStates',
          target: `${EAST_CONTROL} Off`,
          dryRun: false,
        }),
      ]);
      expect(route53.batches).toEqual([]);
    });

    it('verifies a routing control that already reads Off without a second change', async () => {
      // Prepare: the failover's DNS switch turned it Off
      routingControls.set(EAST_CONTROL, 'Off').set(WEST_CONTROL, 'On');

      // Act
      const result = await fenceRecord({ run, target: routingControlTarget }, deps);

      // Assess
      expect(result).toMatchObject({ state: 'fenced', done: true, verifiedAt: NOW, actions: [] });
      expect(routingControls.calls.map((call) => call.operation)).toEqual(['get']);
    });

    it('is unreachable, not fenced and not verified, when no cluster endpoint answers', async () => {
      // Prepare
      routingControls.set(EAST_CONTROL, 'On').set(WEST_CONTROL, 'On');
      for (const endpoint of ENDPOINTS) routingControls.downRegions.add(endpoint.region);

      // Act
      const result = await fenceRecord({ run, target: routingControlTarget }, deps);

      // Assess
      expect(result).toMatchObject({ state: 'unreachable', done: true, actions: [] });
      expect(result.verifiedAt).toBeUndefined();
      expect(result.detail).toContain('no cluster endpoint answered');
      expect(routingControls.states.get(EAST_CONTROL)).toBe('On');
    });

    it('is not fenced yet, with the reason, when a safety rule refuses to turn it Off', async () => {
      // Prepare: the active region's control is Off too: turning the old one Off would leave none On
      routingControls.set(EAST_CONTROL, 'On').set(WEST_CONTROL, 'Off');

      // Act
      const result = await fenceRecord({ run, target: routingControlTarget }, deps);

      // Assess
      expect(result).toMatchObject({ state: 'unknown', done: true, actions: [] });
      expect(result.verifiedAt).toBeUndefined();
      expect(result.detail).toContain('a safety rule');
      expect(result.detail).toContain("check that the active region's routing control is On");
      expect(routingControls.states.get(EAST_CONTROL)).toBe('On');
    });

    it('only plans the change in a dry run', async () => {
      // Prepare
      routingControls.set(EAST_CONTROL, 'On').set(WEST_CONTROL, 'On');

      // Act
      const result = await fenceRecord({ run: { ...run, mode: 'dry-run' }, target: routingControlTarget }, deps);

      // Assess
      expect(result).toMatchObject({ state: 'unknown', done: true });
      expect(result.actions).toEqual([expect.objectContaining({ dryRun: true })]);
      expect(routingControls.states.get(EAST_CONTROL)).toBe('On');
    });
  });

  describe('health-check-inverted', () => {
    it("inverts the old region record's health check, reads it back, and keeps its value from before", async () => {
      // Prepare
      route53.addRecords(ZONE, oldRecord());
      healthChecks.add(EAST_CHECK, false, 4);

      // Act
      const result = await fenceRecord({ run, target: invertedTarget }, deps);

      // Assess
      expect(result).toMatchObject({
        state: 'fenced',
        done: true,
        verifiedAt: NOW,
        healthCheck: { id: EAST_CHECK, inverted: false },
      });
      expect(healthChecks.updates).toEqual([{ id: EAST_CHECK, inverted: true }]);
      expect(result.actions).toEqual([
        expect.objectContaining({
          service: 'route53',
          operation: 'UpdateHealthCheck',
          target: `healthcheck/${EAST_CHECK} Inverted=true`,
          region: 'us-east-1',
        }),
      ]);
      // The record itself is not edited.
      expect(route53.batches).toEqual([]);
    });

    it('verifies a health check that is inverted already without a second change', async () => {
      // Prepare: an earlier attempt inverted it
      route53.addRecords(ZONE, oldRecord());
      healthChecks.add(EAST_CHECK, true, 5);

      // Act
      const result = await fenceRecord({ run, target: invertedTarget }, deps);

      // Assess
      expect(result).toMatchObject({
        state: 'fenced',
        verifiedAt: NOW,
        healthCheck: { id: EAST_CHECK, inverted: false },
      });
      expect(healthChecks.updates).toEqual([]);
      expect(result.actions).toEqual([]);
    });

    it("is unreachable when Route 53's API (us-east-1) does not answer", async () => {
      // Prepare
      route53.addRecords(ZONE, oldRecord());
      healthChecks.add(EAST_CHECK);
      healthChecks.unreachable = true;

      // Act
      const result = await fenceRecord({ run, target: invertedTarget }, deps);

      // Assess
      expect(result).toMatchObject({ state: 'unreachable', done: true });
      expect(result.detail).toContain("Route 53's API (us-east-1) did not answer");
      expect(result.verifiedAt).toBeUndefined();
    });

    it('refuses to invert, naming the plan field, when the record carries another health check', async () => {
      // Prepare
      route53.addRecords(ZONE, oldRecord(undefined, 'a-different-check'));
      healthChecks.add(EAST_CHECK);

      // Act
      const result = await fenceRecord({ run, target: invertedTarget }, deps);

      // Assess
      expect(result).toMatchObject({ state: 'unknown', done: true });
      expect(result.detail).toContain('carries health check a-different-check');
      expect(result.detail).toContain('dns[].records[].fence.primaryHealthCheckId');
      expect(healthChecks.updates).toEqual([]);
    });
  });

  describe('maintenance-target', () => {
    it('points the record at the maintenance target, then verifies once the change is INSYNC', async () => {
      // Prepare
      route53.addRecords(ZONE, oldRecord());

      // Act: the change, then the check after the Wait
      const first = await fenceRecord({ run, target: maintenanceTarget }, deps);
      const second = await fenceRecord({ run, target: maintenanceTarget, previous: first }, deps);

      // Assess
      expect(first).toMatchObject({ state: 'unknown', done: false, changeId: '/change/C1' });
      expect(first.replaced).toEqual(['us-east-1.api.orders.example.com']);
      expect(second).toMatchObject({ state: 'fenced', done: true, verifiedAt: NOW, checks: 2 });
      expect(route53.batches[0]?.records[0]?.rest).toMatchObject({
        ResourceRecords: [{ Value: 'maintenance.orders.example.com' }],
        HealthCheckId: EAST_CHECK,
      });
    });

    it("is unreachable when Route 53's API (us-east-1) does not answer", async () => {
      // Prepare: the record read times out
      readsTimeOut();

      // Act
      const result = await fenceRecord({ run, target: maintenanceTarget }, deps);

      // Assess
      expect(result).toMatchObject({ state: 'unreachable', done: true, actions: [] });
      expect(result.verifiedAt).toBeUndefined();
    });

    it('verifies a record that already answers the maintenance target without a second change', async () => {
      // Prepare
      route53.addRecords(ZONE, oldRecord(['maintenance.orders.example.com']));

      // Act
      const result = await fenceRecord({ run, target: maintenanceTarget }, deps);

      // Assess
      expect(result).toMatchObject({ state: 'fenced', done: true, verifiedAt: NOW, actions: [] });
      expect(route53.batches).toEqual([]);
    });
  });

  describe('a batch of records (fenceRecordBatch)', () => {
    /** The example's second record pair, its old region record fenced by maintenance target too. */
    const checkoutTarget: RecordFenceTarget = {
      ...maintenanceTarget,
      key: `${ZONE}|checkout.orders.example.com|CNAME|checkout-us-east-1`,
      name: 'checkout.orders.example.com',
      setIdentifier: 'checkout-us-east-1',
    };
    const checkoutRecord: FailoverRecordSet = {
      ...oldRecord(['us-east-1.checkout.orders.example.com']),
      name: 'checkout.orders.example.com',
      setIdentifier: 'checkout-us-east-1',
    };

    it("changes a zone's records in one change batch, with one action, and verifies both with one GetChange per check", async () => {
      // Prepare
      route53.addRecords(ZONE, oldRecord(), checkoutRecord);
      route53.scriptChange('/change/C1', 'PENDING', 'INSYNC');
      const targets = [maintenanceTarget, checkoutTarget];
      const assertLock = jest.spyOn(ledger, 'assertLock');

      // Act: the change, then two checks after the Waits
      const first = await fenceRecordBatch({ run, targets }, deps);
      const second = await fenceRecordBatch({ run, targets, previous: first }, deps);
      const third = await fenceRecordBatch({ run, targets, previous: second }, deps);

      // Assess
      expect(route53.batches).toHaveLength(1);
      expect(route53.batches[0]?.records.map((record) => record.setIdentifier)).toEqual([
        'api-us-east-1',
        'checkout-us-east-1',
      ]);
      expect(first).toMatchObject({ done: false, pollSeconds: 15 });
      expect(first.records.map((record) => [record.key, record.state, record.changeId])).toEqual([
        [maintenanceTarget.key, 'unknown', '/change/C1'],
        [checkoutTarget.key, 'unknown', '/change/C1'],
      ]);
      expect(first.records.flatMap((record) => record.actions)).toEqual([
        expect.objectContaining({ operation: 'ChangeResourceRecordSets', target: ZONE, dryRun: false }),
      ]);
      expect(first.records[1]?.replaced).toEqual(['us-east-1.checkout.orders.example.com']);
      expect(second.done).toBe(false);
      expect(third.done).toBe(true);
      expect(third.records).toEqual([
        expect.objectContaining({ state: 'fenced', verifiedAt: NOW, checks: 3 }),
        expect.objectContaining({ state: 'fenced', verifiedAt: NOW, checks: 3 }),
      ]);
      // One read of the one change per check, for both records
      expect(route53.getChangeCalls).toEqual(['/change/C1', '/change/C1']);
      // The lock checked once, before the one change
      expect(assertLock).toHaveBeenCalledTimes(1);
    });

    it('changes only the records that need it, and keeps a record an earlier check finished as it was', async () => {
      // Prepare: api already answers the maintenance target; checkout does not
      route53.addRecords(ZONE, oldRecord(['maintenance.orders.example.com']), checkoutRecord);
      const targets = [maintenanceTarget, checkoutTarget];

      // Act
      const first = await fenceRecordBatch({ run, targets }, deps);
      const second = await fenceRecordBatch({ run, targets, previous: first }, deps);

      // Assess
      expect(route53.batches.map((batch) => batch.records.map((record) => record.setIdentifier))).toEqual([
        ['checkout-us-east-1'],
      ]);
      expect(first.records[0]).toMatchObject({ state: 'fenced', done: true, checks: 1, actions: [] });
      expect(first.records[1]?.actions).toHaveLength(1);
      expect(second.records[0]).toBe(first.records[0]);
      expect(second).toMatchObject({ done: true, records: [{ checks: 1 }, { state: 'fenced', checks: 2 }] });
    });

    it("makes every record of the batch unreachable, done, when Route 53's API (us-east-1) does not answer", async () => {
      // Prepare
      readsTimeOut();

      // Act
      const result = await fenceRecordBatch({ run, targets: [maintenanceTarget, checkoutTarget] }, deps);

      // Assess
      expect(result.done).toBe(true);
      expect(result.records.map((record) => [record.state, record.detail])).toEqual([
        [
          'unreachable',
          expect.stringContaining('api.orders.example.com CNAME "api-us-east-1" (us-east-1) not fenced yet'),
        ],
        [
          'unreachable',
          expect.stringContaining('checkout.orders.example.com CNAME "checkout-us-east-1" (us-east-1) not fenced yet'),
        ],
      ]);
      expect(route53.batches).toEqual([]);
    });

    it('only plans the one change in a dry run', async () => {
      // Prepare
      route53.addRecords(ZONE, oldRecord(), checkoutRecord);

      // Act
      const result = await fenceRecordBatch(
        { run: { ...run, mode: 'dry-run' }, targets: [maintenanceTarget, checkoutTarget] },
        deps,
      );

      // Assess
      expect(route53.batches).toEqual([]);
      expect(result.done).toBe(true);
      expect(result.records.map((record) => record.detail)).toEqual([
        'would point api.orders.example.com CNAME "api-us-east-1" (us-east-1) at maintenance.orders.example.com',
        'would point checkout.orders.example.com CNAME "checkout-us-east-1" (us-east-1) at maintenance.orders.example.com',
      ]);
      expect(result.records.flatMap((record) => record.actions)).toEqual([
        expect.objectContaining({ operation: 'ChangeResourceRecordSets', dryRun: true }),
      ]);
    });

    it('fences a record of another method in its batch by that method', async () => {
      // Prepare
      routingControls.set(EAST_CONTROL, 'On').set(WEST_CONTROL, 'On');

      // Act
      const result = await fenceRecordBatch({ run, targets: [routingControlTarget] }, deps);

      // Assess
      expect(result).toMatchObject({ done: true, records: [{ state: 'fenced', key: routingControlTarget.key }] });
      expect(route53.batches).toEqual([]);
    });
  });
});
