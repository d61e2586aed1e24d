import { handler as assessFailback } from '../../../../functions/assess-failback';
import { handler as assessFence } from '../../../../functions/assess-fence';
import { handler as assessGameDay } from '../../../../functions/assess-game-day';
import { handler as assessReprotect } from '../../../../functions/assess-reprotect';
import { DynamoLedger } from '../../../../shared/aws/ledger';
import { MalformedEventError } from '../../../../shared/errors';
import { PlanRegistry } from '../../../../shared/plan/registry';
import { type AssessTaskDeps, assessTaskHandler } from '../../../../shared/runtime/assess-handler';
import { logger } from '../../../../shared/runtime/logger';
import { setPlans } from '../../../../shared/runtime/plans';
import type { AssessEvent } from '../../../../shared/usecases/assess-failover';
import { lambdaContext } from '../../../support/lambda';
import { ordersPlan } from '../../../support/plan-fixtures';

process.env.AWS_REGION = 'us-west-2';

const EXECUTION = {
  arn: 'arn:aws:states:us-west-2:123456789012:execution:switchback-fence:orders-fence-1',
  name: 'orders-fence-1',
};
const context = lambdaContext('assess-test');

/** An "Assess" use case that records what it was given. */
const recorder = () => {
  const calls: { event: AssessEvent; deps: AssessTaskDeps & { extra?: object } }[] = [];
  const assess = async (event: AssessEvent, deps: AssessTaskDeps & { extra?: object }) => {
    calls.push({ event, deps });
    return { assessed: event.execution.name };
  };
  return { calls, assess };
};

describe('assessTaskHandler', () => {
  afterEach(() => {
    setPlans(undefined);
    jest.restoreAllMocks();
  });

  it('calls the use case with the envelope and the adapters, and tags the logs with plan, incident and execution', async () => {
    // Prepare
    const registry = new PlanRegistry([ordersPlan()]);
    setPlans(registry);
    const { calls, assess } = recorder();
    const appendKeys = jest.spyOn(logger, 'appendKeys');
    const handler = assessTaskHandler('Assess Test', assess);

    // Act
    const result = await handler({ input: { plan: 'orders', action: 'fence' }, execution: EXECUTION }, context);

    // Assess
    expect(result).toEqual({ assessed: 'orders-fence-1' });
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.event).toEqual({ input: { plan: 'orders', action: 'fence' }, execution: EXECUTION });
    expect(call?.deps.plans).toBe(registry);
    expect(call?.deps.ledger).toBeInstanceOf(DynamoLedger);
    // An orphaned lock is settled with the same ledger, the topology included: an orphan that failed in verify is
    // recorded there as on-run-failed records it
    expect(call?.deps.orphans.ledger).toBe(call?.deps.ledger);
    expect(call?.deps.orphans.topology).toBe(call?.deps.ledger);
    expect(call?.deps.log).toBe(logger);
    expect(call?.deps.clock.now()).toBeInstanceOf(Date);
    expect(appendKeys).toHaveBeenCalledWith({
      plan: 'orders',
      incidentId: 'orders-fence-1',
      executionArn: EXECUTION.arn,
    });
  });

  it('builds the adapters once per process and looks the plans up on every call', async () => {
    // Prepare
    const { calls, assess } = recorder();
    const extraAdapters = jest.fn(() => ({ extra: { built: true } }));
    const handler = assessTaskHandler('Assess Test', assess, extraAdapters);
    const first = new PlanRegistry([ordersPlan()]);
    const second = new PlanRegistry([ordersPlan({ app: 'billing', trigger: { alarms: ['billing-health'] } })]);

    // Act
    setPlans(first);
    await handler({ input: { plan: 'orders' }, execution: EXECUTION }, context);
    setPlans(second);
    await handler({ input: { plan: 'billing' }, execution: { ...EXECUTION, name: 'billing-fence-1' } }, context);

    // Assess
    expect(extraAdapters).toHaveBeenCalledTimes(1);
    expect(calls.map((call) => call.deps.plans)).toEqual([first, second]);
    expect(calls[1]?.deps.ledger).toBe(calls[0]?.deps.ledger);
    expect(calls[1]?.deps.events).toBe(calls[0]?.deps.events);
    expect(calls[1]?.deps.extra).toEqual({ built: true });
  });

  it('throws MalformedEventError naming the task and each bad field when the envelope is malformed', async () => {
    // Prepare
    const { calls, assess } = recorder();
    const handler = assessTaskHandler('Assess Test', assess);

    // Act
    const failure = handler({ input: { plan: 'orders' }, execution: { arn: '', startTime: 3 } }, context);

    // Assess
    await expect(failure).rejects.toBeInstanceOf(MalformedEventError);
    await expect(failure).rejects.toThrow(/^Malformed Assess Test task payload:/);
    const error = (await failure.catch((caught: unknown) => caught)) as MalformedEventError;
    expect(error.issues.map((issue) => issue.path).sort()).toEqual([
      'execution.arn',
      'execution.name',
      'execution.startTime',
    ]);
    expect(calls).toEqual([]);
  });

  it.each([
    ['Assess Fence', assessFence],
    ['Assess Reprotect', assessReprotect],
    ['Assess Failback', assessFailback],
    ['Assess Game Day', assessGameDay],
  ])('is the wiring of the "%s" handler (its malformed envelope names the task)', async (task, handler) => {
    // Act
    const failure = handler({ input: { plan: 'orders' } }, context);

    // Assess
    await expect(failure).rejects.toThrow(new RegExp(`^Malformed ${task} task payload:\\n.*execution`));
  });
});
