import { budgeted, buildRunRecord, recoveryPoint, recoveryTime } from '../../../../shared/domain/recovery';
import { ordersPlan } from '../../../support/plan-fixtures';
import { assessment, dnsResult, promotions, runContext, verification } from '../../../support/run-fixtures';

const progress = () => ({
  run: runContext(),
  assessment: assessment(),
  promotions: promotions(),
  dns: dnsResult(),
  verification: verification(),
});

describe('budgeted', () => {
  it('rounds to milliseconds and compares with the budget', () => {
    // Act / Assess
    expect(budgeted(60.00049, 60)).toEqual({ actualSeconds: 60, budgetSeconds: 60, withinBudget: true });
    expect(budgeted(60.0006, 60)).toEqual({ actualSeconds: 60.001, budgetSeconds: 60, withinBudget: false });
  });
});

describe('recoveryTime', () => {
  it('counts from the start of impact to the end of verification', () => {
    // Act
    const rto = recoveryTime(ordersPlan(), progress());

    // Assess: 03:00:00 -> 03:07:40
    expect(rto).toEqual({ actualSeconds: 460, budgetSeconds: 900, withinBudget: true });
  });

  it('is undefined before verification ended', () => {
    // Act / Assess
    expect(recoveryTime(ordersPlan(), { ...progress(), verification: undefined })).toBeUndefined();
  });
});

describe('recoveryPoint', () => {
  it('is the worst lag at promotion', () => {
    // Act / Assess
    expect(recoveryPoint(ordersPlan(), progress())).toEqual({
      actualSeconds: 4.2,
      budgetSeconds: 60,
      withinBudget: true,
    });
  });

  it('is unknown, never 0, when a database was promoted before the run began (an earlier run failed after it)', () => {
    // Prepare: orders-db promoted by an earlier run; catalog promoted by this one
    const [first, second] = promotions();
    if (!first || !second) throw new Error('fixture has two promotions');
    const before = assessment();
    const databases = before.databases.map((db) =>
      db.id === 'orders-db' ? { ...db, alreadyPromoted: true, lagSeconds: null } : db,
    );

    // Act
    const rpo = recoveryPoint(ordersPlan(), {
      ...progress(),
      assessment: { ...before, databases, maxLagSeconds: 0.5 },
      promotions: [{ ...first, alreadyPromoted: true, lagSecondsAtPromotion: null, actions: [] }, second],
    });

    // Assess
    expect(rpo).toBeUndefined();
  });

  it('falls back on the assessed worst lag when a promotion could not measure its lag', () => {
    // Prepare
    const [first, second] = promotions();
    if (!first || !second) throw new Error('fixture has two promotions');

    // Act
    const rpo = recoveryPoint(ordersPlan(), {
      ...progress(),
      assessment: assessment({ maxLagSeconds: 75 }),
      promotions: [{ ...first, lagSecondsAtPromotion: null }, second],
    });

    // Assess
    expect(rpo).toEqual({ actualSeconds: 75, budgetSeconds: 60, withinBudget: false });
  });

  it('is undefined when no lag is known at all', () => {
    // Act / Assess
    expect(
      recoveryPoint(ordersPlan(), { run: runContext(), assessment: assessment({ maxLagSeconds: null }) }),
    ).toBeUndefined();
  });
});

describe('buildRunRecord', () => {
  it('records phases, RTO, RPO, actions in time order and all warnings when recovered', () => {
    // Act
    const record = buildRunRecord(ordersPlan(), progress(), 'recovered', '2026-11-25T03:07:41.000Z');

    // Assess
    expect(record.outcome).toBe('recovered');
    expect(record.rto?.actualSeconds).toBe(460);
    expect(record.rpo?.actualSeconds).toBe(4.2);
    expect(record.phases).toHaveLength(5);
    expect(record.actions.map((a) => a.operation)).toEqual([
      'FailoverGlobalCluster',
      'PromoteReadReplica',
      'ChangeResourceRecordSets',
    ]);
    expect(record.warnings).toEqual([...assessment().warnings, ...verification().warnings]);
    expect(record.checks).toEqual(verification().checks);
    expect(record.reasons).toEqual(assessment().reasons);
    expect(record.endedAt).toBe('2026-11-25T03:07:41.000Z');
  });

  it('leaves out RTO and RPO and keeps the approval when the run was denied', () => {
    // Act
    const approval = { approved: false, by: 'alice', comment: 'lag too high', answeredAt: '2026-11-25T03:05:00.000Z' };
    const record = buildRunRecord(
      ordersPlan(),
      { run: runContext(), assessment: assessment({ decision: 'approve' }), approval },
      'denied',
      '2026-11-25T03:05:01.000Z',
    );

    // Assess
    expect(record.rto).toBeUndefined();
    expect(record.rpo).toBeUndefined();
    expect(record.approval).toEqual(approval);
    expect(record.actions).toEqual([]);
    expect(record.checks).toBeUndefined();
  });

  it('reports the data at risk as the RPO, and no RTO, while a run awaits approval', () => {
    // Act
    const record = buildRunRecord(
      ordersPlan(),
      { run: runContext(), assessment: assessment({ decision: 'approve', maxLagSeconds: 95 }) },
      'awaiting-approval',
      '2026-11-25T03:03:00.000Z',
    );

    // Assess
    expect(record.rto).toBeUndefined();
    expect(record.rpo).toEqual({ actualSeconds: 95, budgetSeconds: 60, withinBudget: false });
  });
});
