import type { FailbackResult } from '../../../../../shared/domain/failback';
import { DETAIL_TYPES, type PhaseChangedDetail } from '../../../../../shared/domain/run';
import { VerificationFailedError } from '../../../../../shared/errors';
import { PlanRegistry } from '../../../../../shared/plan/registry';
import { type VerifyFailbackDeps, verifyFailback } from '../../../../../shared/usecases/failback/verify-failback';
import { FakeClock, FakeDns, FakeEvents, FakeLedger, FakeLog, FakeRds, FakeRoute53 } from '../../../../support/fakes';
import { arcOrdersPlan, ordersPlan } from '../../../../support/plan-fixtures';
import { readinessWithRecords } from '../../../../support/readiness-fixtures';
import { ordersRun, recordPair } from '../../../../support/resource-fixtures';

const NOW = '2026-11-26T10:00:00.000Z';

/** orders-db written in us-east-1 again: the failback promoted a replica there. */
const result = (): FailbackResult => ({
  databaseId: 'orders-db',
  kind: 'rds-read-replica',
  writable: true,
  pollSeconds: 30,
  status: 'available',
  startedAt: '2026-11-26T09:50:00.000Z',
  writableAt: '2026-11-26T09:55:00.000Z',
  lagSecondsAtPromotion: 0,
  alreadyPromoted: false,
  newPrimary: { region: 'us-east-1', identifier: 'orders-db-fb' },
  actions: [],
  writer: { region: 'us-east-1', identifier: 'orders-db-fb' },
  done: true,
  checks: 3,
  detail: 'orders-db-fb writes',
});

describe('verifyFailback', () => {
  let route53: FakeRoute53;
  let dns: FakeDns;
  let events: FakeEvents;
  let deps: VerifyFailbackDeps;
  let slept: number[];
  const run = () => ({ ...ordersRun(), action: 'failback' as const });

  beforeEach(() => {
    route53 = new FakeRoute53().addRecords(
      'Z0123456789ORDERSAPI',
      ...recordPair('api.orders.example.com', 'us-east-1'),
    );
    dns = new FakeDns().set('api.orders.example.com', 'CNAME', ['api.us-east-1.orders.example.com']);
    events = new FakeEvents();
    slept = [];
    deps = {
      plans: new PlanRegistry([ordersPlan()]),
      rds: new FakeRds().addInstance('us-east-1', {
        identifier: 'orders-db-fb',
        arn: 'arn:aws:rds:us-east-1:123456789012:db:orders-db-fb',
        status: 'available',
        backupRetentionPeriod: 7,
      }),
      route53,
      dns,
      sleep: async (ms) => {
        slept.push(ms);
      },
      events,
      ledger: new FakeLedger(),
      clock: new FakeClock(NOW),
      log: new FakeLog(),
    };
  });

  it("passes when the writer writes, the primary region's record is PRIMARY and DNS answers it", async () => {
    // Prepare
    const listed = jest.spyOn(route53, 'listFailoverRecords');

    // Act
    const verified = await verifyFailback({ run: run(), results: [result()] }, deps);

    // Assess
    expect(verified.checks.map((check) => `${check.name} ${check.ok}`)).toEqual([
      'orders-db writes in us-east-1 true',
      'dns api.orders.example.com CNAME true',
      'dns answer api.orders.example.com CNAME true',
      'health check api.orders.example.com CNAME true',
    ]);
    expect(verified.warnings).toEqual([]);
    // The pair's records are read once, for its role and for what DNS answers.
    expect(listed).toHaveBeenCalledTimes(1);
  });

  it("fails when DNS answers the standby region's record though the records are switched back", async () => {
    // Prepare: the primary region's endpoint does not pass its health check yet.
    dns.set('api.orders.example.com', 'CNAME', ['api.us-west-2.orders.example.com']);

    // Act
    const error = await verifyFailback({ run: run(), results: [result()] }, deps).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(VerificationFailedError);
    expect((error as VerificationFailedError).failures).toEqual([
      `DNS answers us-west-2's record "api-us-west-2" (api.us-west-2.orders.example.com) for api.orders.example.com CNAME, not us-east-1's record "api-us-east-1" (api.us-east-1.orders.example.com): the records are switched, what users reach is not; make us-east-1's endpoint pass its Route 53 health check (hc-us-east-1), then check with dig api.orders.example.com CNAME`,
    ]);
    const phases = events.ofType<PhaseChangedDetail>(DETAIL_TYPES.phaseChanged);
    expect(phases.at(-1)?.status).toBe('failed');
    expect(slept).toEqual([10_000, 10_000, 10_000]);
  });

  it('passes with a warning, in the record and the phase, when the name servers do not answer', async () => {
    // Prepare
    dns.set('api.orders.example.com', 'CNAME', new Error('ETIMEOUT'));

    // Act
    const verified = await verifyFailback({ run: run(), results: [result()] }, deps);

    // Assess
    expect(verified.warnings).toEqual([
      "could not compare what DNS answers for api.orders.example.com CNAME: asking api.orders.example.com CNAME's name servers failed (Error: ETIMEOUT); check with dig",
    ]);
    const phases = events.ofType<PhaseChangedDetail>(DETAIL_TYPES.phaseChanged);
    expect(phases.at(-1)).toMatchObject({ status: 'succeeded' });
    expect(phases.at(-1)?.facts).toContain(verified.warnings[0]);
  });

  it('asks no DNS in a dry run', async () => {
    // Act
    const verified = await verifyFailback({ run: { ...run(), mode: 'dry-run' }, results: [result()] }, deps);

    // Assess
    expect(dns.asked).toEqual([]);
    expect(verified.checks).toEqual([]);
  });

  it("judges an ARC plan's answers by its records as its last readiness read them, calling no Route 53 API", async () => {
    // Prepare: the plan's readiness ran 10 minutes ago (every 15 min) and kept its records.
    const ledger = new FakeLedger();
    await ledger.putReadiness(readinessWithRecords('2026-11-26T09:50:00.000Z'));
    const arc = { ...deps, ledger, plans: new PlanRegistry([arcOrdersPlan()]) };
    const listed = jest.spyOn(route53, 'listFailoverRecords');

    // Act
    const verified = await verifyFailback({ run: run(), results: [result()] }, arc);

    // Assess: no role check (that reads Route 53's API); the answer is the primary region's record.
    expect(listed).not.toHaveBeenCalled();
    expect(dns.asked).toEqual(['api.orders.example.com CNAME']);
    expect(verified.checks.map((check) => `${check.name} ${check.ok}`)).toEqual([
      'orders-db writes in us-east-1 true',
      'dns answer api.orders.example.com CNAME true',
    ]);

    // Act: DNS still answers the standby region's record.
    dns.set('api.orders.example.com', 'CNAME', ['api.us-west-2.orders.example.com']);
    const failing = verifyFailback({ run: run(), results: [result()] }, arc);

    // Assess
    await expect(failing).rejects.toThrow(
      /DNS answers us-west-2's record "api-us-west-2" .*: the routing controls are switched, what users reach is not/,
    );
  });
});
