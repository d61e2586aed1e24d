import { DRILL_EXIT_CODES, drillExitCode } from '../../../cli/drill-exit-codes';

describe('drillExitCode', () => {
  it('is 0 when the run recovered within its budgets', () => {
    expect(drillExitCode({ outcome: 'recovered', withinBudgets: true })).toBe(0);
  });

  it('is 3 when the run recovered over its RTO or RPO budget', () => {
    expect(drillExitCode({ outcome: 'recovered', withinBudgets: false })).toBe(DRILL_EXIT_CODES.overBudget);
    expect(DRILL_EXIT_CODES.overBudget).toBe(3);
  });

  it('is 4 when the run did not recover', () => {
    for (const outcome of ['failed', 'denied', 'awaiting-approval']) {
      expect(drillExitCode({ outcome, withinBudgets: null })).toBe(4);
    }
  });

  it("is 4 when the run says it recovered within budget but DNS answers another region (the drill's DNS check)", () => {
    const disagreements = ['the run says us-west-2 serves, but DNS answers us-east-1 for api.orders.example.com CNAME'];
    expect(drillExitCode({ outcome: 'recovered', withinBudgets: true, dns: { disagreements } })).toBe(4);
    expect(drillExitCode({ outcome: 'recovered', withinBudgets: true, dns: { disagreements: [] } })).toBe(0);
    // A leg's own check: a game day's failover leg that ended with DNS on the old region
    const legs = [{ dns: { disagreements } }, { dns: { disagreements: [] } }];
    expect(drillExitCode({ outcome: 'recovered', withinBudgets: true, dns: { disagreements: [] }, legs })).toBe(4);
  });

  it("is 4 when the run says it recovered but a database's writer takes no writes there (the drill's writer check)", () => {
    const disagreements = [
      "the run says us-west-2 serves, but orders-db's writer orders-db-replica (us-west-2) takes no writes: stopped",
    ];
    expect(drillExitCode({ outcome: 'recovered', withinBudgets: true, writers: { disagreements } })).toBe(4);
    expect(drillExitCode({ outcome: 'recovered', withinBudgets: true, writers: { disagreements: [] } })).toBe(0);
  });
});

describe('drillExitCode for a restore-test drill', () => {
  const tested = (restoreTests: { passed: boolean; withinRto?: boolean }[]) => ({
    outcome: 'tested',
    withinBudgets: null,
    restoreTests,
  });

  it('is 0 when every restore test passed within the RTO, 3 when one was slower, 4 when one failed', () => {
    expect(drillExitCode(tested([{ passed: true, withinRto: true }]))).toBe(0);
    expect(
      drillExitCode(
        tested([
          { passed: true, withinRto: true },
          { passed: true, withinRto: false },
        ]),
      ),
    ).toBe(3);
    expect(drillExitCode(tested([{ passed: true, withinRto: true }, { passed: false }]))).toBe(4);
    expect(drillExitCode(tested([]))).toBe(4);
  });
});
