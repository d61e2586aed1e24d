import { judgeDnsAnswer, recordTarget } from '../../../../shared/domain/dns-answers';

const west = { setIdentifier: 'www-us-west-2', region: 'us-west-2', values: ['192.0.2.20', '192.0.2.21'] };
const east = { setIdentifier: 'www-us-east-1', region: 'us-east-1', values: ['192.0.2.10'] };

describe('judgeDnsAnswer', () => {
  it('passes when DNS answers the serving record, whatever the order of its values', () => {
    // Act
    const verdict = judgeDnsAnswer({
      name: 'www.orders.example.com.',
      type: 'A',
      serving: west,
      other: east,
      answered: ['192.0.2.21', '192.0.2.20'],
    });

    // Assess
    expect(verdict).toEqual({
      ok: true,
      detail: `DNS answers us-west-2's record "www-us-west-2" (192.0.2.20, 192.0.2.21) for www.orders.example.com A`,
    });
  });

  it('fails on part of the values: an answer is the whole record, or another record', () => {
    // Act
    const verdict = judgeDnsAnswer({
      name: 'www.orders.example.com',
      type: 'A',
      serving: west,
      answered: ['192.0.2.20'],
    });

    // Assess
    expect(verdict).toEqual({
      ok: false,
      detail: `DNS answers 192.0.2.20 for www.orders.example.com A, not us-west-2's record "www-us-west-2" (192.0.2.20, 192.0.2.21)`,
    });
  });

  it('compares CNAME targets as names: case and the trailing dot do not count', () => {
    // Act
    const verdict = judgeDnsAnswer({
      name: 'api.orders.example.com',
      type: 'CNAME',
      serving: { setIdentifier: 'api-us-west-2', region: 'us-west-2', values: ['API-West.orders.example.com.'] },
      answered: ['api-west.orders.example.com'],
    });

    // Assess
    expect(verdict.ok).toBe(true);
  });

  it("passes an alias record on any of its target's answers (a load balancer's addresses rotate)", () => {
    // Act
    const verdicts = [['198.51.100.7'], ['203.0.113.1']].map((answered) =>
      judgeDnsAnswer({
        name: 'www.orders.example.com',
        type: 'A',
        serving: {
          setIdentifier: 'www-us-west-2',
          region: 'us-west-2',
          alias: 'west-lb.us-west-2.elb.amazonaws.com',
          values: ['198.51.100.7', '198.51.100.8'],
        },
        answered,
      }),
    );

    // Assess
    expect(verdicts.map((verdict) => verdict.ok)).toEqual([true, false]);
    expect(verdicts[0]?.detail).toBe(
      `DNS answers us-west-2's record "www-us-west-2" (alias to west-lb.us-west-2.elb.amazonaws.com) for www.orders.example.com A`,
    );
  });
});

describe('recordTarget', () => {
  it("reads a record's values, or its alias target's name", () => {
    // Act
    const targets = [
      { ResourceRecords: [{ Value: '192.0.2.20' }, { Value: '192.0.2.21' }], TTL: 60 },
      { AliasTarget: { DNSName: 'West-LB.us-west-2.elb.amazonaws.com.', HostedZoneId: 'Z1H1FL5HABSF5' } },
      {},
    ].map((rest) =>
      recordTarget({ name: 'www.orders.example.com', type: 'A', setIdentifier: 'w', failover: 'PRIMARY', rest }),
    );

    // Assess
    expect(targets).toEqual([
      { values: ['192.0.2.20', '192.0.2.21'] },
      { alias: 'west-lb.us-west-2.elb.amazonaws.com' },
      { values: [] },
    ]);
  });
});
