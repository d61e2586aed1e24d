import { RecordingActionLog } from '../../../../shared/aws/action-log';
import type { DnsResult } from '../../../../shared/domain/run';
import { DnsFlipError, DnsSwitchUnavailableError } from '../../../../shared/errors';
import type { Plan } from '../../../../shared/plan/schema';
import { checkDnsSwitch } from '../../../../shared/usecases/check-dns-switch';
import { type CheckDnsSyncDeps, checkDnsSync } from '../../../../shared/usecases/check-dns-sync';
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
import { ordersDbPromotion, ordersRun } from '../../../support/resource-fixtures';
import { lockOwner } from '../../../support/run-fixtures';

/** The `alarm-health-check` DNS switch: the check before the promotion, the publish, and the read-back. */

const NOW = '2026-11-25T03:05:01.000Z';
const ALARM = 'orders-primary-out';
const alarmPlan = (): Plan => ordersPlan({ dnsSwitch: { method: 'alarm-health-check', alarmName: ALARM } });

describe('checkDnsSwitch with alarm-health-check', () => {
  const deps = (switchAlarm: FakeSwitchAlarm) => ({
    route53: new FakeRoute53(),
    routingControls: new FakeRoutingControls(),
    switchAlarm,
    clock: new FakeClock(NOW),
    log: new FakeLog(),
  });

  it('answers from the standby region when the switch alarm exists there', async () => {
    // Act
    const check = await checkDnsSwitch(
      { run: ordersRun(), plan: alarmPlan() },
      deps(new FakeSwitchAlarm().set('us-west-2', ALARM, 'OK')),
    );

    // Assess
    expect(check).toEqual({ method: 'alarm-health-check', answeredFrom: 'us-west-2', checkedAt: NOW });
  });

  it('throws DnsSwitchUnavailableError naming the standby region when its CloudWatch does not answer', async () => {
    // Prepare
    const alarms = new FakeSwitchAlarm().set('us-west-2', ALARM, 'OK');
    alarms.downRegions.add('us-west-2');

    // Act
    const outcome = checkDnsSwitch({ run: ordersRun(), plan: alarmPlan() }, deps(alarms));

    // Assess
    await expect(outcome).rejects.toThrow(DnsSwitchUnavailableError);
    await expect(outcome).rejects.toThrow(/CloudWatch in us-west-2 does not answer .* No database was changed/);
  });

  it('throws DnsSwitchUnavailableError naming the alarm when it does not exist', async () => {
    // Act
    const outcome = checkDnsSwitch({ run: ordersRun(), plan: alarmPlan() }, deps(new FakeSwitchAlarm()));

    // Assess
    await expect(outcome).rejects.toThrow(/"orders-primary-out", which does not exist in us-west-2/);
  });
});

describe('flipDns and checkDnsSync with alarm-health-check', () => {
  let alarms: FakeSwitchAlarm;
  let clock: FakeClock;
  let deps: FlipDnsDeps;
  let syncDeps: CheckDnsSyncDeps;

  beforeEach(async () => {
    alarms = new FakeSwitchAlarm().set('us-west-2', ALARM, 'OK');
    clock = new FakeClock(NOW);
    const log = new FakeLog();
    const ledger = new FakeLedger();
    const route53 = new FakeRoute53();
    deps = {
      route53,
      routingControls: new FakeRoutingControls(),
      switchAlarm: alarms,
      ledger,
      events: new FakeEvents(),
      clock,
      log,
      actions: new RecordingActionLog({ clock, log }),
      route53Region: 'us-east-1',
    };
    syncDeps = { route53, switchAlarm: alarms, events: new FakeEvents(), clock, log };
    await ledger.acquireLock('orders', lockOwner(ordersRun().incidentId), clock.now());
  });

  it('publishes primary out in the standby region and is not in sync until the alarm reads ALARM', async () => {
    // Act
    const result = await flipDns({ run: ordersRun(), plan: alarmPlan(), promotions: [ordersDbPromotion()] }, deps);

    // Assess
    expect(alarms.published).toEqual([{ region: 'us-west-2', plan: 'orders', primaryOut: true }]);
    expect(result).toMatchObject({
      inSync: false,
      changes: [],
      switchAlarm: { name: ALARM, region: 'us-west-2', wanted: 'ALARM', state: 'OK' },
    });
    expect(result.actions).toEqual([
      expect.objectContaining({ service: 'cloudwatch', operation: 'PutMetricData', region: 'us-west-2' }),
    ]);
  });

  it('publishes primary in (0) for a failback, waiting for OK', async () => {
    // Prepare
    alarms.set('us-west-2', ALARM, 'ALARM');

    // Act
    const result = await flipDns(
      { run: { ...ordersRun(), action: 'failback' }, plan: alarmPlan(), promotions: [] },
      deps,
    );

    // Assess
    expect(alarms.published).toEqual([{ region: 'us-west-2', plan: 'orders', primaryOut: false }]);
    expect(result.switchAlarm).toMatchObject({ wanted: 'OK', state: 'ALARM' });
  });

  it('publishes nothing and is in sync when the alarm has read ALARM for longer than Route 53 takes to read it', async () => {
    // Prepare: switched by an earlier attempt, two minutes ago
    alarms.set('us-west-2', ALARM, 'ALARM', '2026-11-25T03:03:00.000Z');

    // Act
    const result = await flipDns({ run: ordersRun(), plan: alarmPlan(), promotions: [] }, deps);

    // Assess
    expect(alarms.published).toEqual([]);
    expect(result).toMatchObject({ inSync: true, alreadyFlipped: [ALARM], actions: [] });
  });

  it('throws DnsFlipError naming the alarm and the metric when the alarm does not exist', async () => {
    // Prepare
    alarms.alarms.clear();

    // Act
    const outcome = flipDns({ run: ordersRun(), plan: alarmPlan(), promotions: [] }, deps);

    // Assess
    await expect(outcome).rejects.toThrow(DnsFlipError);
    await expect(outcome).rejects.toThrow(/Switchback\/DnsSwitch PrimaryOut \(plan=orders\)/);
    expect(alarms.published).toEqual([]);
  });

  it('reads the alarm back and is in sync only once Route 53 has had 30 s to read its ALARM', async () => {
    // Prepare
    alarms.evaluateWith = clock;
    const flipped = await flipDns({ run: ordersRun(), plan: alarmPlan(), promotions: [] }, deps);

    // Act
    clock.advance(10);
    const soon = await checkDnsSync({ run: ordersRun(), dns: flipped }, syncDeps);
    clock.advance(25);
    const later = await checkDnsSync({ run: ordersRun(), dns: soon }, syncDeps);

    // Assess
    expect(soon).toMatchObject({ inSync: false, switchAlarm: { state: 'ALARM', since: NOW } });
    expect(later).toMatchObject({ inSync: true, inSyncAt: '2026-11-25T03:05:36.000Z' });
  });

  it('throws DnsFlipError naming the alarm when it still reads OK ten minutes after the publish', async () => {
    // Prepare: an alarm that watches something else
    const flipped: DnsResult = await flipDns({ run: ordersRun(), plan: alarmPlan(), promotions: [] }, deps);
    clock.advance(601);

    // Act
    const outcome = checkDnsSync({ run: ordersRun(), dns: flipped }, syncDeps);

    // Assess: and how to get DNS switched once the alarm is fixed (a redrive alone would fail again at once)
    await expect(outcome).rejects.toThrow(/"orders-primary-out" in us-west-2 still reads OK 601 s after/);
    await expect(outcome).rejects.toThrow(
      'publish the switch again (aws cloudwatch put-metric-data --region us-west-2 --namespace Switchback/DnsSwitch ' +
        '--metric-name PrimaryOut --dimensions plan=orders --value 1), and once the alarm reads ALARM, redrive this run',
    );
  });
});
