import { DETAIL_TYPES, type DnsResult, type PhaseChangedDetail } from '../../../../shared/domain/run';
import { ThrottledError } from '../../../../shared/errors';
import { type CheckDnsSyncDeps, checkDnsSync } from '../../../../shared/usecases/check-dns-sync';
import { FakeClock, FakeEvents, FakeLog, FakeRoute53, FakeSwitchAlarm } from '../../../support/fakes';
import { ordersRun } from '../../../support/resource-fixtures';

const FLIPPED_AT = '2026-11-25T03:05:01.000Z';

const pending = (): DnsResult => ({
  changes: [
    { hostedZoneId: 'Z0123456789ORDERSAPI', changeId: '/change/C1', status: 'PENDING' },
    { hostedZoneId: 'Z0987654321ORDERSWEB', changeId: '/change/C2', status: 'PENDING' },
    { hostedZoneId: 'Z0000000000ORDERSOLD', changeId: null, status: 'INSYNC' },
  ],
  inSync: false,
  pollSeconds: 1,
  startedAt: FLIPPED_AT,
  alreadyFlipped: ['Z0000000000ORDERSOLD'],
  actions: [],
});

describe('checkDnsSync', () => {
  let route53: FakeRoute53;
  let events: FakeEvents;
  let clock: FakeClock;
  let deps: CheckDnsSyncDeps;

  beforeEach(() => {
    route53 = new FakeRoute53();
    events = new FakeEvents();
    clock = new FakeClock(FLIPPED_AT);
    deps = { route53, switchAlarm: new FakeSwitchAlarm(), events, clock, log: new FakeLog() };
  });

  it('stays out of sync while a change is PENDING and becomes in sync when all are INSYNC', async () => {
    // Prepare
    route53.scriptChange('/change/C1', 'PENDING', 'INSYNC').scriptChange('/change/C2', 'INSYNC');
    clock.advance(20);

    // Act
    const first = await checkDnsSync({ run: ordersRun(), dns: pending() }, deps);
    clock.advance(40);
    const second = await checkDnsSync({ run: ordersRun(), dns: first }, deps);

    // Assess
    expect(first).toMatchObject({ inSync: false, pollSeconds: 1 });
    expect(first.changes.map((c) => c.status)).toEqual(['PENDING', 'INSYNC', 'INSYNC']);
    expect(first.inSyncAt).toBeUndefined();
    expect(second).toMatchObject({ inSync: true, inSyncAt: '2026-11-25T03:06:01.000Z', startedAt: FLIPPED_AT });
    expect(route53.getChangeCalls).toEqual(['/change/C1', '/change/C2', '/change/C1']);
  });

  it('publishes dns succeeded only once everything is in sync', async () => {
    // Prepare
    route53.scriptChange('/change/C1', 'PENDING', 'INSYNC');

    // Act
    const first = await checkDnsSync({ run: ordersRun(), dns: pending() }, deps);
    const afterFirst = events.ofType<PhaseChangedDetail>(DETAIL_TYPES.phaseChanged).length;
    await checkDnsSync({ run: ordersRun(), dns: first }, deps);

    // Assess
    expect(afterFirst).toBe(0);
    const phases = events.ofType<PhaseChangedDetail>(DETAIL_TYPES.phaseChanged);
    expect(phases.map((p) => `${p.phase} ${p.status}`)).toEqual(['dns succeeded']);
    expect(phases[0]?.facts).toContain('Z0000000000ORDERSOLD already flipped');
  });

  it('waits 1.2% of the time since the change when propagation takes minutes', async () => {
    // Prepare
    route53.scriptChange('/change/C1', 'PENDING').scriptChange('/change/C2', 'PENDING');
    clock.advance(600);

    // Act
    const result = await checkDnsSync({ run: ordersRun(), dns: pending() }, deps);

    // Assess
    // 600 s after the change (shared/domain/polling.ts): 7.2 s, rounded up
    expect(result).toMatchObject({ inSync: false, pollSeconds: 8 });
  });

  it('passes ThrottledError through when GetChange is throttled', async () => {
    // Prepare
    jest.spyOn(route53, 'getChangeStatus').mockRejectedValueOnce(new ThrottledError('route53', 'GetChange', undefined));

    // Act
    const act = checkDnsSync({ run: ordersRun(), dns: pending() }, deps);

    // Assess
    await expect(act).rejects.toBeInstanceOf(ThrottledError);
  });
});
