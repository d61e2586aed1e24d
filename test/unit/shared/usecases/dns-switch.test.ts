import { RecordingActionLog } from '../../../../shared/aws/action-log';
import { endpointOrder } from '../../../../shared/domain/dns-switch';
import { DnsFlipError, DnsSwitchUnavailableError, EndpointUnreachableError } from '../../../../shared/errors';
import type { Plan } from '../../../../shared/plan/schema';
import { checkDnsSwitch } from '../../../../shared/usecases/check-dns-switch';
import { type FlipDnsDeps, flipDns } from '../../../../shared/usecases/flip-dns';
import {
  FakeClock,
  FakeEvents,
  FakeLedger,
  FakeLog,
  FakeRoute53,
  FakeRoutingControls,
  FakeSwitchAlarm,
} from '../../../support/fakes';
import { ordersPlan } from '../../../support/plan-fixtures';
import { catalogPromotion, ordersDbPromotion, ordersRun } from '../../../support/resource-fixtures';
import { lockOwner } from '../../../support/run-fixtures';

/** The DNS switch by method: the check before the promotion and the ARC routing control switch. */

const NOW = '2026-11-25T03:05:01.000Z';
const CONTROLS = 'arn:aws:route53-recovery-control::123456789012:controlpanel/0a1b2c3d/routingcontrol';
const EAST = `${CONTROLS}/east1`;
const WEST = `${CONTROLS}/west1`;
const ENDPOINTS = ['us-east-1', 'eu-west-1', 'us-west-2', 'ap-southeast-2', 'ap-northeast-1'].map((region) => ({
  region,
  url: `https://host-aaaaaa.${region}.example.aws/v1`,
}));

const arcPlan = (): Plan =>
  ordersPlan({
    dnsSwitch: {
      method: 'arc-routing-control',
      clusterEndpoints: ENDPOINTS,
      routingControls: { primary: EAST, standby: WEST },
    },
  });

/** Route 53's API not answering, as the adapter reports it after the client timeouts. */
class UnreachableRoute53 extends FakeRoute53 {
  override async listFailoverRecords(): Promise<never> {
    throw new EndpointUnreachableError('route53', 'ListResourceRecordSets', new Error('TimeoutError'));
  }
}

describe('endpointOrder', () => {
  it('puts the standby region first and the primary region and us-east-1 last when ordering cluster endpoints', () => {
    // Act
    const order = endpointOrder(ENDPOINTS, { primary: 'us-east-1', standby: 'us-west-2' });

    // Assess
    expect(order.map((endpoint) => endpoint.region)).toEqual([
      'us-west-2',
      'eu-west-1',
      'ap-southeast-2',
      'ap-northeast-1',
      'us-east-1',
    ]);
  });
});

describe('checkDnsSwitch', () => {
  const deps = (route53: FakeRoute53, routingControls = new FakeRoutingControls()) => ({
    route53,
    routingControls,
    switchAlarm: new FakeSwitchAlarm(),
    clock: new FakeClock(NOW),
    log: new FakeLog(),
  });

  it('throws DnsSwitchUnavailableError saying no database changed when Route 53 does not answer', async () => {
    // Act
    const outcome = checkDnsSwitch({ run: ordersRun(), plan: ordersPlan() }, deps(new UnreachableRoute53()));

    // Assess
    await expect(outcome).rejects.toThrow(DnsSwitchUnavailableError);
    await expect(outcome).rejects.toThrow(/route53-records: Route 53's API .* No database was changed/);
    await expect(outcome).rejects.toThrow(/dnsSwitch.method arc-routing-control/);
  });

  it("needs Route 53's API for an ARC plan's failback that gives maintenance-fenced records their values back, and for no failover", async () => {
    // Prepare: an ARC plan whose api record has a maintenance-target fence; both routing controls answer
    const plan = arcPlan();
    const zone = plan.dns[0];
    const api = zone?.records[0];
    if (!zone || !api) throw new Error('the fixture has a record pair');
    zone.records[0] = { ...api, fence: { method: 'maintenance-target', value: 'maintenance.orders.example.com' } };
    const controls = () => new FakeRoutingControls().set(EAST, 'Off').set(WEST, 'On');

    // Act
    const failback = checkDnsSwitch(
      { run: { ...ordersRun(), action: 'failback' }, plan },
      deps(new UnreachableRoute53(), controls()),
    );
    const failover = await checkDnsSwitch({ run: ordersRun(), plan }, deps(new UnreachableRoute53(), controls()));

    // Assess: before any database moves, the failback stops; a failover never asks Route 53
    await expect(failback).rejects.toThrow(DnsSwitchUnavailableError);
    await expect(failback).rejects.toThrow(
      'the records the fence pointed at maintenance cannot get their values back now, which the failback does before it switches. No database was changed. Start the failback again',
    );
    expect(failover.method).toBe('arc-routing-control');
  });

  it('answers from Route 53 (us-east-1) when its API answers for a route53-records plan', async () => {
    // Act
    const check = await checkDnsSwitch({ run: ordersRun(), plan: ordersPlan() }, deps(new FakeRoute53()));

    // Assess
    expect(check).toEqual({ method: 'route53-records', answeredFrom: 'us-east-1', checkedAt: NOW });
  });

  it('reads the routing controls from the standby region first and never calls Route 53 for an ARC plan', async () => {
    // Prepare
    const controls = new FakeRoutingControls().set(EAST, 'On').set(WEST, 'On');

    // Act
    const check = await checkDnsSwitch({ run: ordersRun(), plan: arcPlan() }, deps(new UnreachableRoute53(), controls));

    // Assess
    expect(check).toMatchObject({ method: 'arc-routing-control', answeredFrom: 'us-west-2' });
  });

  it('throws DnsSwitchUnavailableError when no cluster endpoint answers for an ARC plan', async () => {
    // Prepare
    const controls = new FakeRoutingControls();
    for (const endpoint of ENDPOINTS) controls.downRegions.add(endpoint.region);

    // Act
    const outcome = checkDnsSwitch({ run: ordersRun(), plan: arcPlan() }, deps(new FakeRoute53(), controls));

    // Assess
    await expect(outcome).rejects.toThrow(/No endpoint of the ARC cluster answers/);
  });
});

describe('flipDns with arc-routing-control', () => {
  let controls: FakeRoutingControls;
  let route53: FakeRoute53;
  let deps: FlipDnsDeps;
  const promotions = [ordersDbPromotion(), catalogPromotion()];

  beforeEach(async () => {
    controls = new FakeRoutingControls().set(EAST, 'On').set(WEST, 'On');
    route53 = new UnreachableRoute53();
    const clock = new FakeClock(NOW);
    const log = new FakeLog();
    const ledger = new FakeLedger();
    deps = {
      route53,
      routingControls: controls,
      switchAlarm: new FakeSwitchAlarm(),
      ledger,
      events: new FakeEvents(),
      clock,
      log,
      actions: new RecordingActionLog({ clock, log }),
      route53Region: 'us-east-1',
    };
    await ledger.acquireLock('orders', lockOwner(ordersRun().incidentId), clock.now());
  });

  it('turns the standby On and the primary Off in one update, reads it back, and makes no Route 53 call', async () => {
    // Act
    const result = await flipDns({ run: ordersRun(), plan: arcPlan(), promotions }, deps);

    // Assess
    expect(controls.states.get(WEST)).toBe('On');
    expect(controls.states.get(EAST)).toBe('Off');
    expect(controls.calls).toEqual([
      { operation: 'get', region: 'us-west-2' },
      { operation: 'update', region: 'us-west-2' },
      { operation: 'get', region: 'us-west-2' },
    ]);
    expect(route53.batches).toEqual([]);
    expect(result).toMatchObject({
      changes: [],
      inSync: true,
      inSyncAt: NOW,
      alreadyFlipped: [],
      routingControls: [
        { arn: WEST, state: 'On' },
        { arn: EAST, state: 'Off' },
      ],
      actions: [
        {
          service: 'route53-recovery-cluster',
          operation: 'UpdateRoutingControlStates',
          target: `${WEST} On, ${EAST} Off`,
          region: 'us-west-2',
          dryRun: false,
        },
      ],
    });
  });

  it('turns the primary On and the standby Off when the run is a failback', async () => {
    // Prepare: the standby region serves (an earlier failover switched the controls).
    controls.set(EAST, 'Off');

    // Act
    const result = await flipDns({ run: { ...ordersRun(), action: 'failback' }, plan: arcPlan(), promotions }, deps);

    // Assess
    expect(controls.states.get(EAST)).toBe('On');
    expect(controls.states.get(WEST)).toBe('Off');
    expect(result.actions).toEqual([expect.objectContaining({ target: `${EAST} On, ${WEST} Off` })]);
  });

  it('makes no update when the routing controls are already switched (a retried step)', async () => {
    // Prepare
    controls.set(EAST, 'Off');

    // Act
    const result = await flipDns({ run: ordersRun(), plan: arcPlan(), promotions }, deps);

    // Assess
    expect(controls.calls.map((call) => call.operation)).toEqual(['get']);
    expect(result).toMatchObject({ actions: [], alreadyFlipped: [WEST, EAST], inSync: true });
  });

  it('records the update as planned and changes nothing in a dry run', async () => {
    // Act
    const result = await flipDns({ run: ordersRun({ mode: 'dry-run' }), plan: arcPlan(), promotions }, deps);

    // Assess
    expect(controls.states.get(EAST)).toBe('On');
    expect(result.actions).toEqual([
      expect.objectContaining({ operation: 'UpdateRoutingControlStates', dryRun: true }),
    ]);
  });

  it('throws DnsFlipError when the states do not read back switched', async () => {
    // Prepare: the cluster accepts the update but a reader sees the old states (e.g. another operator turned them back).
    const update = controls.updateStates.bind(controls);
    controls.updateStates = async (endpoints, states) => {
      const answered = await update(endpoints, states);
      controls.set(EAST, 'On');
      return answered;
    };

    // Act
    const outcome = flipDns({ run: ordersRun(), plan: arcPlan(), promotions }, deps);

    // Assess
    await expect(outcome).rejects.toThrow(DnsFlipError);
    await expect(outcome).rejects.toThrow(/expected the standby On and the primary Off/);
  });
});
