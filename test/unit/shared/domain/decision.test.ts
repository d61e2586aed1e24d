import { decide, skipReason, worstLag } from '../../../../shared/domain/decision';
import type { DatabaseAssessment, Trigger } from '../../../../shared/domain/run';
import { planTopology, type Topology, topologyAfterFailover } from '../../../../shared/domain/topology';
import { ordersPlan } from '../../../support/plan-fixtures';

const NOW = new Date('2026-11-25T03:10:00.000Z');
const ALARM: Trigger = {
  type: 'alarm',
  alarmName: 'orders-primary-health',
  impactStartedAt: '2026-11-25T03:08:00.000Z',
};
const MANUAL: Trigger = { type: 'manual' };
/** The plan file's own topology, with ledger fields such as the last failover laid over it. */
const topology = (overrides: Partial<Topology> = {}): Topology => ({ ...planTopology(ordersPlan()), ...overrides });

/** Healthy readings: small lag, fresh backups and copies. */
const readings = (overrides: Partial<Record<'orders-db' | 'catalog', Partial<DatabaseAssessment>>> = {}) => [
  {
    id: 'orders-db',
    kind: 'rds-read-replica' as const,
    standbyStatus: 'available',
    alreadyPromoted: false,
    lagSeconds: 2,
    latestRestorableTime: '2026-11-25T03:07:00.000Z',
    latestCrossRegionCopy: '2026-11-25T03:05:00.000Z',
    ...overrides['orders-db'],
  },
  {
    id: 'catalog',
    kind: 'aurora-global' as const,
    standbyStatus: 'available',
    alreadyPromoted: false,
    lagSeconds: 0.4,
    latestRestorableTime: '2026-11-25T03:09:00.000Z',
    latestCrossRegionCopy: '2026-11-25T03:06:00.000Z',
    ...overrides.catalog,
  },
];

describe('decide', () => {
  it('proceeds without warnings when lag is within the RPO budget and backups are fresh', () => {
    // Act
    const assessment = decide(ordersPlan(), readings(), 'live', topology(), NOW, ALARM);

    // Assess
    expect(assessment.decision).toBe('proceed');
    expect(assessment.reasons).toEqual(['worst replica lag 2 s within RPO budget 60 s']);
    expect(assessment.warnings).toEqual([]);
    expect(assessment.maxLagSeconds).toBe(2);
    expect(assessment.decidedAt).toBe(NOW.toISOString());
    expect(assessment.approvalTimeoutSeconds).toBe(1800);
    expect(assessment.databases.map((db) => db.id)).toEqual(['orders-db', 'catalog']);
  });

  it('asks for approval naming the database and numbers when lag is over the RPO budget', () => {
    // Act
    const assessment = decide(ordersPlan(), readings({ 'orders-db': { lagSeconds: 95 } }), 'live', topology(), NOW);

    // Assess
    expect(assessment.decision).toBe('approve');
    expect(assessment.reasons).toEqual(['orders-db replica lag 95 s > RPO budget 60 s']);
    expect(assessment.maxLagSeconds).toBe(95);
  });

  it('asks for approval when a lag is unknown, and reports the worst lag as unknown', () => {
    // Act
    const assessment = decide(ordersPlan(), readings({ catalog: { lagSeconds: null } }), 'live', topology(), NOW);

    // Assess
    expect(assessment.decision).toBe('approve');
    expect(assessment.reasons).toEqual([
      'catalog replica lag unknown (no datapoint): the data at risk cannot be measured',
    ]);
    expect(assessment.maxLagSeconds).toBeNull();
  });

  it('proceeds when a database already promoted by an earlier attempt has no lag', () => {
    // Act
    const assessment = decide(
      ordersPlan(),
      readings({ 'orders-db': { alreadyPromoted: true, lagSeconds: null } }),
      'live',
      topology(),
      NOW,
    );

    // Assess: and says that what it lost is not this run's to measure
    expect(assessment.decision).toBe('proceed');
    expect(assessment.maxLagSeconds).toBe(0.4);
    expect(assessment.warnings).toContain(
      "orders-db: already promoted when this run began (by an earlier run or a person): the data it lost then was not measured by this run, which records no RPO; see the earlier run's record",
    );
  });

  it('always asks when the approval policy is always, even with no lag', () => {
    // Act
    const assessment = decide(ordersPlan({ trigger: { approval: 'always' } }), readings(), 'live', topology(), NOW);

    // Assess
    expect(assessment.decision).toBe('approve');
    expect(assessment.reasons[0]).toContain('trigger.approval: always');
  });

  it('proceeds when the approval policy is auto, even with lag over the budget', () => {
    // Act
    const assessment = decide(
      ordersPlan({ trigger: { approval: 'auto' } }),
      readings({ 'orders-db': { lagSeconds: 500 } }),
      'live',
      topology(),
      NOW,
    );

    // Assess
    expect(assessment.decision).toBe('proceed');
    expect(assessment.reasons[0]).toContain('trigger.approval: auto');
    expect(assessment.maxLagSeconds).toBe(500);
  });

  it('never pauses a dry run: approve becomes proceed with a warning saying what would be asked', () => {
    // Act
    const assessment = decide(ordersPlan(), readings({ 'orders-db': { lagSeconds: 95 } }), 'dry-run', topology(), NOW);

    // Assess
    expect(assessment.decision).toBe('proceed');
    expect(assessment.warnings).toEqual(['would request approval: orders-db replica lag 95 s > RPO budget 60 s']);
  });

  it('asks in a drill as in a live run', () => {
    // Act
    const assessment = decide(ordersPlan(), readings({ 'orders-db': { lagSeconds: 95 } }), 'game-day', topology(), NOW);

    // Assess
    expect(assessment.decision).toBe('approve');
  });

  it('skips when the plan already runs in its standby region, saying when and by whom', () => {
    // Prepare
    const planState = topologyAfterFailover(topology(), {
      toRegion: 'us-west-2',
      at: '2026-11-20T10:00:00.000Z',
      incidentId: 'orders-20261120T095800Z-0badc0de',
    });

    // Act
    const assessment = decide(ordersPlan(), readings(), 'live', planState, NOW, MANUAL);

    // Assess
    expect(assessment.decision).toBe('skip');
    expect(assessment.reasons).toEqual([
      'plan orders already failed over to us-west-2 at 2026-11-20T10:00:00.000Z by orders-20261120T095800Z-0badc0de:' +
        ' us-west-2 serves; the way back is a new standby (reprotect) and a planned failback to us-east-1',
    ]);
  });

  it('skips an alarm-started run within the cool-down after a failback', () => {
    // Prepare: failed back to the primary 10 minutes ago, cool-down one hour.
    const planState = topology({ lastFailoverAt: '2026-11-25T03:00:00.000Z', lastIncidentId: 'x' });

    // Act
    const alarm = decide(ordersPlan(), readings(), 'live', planState, NOW, ALARM);
    const manual = decide(ordersPlan(), readings(), 'live', planState, NOW, MANUAL);

    // Assess
    expect(alarm.decision).toBe('skip');
    expect(alarm.reasons[0]).toContain('cool-down');
    expect(alarm.reasons[0]).toContain('600 s ago');
    expect(manual.decision).toBe('proceed');
  });

  it('does not skip an alarm-started run after the cool-down has passed', () => {
    // Prepare
    const planState = topology({ lastFailoverAt: '2026-11-25T01:00:00.000Z' });

    // Act
    const assessment = decide(ordersPlan(), readings(), 'live', planState, NOW, ALARM);

    // Assess
    expect(assessment.decision).toBe('proceed');
  });

  it('warns, and still proceeds, when backups are older than the limit or the cross-region copy is missing', () => {
    // Act
    const assessment = decide(
      ordersPlan(),
      readings({
        'orders-db': { latestCrossRegionCopy: '2026-11-25T02:55:00.000Z' },
        catalog: { latestRestorableTime: '2026-11-25T02:55:00.000Z' },
      }),
      'live',
      topology(),
      NOW,
    );

    // Assess
    expect(assessment.decision).toBe('proceed');
    expect(assessment.warnings).toEqual([
      'orders-db cross-region backup copy is 900 s old, limit 600 s',
      'catalog newest restorable point is 900 s old, limit 600 s',
    ]);
  });

  it('warns about a missing cross-region copy of an RDS primary, but not of an Aurora global database', () => {
    // Act: neither has a replicated backup; the Aurora secondary is itself the copy.
    const assessment = decide(
      ordersPlan(),
      readings({ 'orders-db': { latestCrossRegionCopy: undefined }, catalog: { latestCrossRegionCopy: undefined } }),
      'live',
      topology(),
      NOW,
    );

    // Assess
    expect(assessment.warnings).toEqual([
      'orders-db has no cross-region backup copy in us-west-2 (backups.crossRegionCopy)',
    ]);
  });

  it("does not judge a read replica's own restorable time before it is promoted", () => {
    // Act: RDS for PostgreSQL replicas keep no automated backups of their own.
    const assessment = decide(
      ordersPlan(),
      readings({ 'orders-db': { latestRestorableTime: undefined } }),
      'live',
      topology(),
      NOW,
    );

    // Assess
    expect(assessment.warnings).toEqual([]);
  });

  it('does not warn about a restorable point RDS keeps 2 minutes behind when the plan sets no limit (RPO 60 s)', () => {
    // Prepare: restorable 120 s ago, RPO 60 s, copies not required: RDS cannot do better (aws-facts.md).
    const plan = ordersPlan({ backups: { maxAgeSeconds: undefined, crossRegionCopy: false } });

    // Act
    const assessment = decide(
      plan,
      readings({
        catalog: { latestRestorableTime: '2026-11-25T03:08:00.000Z' },
        'orders-db': { latestCrossRegionCopy: undefined },
      }),
      'live',
      topology(),
      NOW,
    );

    // Assess
    expect(assessment.warnings).toEqual([]);
  });

  it('warns past the default limit of 600 s when the plan sets none and its RPO budget is shorter', () => {
    // Prepare: restorable 720 s ago
    const plan = ordersPlan({ backups: { maxAgeSeconds: undefined, crossRegionCopy: false } });

    // Act
    const assessment = decide(
      plan,
      readings({
        catalog: { latestRestorableTime: '2026-11-25T02:58:00.000Z' },
        'orders-db': { latestCrossRegionCopy: undefined },
      }),
      'live',
      topology(),
      NOW,
    );

    // Assess
    expect(assessment.warnings).toEqual(['catalog newest restorable point is 720 s old, limit 600 s']);
  });

  it('warns when a standby has no restorable time, and leaves a missing standby to the preflight', () => {
    // Act
    const assessment = decide(
      ordersPlan({ trigger: { approval: 'auto' } }),
      readings({
        'orders-db': { standbyStatus: 'not-found', lagSeconds: null },
        catalog: { latestRestorableTime: undefined },
      }),
      'live',
      topology(),
      NOW,
    );

    // Assess
    expect(assessment.warnings).toEqual([
      'catalog has no restorable time: automated backups of the standby may be off',
    ]);
  });
});

describe('skipReason', () => {
  it('returns undefined when the plan never failed over', () => {
    // Act / Assess
    expect(skipReason(ordersPlan(), topology(), ALARM, NOW)).toBeUndefined();
  });
});

describe('worstLag', () => {
  it('returns 0 when every database is already promoted', () => {
    // Act / Assess
    expect(worstLag(readings({ 'orders-db': { alreadyPromoted: true }, catalog: { alreadyPromoted: true } }))).toBe(0);
  });
});

describe('decide with a question from readiness', () => {
  // What standbyHealthByReadiness asks when the plan's last readiness found the standby's endpoint failing.
  const ASK = 'a failover would move traffic to the us-west-2 endpoint, which failed its Route 53 health check';

  it('asks for approval with on-lag-over-rpo though every lag is within the RPO, and says why', () => {
    // Act
    const assessment = decide(ordersPlan(), readings(), 'live', topology(), NOW, MANUAL, [ASK]);

    // Assess
    expect(assessment.decision).toBe('approve');
    expect(assessment.reasons).toEqual([ASK]);
  });

  it('asks with always, after the plan asking for every failover', () => {
    // Act
    const plan = ordersPlan({ trigger: { approval: 'always' } });
    const assessment = decide(plan, readings(), 'live', topology(), NOW, MANUAL, [ASK]);

    // Assess
    expect(assessment.decision).toBe('approve');
    expect(assessment.reasons).toEqual([
      'plan orders asks for approval of every failover (trigger.approval: always)',
      ASK,
    ]);
  });

  it('only warns with auto, and a dry run says what it would have asked', () => {
    // Act
    const auto = decide(ordersPlan({ trigger: { approval: 'auto' } }), readings(), 'live', topology(), NOW, MANUAL, [
      ASK,
    ]);
    const dryRun = decide(ordersPlan(), readings(), 'dry-run', topology(), NOW, MANUAL, [ASK]);

    // Assess
    expect(auto.decision).toBe('proceed');
    expect(auto.warnings).toEqual([ASK]);
    expect(dryRun.decision).toBe('proceed');
    expect(dryRun.warnings).toEqual([`would request approval: ${ASK}`]);
  });
});
