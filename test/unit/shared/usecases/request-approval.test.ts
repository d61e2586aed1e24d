import { type ApprovalRequestedDetail, DETAIL_TYPES } from '../../../../shared/domain/run';
import { PlanNotFoundError } from '../../../../shared/errors';
import { PlanRegistry } from '../../../../shared/plan/load';
import { type RequestApprovalDeps, requestApproval } from '../../../../shared/usecases/request-approval';
import { FakeClock, FakeEvents, FakeLedger, FakeLog } from '../../../support/fakes';
import { ordersPlan } from '../../../support/plan-fixtures';
import { assessment, runContext } from '../../../support/run-fixtures';

const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAdummy-task-token';
const lagOverRpo = () =>
  assessment({ decision: 'approve', reasons: ['orders-db replica lag 95 s > RPO budget 60 s'], maxLagSeconds: 95 });

describe('requestApproval', () => {
  let ledger: FakeLedger;
  let events: FakeEvents;
  let log: FakeLog;
  let deps: RequestApprovalDeps;

  beforeEach(() => {
    ledger = new FakeLedger();
    events = new FakeEvents();
    log = new FakeLog();
    deps = {
      plans: new PlanRegistry([ordersPlan()]),
      ledger,
      events,
      clock: new FakeClock('2026-11-25T03:01:32.000Z'),
      log,
    };
  });

  it('stores the task token, marks the run as awaiting approval and announces the request', async () => {
    // Prepare
    const run = runContext();
    await ledger.putRun({
      run,
      outcome: 'in-progress',
      phases: [],
      actions: [],
      warnings: [],
      endedAt: '2026-11-25T03:01:31.000Z',
    });

    // Act
    const result = await requestApproval({ taskToken: TOKEN, run, assessment: lagOverRpo() }, deps);

    // Assess
    expect(result).toEqual({ requested: true });
    expect(ledger.approvals.get(run.incidentId)).toEqual({
      plan: 'orders',
      taskToken: TOKEN,
      requestedAt: '2026-11-25T03:01:32.000Z',
    });
    // The record is rebuilt from the run and its assessment, with the data at risk as the RPO.
    const assessment = lagOverRpo();
    expect(ledger.runs.get(`orders/${run.incidentId}`)).toMatchObject({
      outcome: 'awaiting-approval',
      warnings: assessment.warnings,
      rpo: { actualSeconds: assessment.maxLagSeconds, budgetSeconds: 60, withinBudget: false },
    });
    expect(events.ofType<ApprovalRequestedDetail>(DETAIL_TYPES.approvalRequested)).toEqual([
      {
        run,
        at: '2026-11-25T03:01:32.000Z',
        reasons: ['orders-db replica lag 95 s > RPO budget 60 s'],
        lagSeconds: 95,
        rpoBudgetSeconds: 60,
        timeoutSeconds: 1800,
      },
    ]);
  });

  it('builds the run record from the assessment when none was written', async () => {
    // Act
    await requestApproval({ taskToken: TOKEN, run: runContext(), assessment: lagOverRpo() }, deps);

    // Assess
    expect(ledger.runs.get(`orders/${runContext().incidentId}`)).toMatchObject({
      outcome: 'awaiting-approval',
      reasons: ['orders-db replica lag 95 s > RPO budget 60 s'],
    });
  });

  it('never logs the task token', async () => {
    // Act
    await requestApproval({ taskToken: TOKEN, run: runContext(), assessment: lagOverRpo() }, deps);

    // Assess
    expect(JSON.stringify(log.lines)).not.toContain(TOKEN);
  });

  it('throws PlanNotFoundError when the run names an unknown plan', async () => {
    // Act / Assess
    await expect(
      requestApproval({ taskToken: TOKEN, run: runContext({ plan: 'billing' }), assessment: lagOverRpo() }, deps),
    ).rejects.toThrow(PlanNotFoundError);
    expect(ledger.approvals.size).toBe(0);
  });
});
