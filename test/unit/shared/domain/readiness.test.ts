import type { RecordTarget } from '../../../../shared/domain/dns-answers';
import type { RecordSetReading } from '../../../../shared/domain/preflight';
import {
  type AlarmReading,
  assessReadiness,
  projectRto,
  type ReadinessReadings,
  recordsByReadiness,
} from '../../../../shared/domain/readiness';
import type { RestoreTestRecord } from '../../../../shared/domain/restore-test';
import type { RunRecord } from '../../../../shared/domain/run';
import type { FailoverRecord, Plan } from '../../../../shared/plan/schema';
import { ARC_SWITCH, ordersPlan } from '../../../support/plan-fixtures';

const AT = new Date('2026-11-25T03:00:00.000Z');

const record = (setIdentifier: string, failover: 'PRIMARY' | 'SECONDARY', ttl = 60): RecordSetReading => ({
  setIdentifier,
  routing: 'failover',
  failover,
  ttl,
  healthCheckId: `hc-${setIdentifier}`,
  alias: false,
});

const readings = (overrides: Partial<ReadinessReadings> = {}): ReadinessReadings => ({
  preflightFindings: [],
  records: [
    {
      hostedZoneId: 'Z0123456789ORDERSAPI',
      name: 'api.orders.example.com',
      type: 'CNAME',
      records: [record('api-us-east-1', 'PRIMARY'), record('api-us-west-2', 'SECONDARY')],
    },
  ],
  alarms: [
    {
      name: 'orders-primary-health',
      alarm: { healthCheckIds: ['hc-api-us-east-1'], periodSeconds: 60, evaluationPeriods: 1 },
    },
  ],
  healthChecks: [{ id: 'hc-api-us-east-1', config: { intervalSeconds: 30, failureThreshold: 3 } }],
  lags: [
    { id: 'orders-db', lagSeconds: 2 },
    { id: 'catalog', lagSeconds: 0.5 },
  ],
  backupWarnings: [],
  history: [],
  ...overrides,
});

const recoveredRun = (promoteSeconds: number): RunRecord =>
  ({
    outcome: 'recovered',
    phases: [{ name: 'promote', startedAt: '', endedAt: '', seconds: promoteSeconds }],
  }) as unknown as RunRecord;

describe('projectRto', () => {
  it('adds detection, promotion from published figures, DNS and orchestration, each with its source', () => {
    const projected = projectRto(ordersPlan(), readings());
    expect(projected.terms).toEqual({
      detection: { seconds: 150, source: 'health check 30 s x 3 + alarm 60 s x 1' },
      promotion: { seconds: 240, source: 'published figures (no recorded run of this plan)' },
      dns: { seconds: 120, source: 'TTL 60 s + propagation 60 s' },
      orchestration: { seconds: 5, source: 'Step Functions and EventBridge p99 latencies' },
    });
    expect(projected).toMatchObject({ seconds: 515, budgetSeconds: 900, withinBudget: true });
  });

  it('adds the switch alarm period and Route 53 read of the alarm to DNS instead of propagation for an alarm-health-check plan', () => {
    // Prepare
    const plan = ordersPlan({ dnsSwitch: { method: 'alarm-health-check', alarmName: 'orders-primary-out' } });

    // Act
    const projected = projectRto(plan, readings());

    // Assess
    expect(projected.terms.dns).toEqual({
      seconds: 150,
      source: 'TTL 60 s + switch alarm period 60 s + Route 53 read of the alarm 30 s',
    });
    expect(projected.seconds).toBe(545);
  });

  it("takes promotion from this plan's own recovered runs when there are some (the slowest)", () => {
    const projected = projectRto(ordersPlan(), readings({ history: [recoveredRun(200), recoveredRun(310)] }));
    expect(projected.terms.promotion).toEqual({ seconds: 310, source: 'slowest of 2 recorded runs of this plan' });
  });

  it('falls back to the Route 53 defaults when no health check could be read', () => {
    const projected = projectRto(ordersPlan(), readings({ healthChecks: [], alarms: [] }));
    expect(projected.terms.detection.source).toBe(
      'health check 30 s x 3 (Route 53 defaults) + alarm 60 s x 1 (no alarm read)',
    );
  });
});

describe('assessReadiness', () => {
  it('is ready when nothing is found and the projection fits the budget', () => {
    const readiness = assessReadiness(ordersPlan(), readings(), AT);
    expect(readiness).toMatchObject({ plan: 'orders', ready: true, findings: [], replicaLagSeconds: 2 });
  });

  it("keeps an ARC plan's failover records as read, with their TTL, for its verify steps and later runs; none of a route53-records plan's", () => {
    // Prepare: what each record answers, a pair of a type whose answers are not compared (kept: it was read, which a
    // later run that cannot read it goes by), and a pair not read (not kept).
    const read = readings();
    const pair = read.records[0];
    if (!pair) throw new Error('the fixture has a record pair');
    pair.records = [
      { ...record('api-us-east-1', 'PRIMARY'), target: { values: ['api.us-east-1.orders.example.com'] } },
      { ...record('api-us-west-2', 'SECONDARY'), target: { alias: 'orders-west.elb.amazonaws.com' } },
      // Not a failover record: DNS never answers it for the pair.
      {
        setIdentifier: 'api-weighted',
        routing: 'weighted',
        alias: false,
        target: { values: ['elsewhere.example.com'] },
      },
    ];
    read.records.push(
      { hostedZoneId: 'Z0123456789ORDERSAPI', name: 'orders.example.com', type: 'TXT', records: [] },
      {
        hostedZoneId: 'Z0123456789ORDERSAPI',
        name: 'www.orders.example.com',
        type: 'A',
        records: [],
        error: 'Throttling',
      },
    );
    const planPair = (host: string, name: string, type: FailoverRecord['type']): FailoverRecord => ({
      name,
      type,
      primarySetIdentifier: `${host}-us-east-1`,
      standbySetIdentifier: `${host}-us-west-2`,
    });
    const arcPlan = ordersPlan({
      dnsSwitch: ARC_SWITCH,
      dns: [
        {
          hostedZoneId: 'Z0123456789ORDERSAPI',
          records: [
            planPair('api', 'api.orders.example.com', 'CNAME'),
            planPair('txt', 'orders.example.com', 'TXT'),
            planPair('www', 'www.orders.example.com', 'A'),
          ],
        },
      ],
    });

    // Act
    const arc = assessReadiness(arcPlan, read, AT);
    const records = assessReadiness(ordersPlan(), read, AT);

    // Assess
    expect(arc.records).toEqual([
      {
        hostedZoneId: 'Z0123456789ORDERSAPI',
        name: 'api.orders.example.com',
        type: 'CNAME',
        records: [
          {
            setIdentifier: 'api-us-east-1',
            failover: 'PRIMARY',
            target: { values: ['api.us-east-1.orders.example.com'] },
          },
          { setIdentifier: 'api-us-west-2', failover: 'SECONDARY', target: { alias: 'orders-west.elb.amazonaws.com' } },
        ],
        ttl: 60,
      },
      { hostedZoneId: 'Z0123456789ORDERSAPI', name: 'orders.example.com', type: 'TXT', records: [] },
    ]);
    expect(records).not.toHaveProperty('records');
  });

  it('is not ready when both records of a pair answer the same: a failover to the standby changes nothing', () => {
    // Prepare: the standby record a copy of the primary's (the same CNAME target, written another way); then alias
    // records to the same load balancer; then a pair that does fail over.
    const withTargets = (primary: RecordTarget, standby: RecordTarget): ReadinessReadings => {
      const read = readings();
      const pair = read.records[0];
      if (!pair) throw new Error('the fixture has a record pair');
      pair.records = [
        { ...record('api-us-east-1', 'PRIMARY'), target: primary },
        { ...record('api-us-west-2', 'SECONDARY'), target: standby },
      ];
      return read;
    };
    const east = 'orders-east.us-east-1.elb.amazonaws.com';

    // Act
    const copied = assessReadiness(
      ordersPlan(),
      withTargets({ values: [east] }, { values: [`${east.toUpperCase()}.`] }),
      AT,
    );
    const aliased = assessReadiness(ordersPlan(), withTargets({ alias: east }, { alias: east }), AT);
    const apart = assessReadiness(
      ordersPlan(),
      withTargets({ alias: east }, { alias: 'orders-west.us-west-2.elb.amazonaws.com' }),
      AT,
    );

    // Assess
    expect(copied.ready).toBe(false);
    expect(copied.findings).toEqual([
      {
        check: 'record-targets',
        resource: 'route53:Z0123456789ORDERSAPI/api.orders.example.com/CNAME',
        expected: "api-us-west-2 answering the standby region's endpoint, api-us-east-1 the primary region's",
        found: `both answer ${east}`,
        fix: "point api-us-west-2 at us-west-2's endpoint: a failover to it would change nothing users reach",
      },
    ]);
    expect(aliased.findings.map((finding) => finding.found)).toEqual([`both answer alias to ${east}`]);
    expect(apart.findings).toEqual([]);
    expect(apart.ready).toBe(true);
  });

  it('is not ready when the TTL alone breaks the RTO budget', () => {
    const slow = readings();
    const pair = slow.records[0];
    if (pair) pair.records = [record('api-us-east-1', 'PRIMARY', 900), record('api-us-west-2', 'SECONDARY', 900)];
    const readiness = assessReadiness(ordersPlan(), slow, AT);
    expect(readiness.ready).toBe(false);
    expect(readiness.findings.map((f) => f.check)).toEqual(['ttl-within-rto', 'projected-rto']);
  });

  it('is not ready when a preflight check fails', () => {
    const finding = {
      check: 'standby-exists' as const,
      resource: 'rds:us-west-2:orders-db-replica',
      expected: 'x',
      found: 'no such DB instance',
      fix: 'create it',
    };
    expect(assessReadiness(ordersPlan(), readings({ preflightFindings: [finding] }), AT).findings).toEqual([finding]);
  });

  it('names a missing alarm, an alarm on another health check and a missing health check', () => {
    const readiness = assessReadiness(
      ordersPlan({ trigger: { alarms: ['orders-primary-health', 'orders-other'] } }),
      readings({
        alarms: [
          { name: 'orders-primary-health' },
          { name: 'orders-other', alarm: { healthCheckIds: ['hc-else'], periodSeconds: 60, evaluationPeriods: 1 } },
        ],
        healthChecks: [{ id: 'hc-api-us-east-1' }],
      }),
      AT,
    );
    expect(readiness.findings.map((f) => `${f.check} ${f.resource}`)).toEqual([
      'health-check-exists route53:healthcheck/hc-api-us-east-1',
      'alarm-exists cloudwatch:alarm/orders-primary-health',
      'alarm-watches-health-check cloudwatch:alarm/orders-other',
    ]);
  });

  it("does not ask an ARC or alarm-health-check plan's trigger alarm to watch its records' health checks (the switch's)", () => {
    // Prepare: the records carry the routing control's health check; the alarm watches the endpoint's.
    const switched = (dnsSwitch: Plan['dnsSwitch']) =>
      assessReadiness(
        ordersPlan({ dnsSwitch }),
        readings({
          alarms: [
            {
              name: 'orders-primary-health',
              alarm: { healthCheckIds: ['hc-endpoint'], periodSeconds: 60, evaluationPeriods: 1 },
            },
          ],
        }),
        AT,
      ).findings.map((f) => f.check);

    // Act
    const arc = switched(ARC_SWITCH);

    const alarmSwitch = switched({ method: 'alarm-health-check', alarmName: 'orders-primary-out' });
    const records = switched({ method: 'route53-records' });

    // Assess
    expect(arc).not.toContain('alarm-watches-health-check');
    expect(alarmSwitch).not.toContain('alarm-watches-health-check');
    expect(records).toContain('alarm-watches-health-check');
  });

  it('is not ready when the lag exceeds the RPO budget or is unknown, or backups are stale', () => {
    const readiness = assessReadiness(
      ordersPlan(),
      readings({
        lags: [
          { id: 'orders-db', lagSeconds: 95 },
          { id: 'catalog', lagSeconds: null },
        ],
        backupWarnings: ['orders-db cross-region backup copy is 900 s old, limit 600 s'],
      }),
      AT,
    );
    expect(readiness.findings.map((f) => `${f.check} ${f.found}`)).toEqual([
      'lag-within-rpo lag 95 s',
      'lag-within-rpo no lag datapoint',
      'backups-fresh orders-db cross-region backup copy is 900 s old, limit 600 s',
    ]);
    expect(readiness.replicaLagSeconds).toBeNull();
  });

  it('names a primary record without a health check', () => {
    const bare = readings();
    const pair = bare.records[0];
    if (pair)
      pair.records = [
        { ...record('api-us-east-1', 'PRIMARY'), healthCheckId: undefined },
        record('api-us-west-2', 'SECONDARY'),
      ];
    const readiness = assessReadiness(ordersPlan(), bare, AT);
    expect(readiness.findings.map((f) => f.check)).toContain('record-health-check');
  });
});

describe('assessReadiness with restore tests', () => {
  const restoreTestPlan = () =>
    ordersPlan({
      backups: { restoreTest: { subnetGroup: 'rt', securityGroup: 'sg-0a1b2c3d4e5f60789', maxAgeDays: 7 } },
    });
  const passed = (databaseId: string, startedAt: string, secondsToAvailable: number) =>
    ({ plan: 'orders', databaseId, startedAt, passed: true, secondsToAvailable }) as RestoreTestRecord;

  it('flags a database whose newest passing restore test is too old or slower than the RTO budget', () => {
    const readiness = assessReadiness(
      restoreTestPlan(),
      readings({
        restoreTests: [
          passed('orders-db', '2026-11-10T03:00:00.000Z', 600),
          passed('catalog', '2026-11-24T03:00:00.000Z', 1000),
        ],
      }),
      AT,
    );
    expect(readiness.ready).toBe(false);
    expect(readiness.findings.filter((f) => f.check === 'restore-test').map((f) => f.found)).toEqual([
      'orders-db: no passing restore test within 7 days (newest 2026-11-10T03:00:00.000Z, 15 days old)',
      'catalog: restoring from backup took 1000 s, over the RTO budget of 900 s',
    ]);
  });

  it('is ready when every database passed a recent restore test within the RTO budget', () => {
    const readiness = assessReadiness(
      restoreTestPlan(),
      readings({
        restoreTests: [
          passed('orders-db', '2026-11-24T03:00:00.000Z', 600),
          passed('catalog', '2026-11-24T03:00:00.000Z', 700),
        ],
      }),
      AT,
    );
    expect(readiness.findings.filter((f) => f.check === 'restore-test')).toEqual([]);
  });

  it('warns, without making the plan not ready, about a database with no restore test on record yet (a fresh deployment)', () => {
    const readiness = assessReadiness(
      restoreTestPlan(),
      readings({ restoreTests: [passed('catalog', '2026-11-24T03:00:00.000Z', 700)] }),
      AT,
    );
    expect(readiness.ready).toBe(true);
    expect(readiness.findings).toEqual([
      expect.objectContaining({
        check: 'restore-test',
        found: "orders-db: no restore test on record yet (the plan's restore-test schedule has not run)",
        fix: expect.stringMatching(
          /^run `switchback restore-test --plan orders` now, or let the schedule \(.+\) run it$/,
        ),
        warning: true,
      }),
    ]);
  });

  it('is not ready when a warning comes with a finding: only warnings leave a plan ready', () => {
    const readiness = assessReadiness(
      restoreTestPlan(),
      readings({ restoreTests: [], lags: [{ id: 'orders-db', lagSeconds: 600 }] }),
      AT,
    );
    expect(readiness.ready).toBe(false);
    expect(readiness.findings.map((f) => [f.check, f.warning ?? false])).toEqual([
      ['lag-within-rpo', false],
      ['restore-test', true],
      ['restore-test', true],
    ]);
  });
});

describe("assessReadiness: a record pair Route 53's API did not answer (us-east-1 down)", () => {
  const PAIR = 'route53:Z0123456789ORDERSAPI/api.orders.example.com/CNAME';
  const arcPlan = () => ordersPlan({ dnsSwitch: ARC_SWITCH });
  /** The pair read, with a record finding of the preflight's (the standby record is weighted)... */
  const answered = (): ReadinessReadings => {
    const read = readings({
      preflightFindings: [
        {
          check: 'record-failover',
          resource: `${PAIR}/api-us-west-2`,
          expected: 'a failover record (SECONDARY)',
          found: 'a weighted record',
          fix: 'make it a failover record',
        },
      ],
    });
    const pair = read.records[0];
    if (!pair) throw new Error('the fixture has a record pair');
    pair.records = [
      { ...record('api-us-east-1', 'PRIMARY'), target: { values: ['api.us-east-1.orders.example.com'] } },
      { ...record('api-us-west-2', 'SECONDARY'), target: { values: ['api.us-west-2.orders.example.com'] } },
    ];
    return read;
  };
  /** ...then the same pair unread: the API took no answer at all, or refused. */
  const unreadWith = (error: string, unanswered: boolean): ReadinessReadings => ({
    ...readings({
      records: [
        {
          hostedZoneId: 'Z0123456789ORDERSAPI',
          name: 'api.orders.example.com',
          type: 'CNAME',
          records: [],
          error,
          ...(unanswered ? { unanswered: true as const } : {}),
        },
      ],
      unread: [{ resource: PAIR, call: 'route53:ListResourceRecordSets', error }],
    }),
  });
  const UNANSWERED = 'EndpointUnreachableError: route53 ListResourceRecordSets got no answer from its endpoint';
  const later = (hours: number) => new Date(AT.getTime() + hours * 3600_000);
  const recordFindings = (findings: { check: string; resource: string }[]) =>
    findings.filter((finding) => finding.resource.startsWith(PAIR) && finding.check !== 'could-not-check');

  it('keeps the records and record findings of the run before, each with when it was read, and still says it could not read them', () => {
    // Prepare
    const plan = arcPlan();
    const before = assessReadiness(plan, answered(), AT);
    expect(recordFindings(before.findings).length).toBeGreaterThan(0);

    // Act
    const during = assessReadiness(plan, unreadWith(UNANSWERED, true), later(0.25), before);

    // Assess
    expect(during.carriedRecords).toEqual([{ resource: PAIR, readAt: AT.toISOString() }]);
    expect(during.records).toEqual(before.records?.map((pair) => ({ ...pair, readAt: AT.toISOString() })));
    expect(recordFindings(during.findings)).toEqual(
      recordFindings(before.findings).map((finding) => ({ ...finding, readAt: AT.toISOString() })),
    );
    expect(during.findings).toContainEqual(expect.objectContaining({ check: 'could-not-check', resource: PAIR }));
    expect(during.ready).toBe(false);
  });

  it('keeps the first reading through a run after run of the outage, for 24 hours at most', () => {
    // Prepare
    const plan = arcPlan();
    const before = assessReadiness(plan, answered(), AT);
    const first = assessReadiness(plan, unreadWith(UNANSWERED, true), later(0.25), before);

    // Act
    const second = assessReadiness(plan, unreadWith(UNANSWERED, true), later(23.5), first);
    const dayLater = assessReadiness(plan, unreadWith(UNANSWERED, true), later(24.25), second);

    // Assess
    expect(second.carriedRecords).toEqual([{ resource: PAIR, readAt: AT.toISOString() }]);
    expect(second.records?.[0]?.readAt).toBe(AT.toISOString());
    expect(dayLater.carriedRecords).toBeUndefined();
    expect(dayLater.records).toEqual([]);
    expect(recordFindings(dayLater.findings)).toEqual([]);
  });

  it('keeps nothing when the API answered with a refusal (records may change meanwhile), or nothing was read before', () => {
    // Prepare
    const plan = arcPlan();
    const before = assessReadiness(plan, answered(), AT);
    const refused = 'AccessDenied: not authorized to perform route53:ListResourceRecordSets';

    // Act
    const afterRefusal = assessReadiness(plan, unreadWith(refused, false), later(0.25), before);
    const unreadBefore = assessReadiness(plan, unreadWith(UNANSWERED, true), later(0.25), afterRefusal);
    const withoutPrevious = assessReadiness(plan, unreadWith(UNANSWERED, true), later(0.25));

    // Assess
    for (const readiness of [afterRefusal, unreadBefore, withoutPrevious]) {
      expect(readiness.carriedRecords).toBeUndefined();
      expect(readiness.records).toEqual([]);
      expect(recordFindings(readiness.findings)).toEqual([]);
    }
  });

  it('never carries a pair the run before did not read: one added to the plan since stays unread, for readiness and for assess', () => {
    // Prepare: the run before read the plan's one pair; then the plan gained a second, and Route 53's API answers neither
    const WWW = 'route53:Z0123456789ORDERSAPI/www.orders.example.com/CNAME';
    const before = assessReadiness(arcPlan(), answered(), AT);
    const grown = arcPlan();
    const zone = grown.dns[0];
    if (!zone) throw new Error('the fixture has a zone');
    zone.records.push({
      name: 'www.orders.example.com',
      type: 'CNAME',
      primarySetIdentifier: 'www-us-east-1',
      standbySetIdentifier: 'www-us-west-2',
    });
    const unread = unreadWith(UNANSWERED, true);
    unread.records.push({
      hostedZoneId: 'Z0123456789ORDERSAPI',
      name: 'www.orders.example.com',
      type: 'CNAME',
      records: [],
      error: UNANSWERED,
      unanswered: true,
    });
    unread.unread?.push({ resource: WWW, call: 'route53:ListResourceRecordSets', error: UNANSWERED });

    // Act
    const during = assessReadiness(grown, unread, later(0.25), before);
    const assess = recordsByReadiness(grown, during, later(0.5));

    // Assess: the pair read before is kept; the new one is not, and assess says it could not be read
    expect(during.carriedRecords).toEqual([{ resource: PAIR, readAt: AT.toISOString() }]);
    expect(during.records?.map((pair) => pair.name)).toEqual(['api.orders.example.com']);
    expect(during.findings).toContainEqual(expect.objectContaining({ check: 'could-not-check', resource: WWW }));
    expect(assess.note).toContain(`it could not read ${WWW}`);
    expect(assess.note).not.toContain('found every record pair in place');
  });

  it("counts a kept pair's TTL, as read before, in the projected RTO", () => {
    // Prepare: the pair's records read with a TTL of 600 s
    const read = answered();
    const pair = read.records[0];
    if (!pair) throw new Error('the fixture has a record pair');
    pair.records = pair.records.map((one) => ({ ...one, ttl: 600 }));
    const before = assessReadiness(arcPlan(), read, AT);

    // Act
    const during = assessReadiness(arcPlan(), unreadWith(UNANSWERED, true), later(0.25), before);
    const refused = assessReadiness(arcPlan(), unreadWith('AccessDenied: no', false), later(0.25), before);

    // Assess: the DNS term as before (not a TTL of 0); a refusal keeps nothing, and no TTL with it
    expect(before.records?.[0]?.ttl).toBe(600);
    expect(during.projectedRto.terms.dns).toEqual(before.projectedRto.terms.dns);
    expect(during.projectedRto.terms.dns.source).toContain('TTL 600 s');
    expect(refused.projectedRto.terms.dns.source).toContain('TTL 0 s');
  });

  it('carries nothing for a route53-records plan, whose live path reads the records itself', () => {
    // Prepare
    const before = assessReadiness(ordersPlan(), answered(), AT);

    // Act
    const during = assessReadiness(ordersPlan(), unreadWith(UNANSWERED, true), later(0.25), before);

    // Assess
    expect(during).not.toHaveProperty('carriedRecords');
    expect(recordFindings(during.findings)).toEqual([]);
  });
});

describe("assessReadiness: an alarm-health-check plan's switch alarm", () => {
  const alarmPlan = () => ordersPlan({ dnsSwitch: { method: 'alarm-health-check', alarmName: 'orders-primary-out' } });
  /** The switch alarm as the README has it, with `changes` applied to what it watches. */
  const switchAlarm = (
    changes: Partial<NonNullable<NonNullable<AlarmReading['alarm']>['metric']>> = {},
    periodSeconds = 60,
  ): AlarmReading => ({
    name: 'orders-primary-out',
    alarm: {
      healthCheckIds: [],
      periodSeconds,
      evaluationPeriods: 1,
      metric: {
        namespace: 'Switchback/DnsSwitch',
        name: 'PrimaryOut',
        dimensions: [{ name: 'plan', value: 'orders' }],
        comparison: 'GreaterThanOrEqualToThreshold',
        threshold: 1,
        treatMissingData: 'ignore',
        ...changes,
      },
    },
  });
  const switchFindings = (reading: ReadinessReadings['switchAlarm']) =>
    assessReadiness(alarmPlan(), readings({ switchAlarm: reading }), AT).findings.filter(
      (finding) => finding.check === 'switch-alarm' || finding.resource === 'cloudwatch:alarm/orders-primary-out',
    );

  it('finds nothing in an alarm that does what a switch needs', () => {
    expect(switchFindings(switchAlarm())).toEqual([]);
    expect(switchFindings(switchAlarm({ comparison: 'GreaterThanThreshold', threshold: 0.5 }))).toEqual([]);
  });

  it('is not ready when the switch alarm does not exist, or cannot be read', () => {
    // Act
    const missing = assessReadiness(alarmPlan(), readings({ switchAlarm: { name: 'orders-primary-out' } }), AT);
    const unread = switchFindings({ name: 'orders-primary-out', error: 'AccessDenied: no' });

    // Assess
    expect(missing.ready).toBe(false);
    expect(missing.findings).toContainEqual(
      expect.objectContaining({
        check: 'switch-alarm',
        found: 'no such alarm in us-west-2: a failover publishes the switch and DNS does not move',
      }),
    );
    expect(unread).toEqual([expect.objectContaining({ check: 'could-not-check' })]);
  });

  it.each([
    [
      'watches another plan',
      { dimensions: [{ name: 'plan', value: 'billing' }] },
      "a failover's switch never reaches it",
    ],
    ['watches another metric', { name: 'PrimaryIn' }, "a failover's switch never reaches it"],
    ['goes ALARM on 0', { comparison: 'LessThanThreshold', threshold: 1 }, 'LessThanThreshold 1'],
    ['stays OK on 1', { threshold: 2 }, 'GreaterThanOrEqualToThreshold 2'],
    [
      'fails DNS back once the datapoint ages out',
      { treatMissingData: 'notBreaching' },
      'TreatMissingData notBreaching',
    ],
    ['treats missing data as missing', { treatMissingData: undefined }, 'TreatMissingData missing'],
  ] as const)('is not ready when the switch alarm %s, naming what it found', (_, changes, found) => {
    // Act
    const findings = switchFindings(switchAlarm(changes));

    // Assess
    expect(findings).toEqual([
      expect.objectContaining({ check: 'switch-alarm', found: expect.stringContaining(found) }),
    ]);
    expect(assessReadiness(alarmPlan(), readings({ switchAlarm: switchAlarm(changes) }), AT).ready).toBe(false);
  });

  it('names a high-resolution switch alarm, which Route 53 cannot read', () => {
    expect(switchFindings(switchAlarm({}, 10))).toEqual([
      expect.objectContaining({ check: 'switch-alarm', found: 'a period of 10 s' }),
    ]);
  });

  it('checks no switch alarm of a plan that switches DNS another way', () => {
    expect(
      assessReadiness(ordersPlan(), readings({ switchAlarm: { name: 'orders-primary-out' } }), AT).findings.filter(
        (finding) => finding.check === 'switch-alarm',
      ),
    ).toEqual([]);
  });
});
