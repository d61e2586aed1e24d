import { checkDns, legDnsDisagreements } from '../../../sim/dns-answers';
import type { Resolution } from '../../../sim/models/route53';
import { ordersPlan } from '../../support/plan-fixtures';

/** DNS as a drill's Route 53 answers it: each record name to the region given (undefined: no answer). */
const dnsOf =
  (answers: Record<string, Partial<Resolution> | undefined>) =>
  (name: string): Resolution | undefined => {
    const answer = answers[name];
    return answer ? { name, values: [`${name}.${answer.region}`], failedOpen: false, ...answer } : undefined;
  };

describe('checkDns', () => {
  const plan = ordersPlan();
  const records = plan.dns.flatMap((zone) => zone.records.map((record) => record.name));

  it('reads the answer for every record of the plan, and finds nothing to say when they answer the region that serves', () => {
    // Act
    const check = checkDns(plan, dnsOf(Object.fromEntries(records.map((name) => [name, { region: 'us-west-2' }]))), {
      outcome: 'recovered',
      activeRegion: 'us-west-2',
    });

    // Assess
    expect(records.length).toBeGreaterThan(0);
    expect(check.answers.map((answer) => [answer.record.split(' ')[0], answer.region])).toEqual(
      records.map((name) => [name, 'us-west-2']),
    );
    expect(check.disagreements).toEqual([]);
  });

  it('names each record that answers another region, or nothing, when the run says it recovered', () => {
    // Prepare: the first record fails open to the old primary; the others answer nothing
    const [first = '', ...others] = records;
    const resolve = dnsOf({ [first]: { region: 'us-east-1', failedOpen: true } });

    // Act
    const check = checkDns(plan, resolve, { outcome: 'recovered', activeRegion: 'us-west-2' });

    // Assess
    expect(check.disagreements).toEqual([
      `the run says us-west-2 serves, but DNS answers us-east-1 for ${first} CNAME (no record of it is healthy: Route 53 answers as if all were)`,
      ...others.map((name) => `the run says us-west-2 serves, but DNS answers nothing for ${name} CNAME`),
    ]);
  });

  it('holds nothing against a run that does not say it recovered', () => {
    // Act
    const check = checkDns(plan, dnsOf({}), { outcome: 'blocked', activeRegion: 'us-east-1' });

    // Assess
    expect(check.answers.every((answer) => answer.region === null && answer.values.length === 0)).toBe(true);
    expect(check.disagreements).toEqual([]);
  });
});

describe('legDnsDisagreements', () => {
  const check = (disagreements: string[]) => ({ answers: [], disagreements });
  const WRONG = 'the run says us-west-2 serves, but DNS answers us-east-1 for api.orders.example.com CNAME';

  it("names the leg whose own claim DNS contradicted when it ended, though the drill's end agrees", () => {
    // Act: a game day whose failover leg ended with DNS on the old region, repaired by the time it came home
    const found = legDnsDisagreements({
      dns: check([]),
      legs: [
        { action: 'failover', incidentId: 'orders-game-day-1-1-failover', dns: check([WRONG]) },
        { action: 'fence', incidentId: 'orders-game-day-1-2-fence', dns: check([]) },
        { action: 'failback', incidentId: 'orders-game-day-1-4-failback' },
      ],
    });

    // Assess
    expect(found).toEqual([`after the failover leg orders-game-day-1-1-failover: ${WRONG}`]);
  });

  it("leaves out what the drill's end already says", () => {
    // Act
    const found = legDnsDisagreements({
      dns: check([WRONG]),
      legs: [{ action: 'failover', incidentId: 'orders-1', dns: check([WRONG]) }],
    });

    // Assess
    expect(found).toEqual([]);
  });
});
