import { AuthoritativeDns, DnsQueryError, type ResolverLike } from '../../../../shared/aws/dns-answers';

const dnsError = (code: string) => Object.assign(new Error(`query ${code}`), { code });

/**
 * A resolver over a small DNS: `ns` is what the Lambda's own resolver answers for NS and the name servers' addresses;
 * `zone` is what the zone's name servers answer, and only they (a resolver given no servers answers none of it).
 */
class FakeResolver implements ResolverLike {
  servers: string[] = [];
  static built: FakeResolver[] = [];

  constructor(
    private readonly ns: Record<string, string[] | Error>,
    private readonly addresses: Record<string, string[]>,
    private readonly zone: Record<string, string[] | Error>,
  ) {
    FakeResolver.built.push(this);
  }

  setServers(servers: string[]): void {
    this.servers = servers;
  }

  async resolveNs(name: string): Promise<string[]> {
    const answer = this.ns[name];
    if (answer instanceof Error) throw answer;
    if (!answer) throw dnsError('ENODATA');
    return answer;
  }

  async resolve4(name: string): Promise<string[]> {
    if (this.servers.length === 0) {
      const address = this.addresses[name];
      if (!address) throw dnsError('ENOTFOUND');
      return address;
    }
    return this.fromZone(name, 'A');
  }

  async resolve6(name: string): Promise<string[]> {
    return this.fromZone(name, 'AAAA');
  }

  async resolveCname(name: string): Promise<string[]> {
    return this.fromZone(name, 'CNAME');
  }

  private fromZone(name: string, type: string): string[] {
    if (!this.servers.includes('205.251.192.1')) throw dnsError('EREFUSED');
    const answer = this.zone[`${name} ${type}`];
    if (answer instanceof Error) throw answer;
    if (!answer) throw dnsError('ENODATA');
    return answer;
  }
}

describe('AuthoritativeDns', () => {
  const ns = { 'orders.example.com': ['ns-1.awsdns-00.com', 'ns-2.awsdns-00.net'] };
  const addresses = { 'ns-1.awsdns-00.com': ['205.251.192.1'], 'ns-2.awsdns-00.net': ['205.251.192.2'] };
  const build = (zone: Record<string, string[] | Error>, nsAnswers: Record<string, string[] | Error> = ns) =>
    new AuthoritativeDns({ resolver: () => new FakeResolver(nsAnswers, addresses, zone) });

  beforeEach(() => {
    FakeResolver.built = [];
  });

  it("asks the zone's own name servers, found by walking up from the name, for the record", async () => {
    // Prepare
    const dns = build({ 'api.orders.example.com CNAME': ['api-west.orders.example.com'] });

    // Act
    const answer = await dns.answer('api.orders.example.com.', 'CNAME');

    // Assess: api.orders.example.com has no NS; orders.example.com does, and both its servers are asked.
    expect(answer).toEqual(['api-west.orders.example.com']);
    expect(FakeResolver.built.at(-1)?.servers).toEqual(['205.251.192.1', '205.251.192.2']);
  });

  it.each([
    ['A', ['192.0.2.10']],
    ['AAAA', ['2001:db8::10']],
  ])('answers %s records with their addresses', async (type, values) => {
    // Prepare
    const dns = build({ [`www.orders.example.com ${type}`]: values });

    // Act
    const answer = await dns.answer('www.orders.example.com', type);

    // Assess
    expect(answer).toEqual(values);
  });

  it.each(['ENODATA', 'ENOTFOUND'])('answers no values when the name servers say %s (no such record)', async (code) => {
    // Prepare
    const dns = build({ 'api.orders.example.com CNAME': dnsError(code) });

    // Act
    const answer = await dns.answer('api.orders.example.com', 'CNAME');

    // Assess
    expect(answer).toEqual([]);
  });

  it('throws DnsQueryError naming the servers when they do not answer: not an empty answer', async () => {
    // Prepare
    const dns = build({ 'api.orders.example.com CNAME': dnsError('ETIMEOUT') });

    // Act
    const error = await dns.answer('api.orders.example.com', 'CNAME').catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(DnsQueryError);
    expect((error as Error).message).toBe(
      'api.orders.example.com CNAME: no answer from 205.251.192.1, 205.251.192.2 (ETIMEOUT)',
    );
  });

  it("throws when the Lambda's resolver cannot find the zone's name servers", async () => {
    // Prepare
    const lost = build({}, {});
    const refused = build({}, { 'orders.example.com': dnsError('ESERVFAIL') });

    // Act
    const errors = await Promise.all([
      lost.answer('api.orders.example.com', 'CNAME').catch((caught: unknown) => caught),
      refused.answer('api.orders.example.com', 'CNAME').catch((caught: unknown) => caught),
    ]);

    // Assess
    expect(errors.map((error) => (error as Error).message)).toEqual([
      'api.orders.example.com: no zone with name servers found',
      'orders.example.com NS: the resolver did not answer (ESERVFAIL)',
    ]);
  });

  it('reads only the answers it compares (A, AAAA, CNAME), asking no server for another type', async () => {
    // Act
    const error = await build({})
      .answer('orders.example.com', 'TXT')
      .catch((caught: unknown) => caught);

    // Assess
    expect((error as Error).message).toBe('orders.example.com TXT: only A, AAAA and CNAME answers are read');
  });
});
