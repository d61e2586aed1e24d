import { foundAsRead } from '../../../../shared/domain/found-as-read';
import { preflight } from '../../../../shared/domain/preflight';
import type { PlanReadiness, ReadinessFinding } from '../../../../shared/domain/readiness';
import { recordsByReadiness } from '../../../../shared/domain/readiness';
import { renderReadinessChange } from '../../../../shared/notify/readiness';
import { arcOrdersPlan } from '../../../support/plan-fixtures';
import { planReadiness } from '../../../support/readiness-fixtures';

const NOW = new Date('2026-11-25T03:40:00.000Z');

const arcPlan = arcOrdersPlan;

const missingRecord: ReadinessFinding = {
  check: 'record-exists',
  resource: 'route53:Z0123456789ORDERSAPI/api.orders.example.com/CNAME/api-us-west-2',
  expected: 'a failover record api.orders.example.com CNAME with set identifier api-us-west-2',
  found: 'only api-us-east-1',
  fix: "create the standby region's failover record api-us-west-2",
};

const readiness = (at: string, findings: ReadinessFinding[]): PlanReadiness =>
  planReadiness({ at, ready: findings.every((finding) => finding.warning), findings });

describe('recordsByReadiness', () => {
  it("carries a current readiness's record findings as preflight findings, saying whose they are and how to clear them", () => {
    // Act
    const { findings, note } = recordsByReadiness(
      arcPlan(),
      readiness('2026-11-25T03:30:00.000Z', [missingRecord]),
      NOW,
    );

    // Assess
    expect(findings).toEqual([
      {
        check: 'record-exists',
        resource: missingRecord.resource,
        expected: missingRecord.expected,
        found: "only api-us-east-1 (the plan's readiness at 2026-11-25T03:30:00.000Z)",
        fix: `create the standby region's failover record api-us-west-2; then run the plan's readiness again (every 15 min, or now: switchback readiness --plan orders --record) and start the failover again`,
      },
    ]);
    expect(note).toBe(
      "records not read: an arc-routing-control plan's live failover does not call Route 53's API (us-east-1): the plan's readiness at 2026-11-25T03:30:00.000Z found a record finding",
    );
  });

  it('leaves out the findings that are not about records, and warnings', () => {
    // Prepare
    const others: ReadinessFinding[] = [
      { ...missingRecord, check: 'ttl-within-rto', found: 'TTL 900 s' },
      { ...missingRecord, check: 'record-roles', warning: true },
      { ...missingRecord, check: 'lag-within-rpo', resource: 'rds:us-west-2:orders-db-replica' },
    ];

    // Act
    const { findings, note } = recordsByReadiness(arcPlan(), readiness('2026-11-25T03:30:00.000Z', others), NOW);

    // Assess
    expect(findings).toEqual([]);
    expect(note).toMatch(/: the plan's readiness at 2026-11-25T03:30:00.000Z found every record pair in place$/);
  });

  it('goes by a readiness up to two scheduled runs old, and says so of an older one instead of stopping the run', () => {
    // Prepare: every 15 minutes by default; two runs before NOW is 03:10.
    const plan = arcPlan();

    // Act
    const current = recordsByReadiness(plan, readiness('2026-11-25T03:10:00.000Z', [missingRecord]), NOW);
    const stale = recordsByReadiness(plan, readiness('2026-11-25T03:09:59.000Z', [missingRecord]), NOW);
    const hourly = recordsByReadiness(
      { ...plan, readiness: { scheduleMinutes: 60 } },
      readiness('2026-11-25T02:00:00.000Z', [missingRecord]),
      NOW,
    );

    // Assess
    expect(current.findings).toHaveLength(1);
    expect(stale.findings).toEqual([]);
    expect(stale.note).toBe(
      "records not read: an arc-routing-control plan's live failover does not call Route 53's API (us-east-1), and the plan's last readiness ran at 2026-11-25T03:09:59.000Z, more than two of its runs (every 15 min) ago: record checks skipped; check the plan's readiness schedule",
    );
    expect(hourly.findings).toHaveLength(1);
  });

  it('does not go by a readiness from before the last failover or failback (the records had other roles)', () => {
    // Act
    const { findings, note } = recordsByReadiness(
      arcPlan(),
      readiness('2026-11-25T03:30:00.000Z', [missingRecord]),
      NOW,
      '2026-11-25T03:35:00.000Z',
    );

    // Assess
    expect(findings).toEqual([]);
    expect(note).toMatch(
      /, and the plan's last readiness \(2026-11-25T03:30:00.000Z\) ran before its topology last changed \(2026-11-25T03:35:00.000Z\): record checks skipped$/,
    );
  });

  it("says which pairs the readiness kept from an earlier run and which it could not read, never 'every record pair in place'", () => {
    // Prepare: Route 53's API took no answer for the plan's pair; an earlier run's reading was kept, with its record
    // finding; then a run that kept nothing (no earlier reading to keep).
    const PAIR = 'route53:Z0123456789ORDERSAPI/api.orders.example.com/CNAME';
    const couldNot: ReadinessFinding = {
      check: 'could-not-check',
      resource: PAIR,
      expected: 'an answer to route53:ListResourceRecordSets',
      found: 'EndpointUnreachableError: route53 ListResourceRecordSets got no answer from its endpoint',
      fix: 'check that the readiness role may call route53:ListResourceRecordSets and that the service answers',
    };
    const kept = planReadiness({
      at: '2026-11-25T03:30:00.000Z',
      ready: false,
      findings: [couldNot, { ...missingRecord, readAt: '2026-11-25T02:45:00.000Z' }],
      carriedRecords: [{ resource: PAIR, readAt: '2026-11-25T02:45:00.000Z' }],
    });
    const unread = planReadiness({ at: '2026-11-25T03:30:00.000Z', ready: false, findings: [couldNot] });

    // Act
    const fromKept = recordsByReadiness(arcPlan(), kept, NOW);
    const fromUnread = recordsByReadiness(arcPlan(), unread, NOW);

    // Assess: the kept finding still stops the run, saying when it was read.
    expect(fromKept.findings).toEqual([
      expect.objectContaining({
        check: 'record-exists',
        found: "only api-us-east-1 (as the plan's readiness read it at 2026-11-25T02:45:00.000Z)",
      }),
    ]);
    expect(fromKept.note).toBe(
      `records not read: an arc-routing-control plan's live failover does not call Route 53's API (us-east-1): the plan's readiness at 2026-11-25T03:30:00.000Z found a record finding; it kept ${PAIR} as read at 2026-11-25T02:45:00.000Z (Route 53's API did not answer it)`,
    );
    expect(fromUnread.findings).toEqual([]);
    expect(fromUnread.note).toBe(
      `records not read: an arc-routing-control plan's live failover does not call Route 53's API (us-east-1): the plan's readiness at 2026-11-25T03:30:00.000Z found no record finding in what it read; it could not read ${PAIR}: record checks skipped for it`,
    );
  });

  it('says when no readiness of the plan is on record', () => {
    expect(recordsByReadiness(arcPlan(), undefined, NOW)).toEqual({
      findings: [],
      note: "records not read: an arc-routing-control plan's live failover does not call Route 53's API (us-east-1), and no readiness of plan orders is on record: record checks skipped",
    });
  });
});

describe('preflight with the record findings of readiness', () => {
  it('stops on them when the run did not read the records, and only then', () => {
    // Prepare
    const plan = arcPlan();
    const [carried] = recordsByReadiness(plan, readiness('2026-11-25T03:30:00.000Z', [missingRecord]), NOW).findings;
    if (!carried) throw new Error('expected the finding carried from readiness');
    const base = { databases: [], claims: [] };

    // Act
    const notRead = preflight(
      plan,
      { ...base, records: [], recordsNotRead: 'records not read', recordFindings: [carried] },
      { switchover: false },
    );

    // Assess
    expect(notRead).toContainEqual(carried);
    const read = preflight(plan, { ...base, records: [], recordFindings: [carried] }, { switchover: false });
    expect(read).not.toContainEqual(carried);
  });
});

describe('a record finding readiness carried from an earlier run, as people read it', () => {
  it('says when it was read, in the Slack message of a readiness change', () => {
    // Prepare
    const carried: ReadinessFinding = { ...missingRecord, readAt: '2026-11-25T02:45:00.000Z' };

    // Act
    const message = renderReadinessChange({
      plan: 'orders',
      at: '2026-11-25T03:30:00.000Z',
      wasReady: true,
      ready: false,
      appeared: [carried, missingRecord],
      cleared: [],
    });

    // Assess
    expect(foundAsRead(missingRecord)).toBe('only api-us-east-1');
    expect(foundAsRead(carried)).toBe(
      "only api-us-east-1 (as read at 2026-11-25T02:45:00.000Z; Route 53's API has not answered since)",
    );
    expect(JSON.stringify(message.blocks)).toContain(
      "found only api-us-east-1 (as read at 2026-11-25T02:45:00.000Z; Route 53's API has not answered since)",
    );
  });
});
