import { checkDnsAnswers, type DnsAnswerDeps } from '../../../../shared/usecases/check-dns-answers';
import { FakeDns, FakeLog, FakeRoute53 } from '../../../support/fakes';
import { ordersPlan } from '../../../support/plan-fixtures';
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
    deps = { route53, dns, log: new FakeLog(), sleep: async () => {} };
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
});
