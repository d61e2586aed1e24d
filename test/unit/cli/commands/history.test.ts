import { formatBudgeted, formatHistory, formatSeconds, showHistory } from '../../../../cli/commands/history';
import { UsageError } from '../../../../cli/context';
import type { RunRecord } from '../../../../shared/domain/run';
import { fakeDeps } from '../support';

const record = (incidentId: string, overrides: Partial<RunRecord> = {}): RunRecord => ({
  run: {
    incidentId,
    plan: 'orders',
    action: 'failover',
    mode: 'game-day',
    reason: 'game day',
    requestedBy: 'alice',
    trigger: { type: 'manual' },
    regions: { primary: 'us-east-1', standby: 'us-west-2' },
    impactStartedAt: '2026-11-25T18:00:00.000Z',
    startedAt: '2026-11-25T18:00:01.000Z',
    executionArn: 'arn:aws:states:us-west-2:123456789012:execution:switchback-failover:run',
    epoch: 1,
  },
  outcome: 'recovered',
  phases: [],
  rto: { actualSeconds: 432, budgetSeconds: 900, withinBudget: true },
  rpo: { actualSeconds: 75, budgetSeconds: 60, withinBudget: false },
  actions: [],
  warnings: [],
  endedAt: '2026-11-25T18:07:12.000Z',
  ...overrides,
});

describe('formatSeconds', () => {
  it.each([
    [45, '45s'],
    [432, '7m12s'],
    [900, '15m00s'],
    [3720, '1h02m'],
  ])('formats %d seconds as %s', (seconds, text) => {
    expect(formatSeconds(seconds)).toBe(text);
  });
});

describe('formatBudgeted', () => {
  it('marks the actual over budget when it is', () => {
    expect(formatBudgeted({ actualSeconds: 75, budgetSeconds: 60, withinBudget: false })).toBe('1m15s / 1m00s ✗ over');
  });

  it('prints a dash when the run measured nothing', () => {
    expect(formatBudgeted(undefined)).toBe('-');
  });
});

describe('formatHistory', () => {
  it('aligns a header and one row per run when runs are given', () => {
    // Act
    const lines = formatHistory([record('orders-drill-1'), record('orders-x', { outcome: 'skipped', rto: undefined })]);

    // Assess
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^INCIDENT\s+MODE\s+OUTCOME\s+STARTED \(UTC\)\s+BY\s+RTO \/ BUDGET\s+RPO \/ BUDGET$/);
    expect(lines[1]).toContain('7m12s / 15m00s ✓');
    expect(lines[1]).toContain('1m15s / 1m00s ✗ over');
    expect(lines[1]).toContain('2026-11-25 18:00:00');
    expect(lines[2]).toMatch(/skipped .* - {2,}1m15s/);
    expect(lines[1]?.indexOf('recovered')).toBe(lines[0]?.indexOf('OUTCOME'));
  });

  it('says where a failed run failed and how long that phase had run, when the record says', () => {
    // Act
    const failed = (failure: RunRecord['failure']) =>
      formatHistory([record('orders-f', { outcome: 'failed', rto: undefined, rpo: undefined, failure })])[1];

    // Assess
    expect(
      failed({
        phase: 'promote',
        error: 'PromotionFailedError',
        cause: 'x',
        startedAt: '2026-11-25T18:01:00.000Z',
        seconds: 183,
      }),
    ).toMatch(/ failed in promote after 3m03s /);
    expect(failed({ phase: 'dns', error: 'DnsSwitchUnavailableError', cause: 'x' })).toMatch(/ failed in dns /);
  });
});

describe('showHistory', () => {
  it('asks the ledger for the plan and limit and prints the table', async () => {
    // Prepare
    const listRuns = jest.fn().mockResolvedValue([record('orders-drill-1')]);
    const { deps, out } = fakeDeps({ ledger: { listRuns } });

    // Act
    const code = await showHistory({ plan: 'orders', limit: '5', stage: 'prod', region: 'us-west-2' }, deps);

    // Assess
    expect(code).toBe(0);
    expect(listRuns).toHaveBeenCalledWith('orders', 5);
    expect(out).toHaveLength(2);
  });

  it('says so when no run is recorded', async () => {
    // Prepare
    const { deps, out } = fakeDeps({ ledger: { listRuns: jest.fn().mockResolvedValue([]) } });

    // Act
    await showHistory({ plan: 'orders', limit: '20', stage: 'dev', region: 'us-west-2' }, deps);

    // Assess
    expect(out).toEqual(['No runs recorded for plan "orders" in switchback-dev-ledger (us-west-2).']);
  });

  it.each(['0', '101', 'ten', '2.5'])('throws a UsageError naming --limit when the limit is %s', async (limit) => {
    // Prepare
    const listRuns = jest.fn();
    const { deps } = fakeDeps({ ledger: { listRuns } });

    // Act
    const act = showHistory({ plan: 'orders', limit, stage: 'dev', region: 'us-west-2' }, deps);

    // Assess
    await expect(act).rejects.toThrow(UsageError);
    await expect(act).rejects.toThrow('--limit');
    expect(listRuns).not.toHaveBeenCalled();
  });
});
