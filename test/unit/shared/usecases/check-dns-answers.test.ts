import { checkDnsAnswers, type DnsAnswerDeps } from '../../../../shared/usecases/check-dns-answers';
import { FakeClock, FakeDns, FakeLedger, FakeLog, FakeRoute53 } from '../../../support/fakes';
import { arcOrdersPlan, ordersPlan } from '../../../support/plan-fixtures';
import { planReadiness, readinessWithRecords } from '../../../support/readiness-fixtures';
import { recordPair } from '../../../support/resource-fixtures';

const ZONE = 'Z0123456789ORDERSAPI';

const twoPairPlan = () =>
  ordersPlan({
    dns: [
      {
        hostedZoneId: ZONE,
        records: ['api', 'checkout'].map((host) => ({
          name: `${host}.orders.example.com`,
          type: 'CNAME',
          primarySetIdentifier: `${host}-us-east-1`,
          standbySetIdentifier: `${host}-us-west-2`,
        })),
      },
    ],
  });

describe('checkDnsAnswers', () => {
  let route53: FakeRoute53;
  let dns: FakeDns;
  let deps: DnsAnswerDeps;

  beforeEach(() => {
    route53 = new FakeRoute53();
    dns = new FakeDns()
      .set('api.orders.example.com', 'CNAME', ['api.us-west-2.orders.example.com'])
      .set('checkout.orders.example.com', 'CNAME', ['checkout.us-west-2.orders.example.com']);
    deps = {
      route53,
      dns,
      ledger: new FakeLedger(),
      clock: new FakeClock('2026-11-25T03:40:00.000Z'),
      log: new FakeLog(),
      sleep: async () => {},
    };
  });

  it('reads a health check the records share once: GetHealthCheckStatus has a quota of 1 request a second', async () => {
    // Prepare: one health check per regional endpoint, on every record of that region.
    route53.addRecords(
      ZONE,
      ...recordPair('api.orders.example.com', 'us-west-2'),
      ...recordPair('checkout.orders.example.com', 'us-west-2'),
    );
    const read = jest.spyOn(route53, 'getHealthCheckStatus');

    // Act
    const findings = await checkDnsAnswers(twoPairPlan(), 'standby', deps);

    // Assess
    expect(read.mock.calls).toEqual([['hc-us-west-2']]);
    expect(findings.checks.map((check) => `${check.name} ${check.ok}`)).toEqual([
      'dns answer api.orders.example.com CNAME true',
      'health check api.orders.example.com CNAME true',
      'dns answer checkout.orders.example.com CNAME true',
      'health check checkout.orders.example.com CNAME true',
    ]);
    expect(findings.failures).toEqual([]);
  });

  it('points at the delegation, not a health check, when a record without one is not what DNS answers', async () => {
    // Prepare: no health checks (Route 53 answers the PRIMARY whatever happens), and DNS answers something else.
    route53.addRecords(
      ZONE,
      ...recordPair('api.orders.example.com', 'us-west-2', { healthChecks: false }),
      ...recordPair('checkout.orders.example.com', 'us-west-2', { healthChecks: false }),
    );
    dns.set('checkout.orders.example.com', 'CNAME', ['parked.registrar.example.net']);

    // Act
    const findings = await checkDnsAnswers(twoPairPlan(), 'standby', deps);

    // Assess
    expect(findings.failures).toEqual([
      `DNS answers parked.registrar.example.net for checkout.orders.example.com CNAME, not us-west-2's record "checkout-us-west-2" (checkout.us-west-2.orders.example.com): the records are switched, what users reach is not; check that the domain delegates to hosted zone ${ZONE}'s name servers`,
    ]);
    expect(findings.checks.map((check) => `${check.name} ${check.ok}`)).toEqual([
      'dns answer api.orders.example.com CNAME true',
      'dns answer checkout.orders.example.com CNAME false',
    ]);
  });

  it("judges a failback's answers toward the primary region's records", async () => {
    // Prepare: switched back, us-east-1's records PRIMARY again, and DNS answering them.
    route53.addRecords(
      ZONE,
      ...recordPair('api.orders.example.com', 'us-east-1', { healthChecks: false }),
      ...recordPair('checkout.orders.example.com', 'us-east-1', { healthChecks: false }),
    );
    dns
      .set('api.orders.example.com', 'CNAME', ['api.us-east-1.orders.example.com'])
      .set('checkout.orders.example.com', 'CNAME', ['checkout.us-west-2.orders.example.com']);

    // Act
    const findings = await checkDnsAnswers(twoPairPlan(), 'primary', deps);

    // Assess
    expect(findings.failures).toEqual([
      `DNS answers us-west-2's record "checkout-us-west-2" (checkout.us-west-2.orders.example.com) for checkout.orders.example.com CNAME, not us-east-1's record "checkout-us-east-1" (checkout.us-east-1.orders.example.com): the records are switched, what users reach is not; check that the domain delegates to hosted zone ${ZONE}'s name servers`,
    ]);
  });

  describe("a plan that switches without Route 53's API: the records as its last readiness read them", () => {
    let ledger: FakeLedger;

    beforeEach(() => {
      ledger = new FakeLedger();
      deps = { ...deps, ledger };
    });

    /** What the findings say of the plan's one record pair, as `check ok: detail` lines, then the warnings. */
    const said = (findings: Awaited<ReturnType<typeof checkDnsAnswers>>) => [
      ...findings.checks.map((check) => `${check.name} ${check.ok}: ${check.detail}`),
      ...findings.warnings,
    ];

    it('names a stale readiness, one from an older release and a ledger that does not answer, comparing nothing', async () => {
      // Prepare: the clock is at 03:40; the plan's readiness runs every 15 minutes.
      const stale = readinessWithRecords('2026-11-25T03:05:00.000Z');
      const older = planReadiness({ at: '2026-11-25T03:30:00.000Z' });

      // Act
      await ledger.putReadiness(stale);
      const afterStale = await checkDnsAnswers(arcOrdersPlan(), 'standby', deps);
      await ledger.putReadiness(older);
      const afterOlder = await checkDnsAnswers(arcOrdersPlan(), 'standby', deps);
      jest.spyOn(ledger, 'listReadiness').mockRejectedValue(new Error('ProvisionedThroughputExceededException'));
      const unread = await checkDnsAnswers(arcOrdersPlan(), 'standby', deps);

      // Assess
      expect(dns.asked).toEqual([]);
      for (const findings of [afterStale, afterOlder, unread]) expect(findings.failures).toEqual([]);
      expect(said(afterStale)[0]).toBe(
        "dns answers false: not compared: an arc-routing-control plan's verify calls no Route 53 API (us-east-1) and " +
          "the plan's last readiness ran at 2026-11-25T03:05:00.000Z, more than two of its runs (every 15 min) ago",
      );
      expect(said(afterOlder)[0]).toMatch(
        /and the plan's last readiness \(2026-11-25T03:30:00.000Z\) kept no record values \(written by an older release\)$/,
      );
      expect(said(unread)[0]).toMatch(
        /and the plan's last readiness could not be read \(Error: ProvisionedThroughputExceededException\)$/,
      );
      expect(said(unread)[1]).toMatch(
        /; check with dig, and run the plan's readiness \(switchback readiness --plan orders --record\)/,
      );
    });

    it('says when the records it compared were read, for a pair the readiness kept from an earlier run', async () => {
      // Prepare: the 03:30 run could not reach Route 53's API (us-east-1 down) and kept the pair as read at 02:45.
      const current = readinessWithRecords('2026-11-25T03:30:00.000Z');
      await ledger.putReadiness({
        ...current,
        records: current.records?.map((pair) => ({ ...pair, readAt: '2026-11-25T02:45:00.000Z' })),
        carriedRecords: [
          { resource: `route53:${ZONE}/api.orders.example.com/CNAME`, readAt: '2026-11-25T02:45:00.000Z' },
        ],
      });

      // Act
      const findings = await checkDnsAnswers(arcOrdersPlan(), 'standby', deps);

      // Assess
      expect(findings.failures).toEqual([]);
      expect(findings.checks).toEqual([
        {
          name: 'dns answer api.orders.example.com CNAME',
          ok: true,
          detail:
            'DNS answers us-west-2\'s record "api-us-west-2" (api.us-west-2.orders.example.com) for api.orders.example.com CNAME ' +
            "(the records as the plan's readiness read them at 2026-11-25T02:45:00.000Z)",
        },
      ]);
    });

    it('warns about a pair the readiness did not read, and says what an alarm plan switched when DNS disagrees', async () => {
      // Prepare: an alarm-switched plan with a second pair (checkout) that the readiness kept nothing of.
      await ledger.putReadiness(readinessWithRecords('2026-11-25T03:30:00.000Z'));
      const plan = {
        ...twoPairPlan(),
        dnsSwitch: { method: 'alarm-health-check' as const, alarmName: 'orders-primary-out' },
      };
      dns.set('api.orders.example.com', 'CNAME', []);

      // Act
      const findings = await checkDnsAnswers(plan, 'standby', deps);

      // Assess
      expect(findings.failures).toEqual([
        'DNS answers nothing (no such record) for api.orders.example.com CNAME, not us-west-2\'s record "api-us-west-2" (api.us-west-2.orders.example.com) ' +
          "(the records as the plan's readiness read them at 2026-11-25T03:30:00.000Z): the switch alarm is set, what users reach is not; " +
          "check with dig api.orders.example.com CNAME, that the domain delegates to hosted zone Z0123456789ORDERSAPI's name servers, " +
          "and that the plan's readiness finds its records in place (switchback readiness --plan orders)",
      ]);
      expect(findings.warnings).toEqual([
        "could not compare what DNS answers for checkout.orders.example.com CNAME: reading the records (the plan's readiness) " +
          "failed (Error: the plan's readiness at 2026-11-25T03:30:00.000Z did not read them); check with dig",
      ]);
    });
  });
});
