import { createHash } from 'node:crypto';
import { install } from '@sinonjs/fake-timers';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import {
  adaptForEngine,
  functionNameOf,
  invokedFunction,
  type LambdaHandler,
  LocalRunner,
  type LocalRunnerOptions,
  refuseTimedOutInvocation,
  VALIDATED_DEFINITIONS_ENV,
  validateForEngine,
} from '../../../sim/local-runner';

const ARN = 'arn:aws:states:us-west-2:123456789012:stateMachine:switchback-failover';
const EXECUTION_PREFIX = 'arn:aws:states:us-west-2:123456789012:execution:switchback-failover:';

const retryOn = (errors: string[]) => [{ ErrorEquals: errors, IntervalSeconds: 5, MaxAttempts: 3, BackoffRate: 2 }];

/** A small ASL shaped like the product's: Lambda tasks through lambda:invoke with ResultSelector on $.Payload. */
const lambdaTask = (fn: string, next: string | undefined, extra: object = {}) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: `\${self:service}-\${sls:stage}-${fn}`, Payload: { 'input.$': '$' } },
  ResultSelector: { 'result.$': '$.Payload' },
  ...(next ? { Next: next } : { End: true }),
  ...extra,
});

class TypedError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

const handlersFrom =
  (handlers: Record<string, LambdaHandler>) =>
  async (name: string): Promise<LambdaHandler> => {
    const handler = handlers[name];
    if (!handler) throw new Error(`no handler ${name}`);
    return handler;
  };

const runner = (
  definition: object,
  handlers: Record<string, LambdaHandler>,
  options: Partial<LocalRunnerOptions> = {},
) =>
  new LocalRunner({
    stateMachineArn: ARN,
    definition: definition as StateMachineDefinition,
    waits: 'zero',
    loadHandler: handlersFrom(handlers),
    statusChangeTarget: null,
    ...options,
  });

describe('the validation of definitions shared by a test run', () => {
  /** A definition the engine refuses: its Next names no state. Each test gets its own, so none was validated. */
  const invalid = (state: string) =>
    ({ StartAt: state, States: { [state]: { Type: 'Pass', Next: 'Nowhere' } } }) as unknown as StateMachineDefinition;
  const digest = (definition: StateMachineDefinition) =>
    createHash('sha256')
      .update(JSON.stringify(adaptForEngine(definition)))
      .digest('hex');
  const recorded = process.env[VALIDATED_DEFINITIONS_ENV];

  afterEach(() => {
    if (recorded === undefined) delete process.env[VALIDATED_DEFINITIONS_ENV];
    else process.env[VALIDATED_DEFINITIONS_ENV] = recorded;
  });

  it('returns the digest of a valid definition and throws the engine error for an invalid one', () => {
    const valid = { StartAt: 'Only', States: { Only: { Type: 'Pass', End: true } } } as StateMachineDefinition;
    expect(validateForEngine(valid)).toBe(digest(valid));
    expect(() => validateForEngine(invalid('Unrecorded'))).toThrow('State machine definition is invalid');
  });

  it('validates a definition whose content matches no recorded digest, even when digests are recorded', () => {
    // Prepare
    process.env[VALIDATED_DEFINITIONS_ENV] = [digest(invalid('Other')), 'not-a-digest'].join(',');

    // Act, Assess
    expect(() => runner(invalid('Checked'), {})).toThrow('State machine definition is invalid');
  });

  it('skips the validation of exactly the content whose digest the run recorded', () => {
    // Prepare: the digest recorded as if the global setup had validated this content (it cannot: it is invalid)
    const definition = invalid('Recorded');
    process.env[VALIDATED_DEFINITIONS_ENV] = digest(definition);

    // Act, Assess: the engine is not asked, so it does not refuse
    expect(() => runner(definition, {})).not.toThrow();
  });
});

describe('functionNameOf', () => {
  it('returns the short name when FunctionName uses the serverless placeholders', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: serverless placeholders, as in the product ASL.
    expect(functionNameOf('${self:service}-${sls:stage}-record-outcome')).toBe('record-outcome');
  });

  it('returns the short name when FunctionName is a deployed function ARN', () => {
    expect(functionNameOf('arn:aws:lambda:us-west-2:123456789012:function:switchback-prod-check-dns-sync')).toBe(
      'check-dns-sync',
    );
  });

  it('throws a clear error when FunctionName is missing', () => {
    expect(() => functionNameOf(undefined)).toThrow('FunctionName');
  });
});

describe('invokedFunction', () => {
  it('names the function each concurrent invocation runs in, and none outside them', async () => {
    // Prepare: two functions whose awaits interleave; each reports whose invocation it runs in after its await.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const seen: string[] = [];
    const report: LambdaHandler = async () => {
      await gate;
      seen.push(invokedFunction() ?? 'none');
      return null;
    };
    const local = runner(
      { StartAt: 'A', States: { A: lambdaTask('assess', undefined) } },
      { assess: report, notify: report },
    );

    // Act
    const both = Promise.all([local.invoke('assess', {}), local.invoke('notify', {}, { viaStateMachine: false })]);
    release();
    await both;

    // Assess
    expect(seen.sort()).toEqual(['assess', 'notify']);
    expect(invokedFunction()).toBeUndefined();
  });
});

describe('LocalRunner', () => {
  it('runs the product failover definition when no definition is given', () => {
    // Act
    const local = new LocalRunner({ stateMachineArn: ARN });

    // Assess
    expect(local.list()).toEqual([]);
  });

  it('rejects a state machine ARN that is not one', () => {
    expect(() => new LocalRunner({ stateMachineArn: 'not-an-arn' })).toThrow('arn:aws:states:<region>');
  });

  it('passes the Payload and a Lambda context to the handler and returns its result as $.Payload', async () => {
    // Prepare
    const seen: { event: unknown; functionName: string }[] = [];
    const local = runner(
      { StartAt: 'Do It', States: { 'Do It': lambdaTask('do-it', undefined) } },
      {
        'do-it': async (event, context) => {
          seen.push({ event, functionName: context.functionName });
          return { doubled: ((event as { input: { n: number } }).input.n * 2) as number };
        },
      },
    );

    // Act
    const { executionArn } = local.startExecution({ stateMachineArn: ARN, name: 'incident-1', input: '{"n":21}' });
    await local.get(executionArn)?.done;

    // Assess
    expect(executionArn).toBe(`${EXECUTION_PREFIX}incident-1`);
    expect(seen).toEqual([{ event: { input: { n: 21 } }, functionName: 'switchback-local-do-it' }]);
    expect(local.describeExecution({ executionArn })).toMatchObject({
      status: 'SUCCEEDED',
      output: JSON.stringify({ result: { doubled: 42 } }),
    });
  });

  it('replaces the whole input with the result when ResultPath is "$"', async () => {
    // Prepare
    const local = runner(
      {
        StartAt: 'Assess',
        States: {
          Assess: {
            ...lambdaTask('assess', 'Done'),
            ResultSelector: { 'run.$': '$.Payload.run', 'decision.$': '$.Payload.decision' },
            ResultPath: '$',
          },
          Done: { Type: 'Choice', Choices: [{ Variable: '$.decision', StringEquals: 'go', Next: 'Gone' }] },
          Gone: { Type: 'Succeed' },
        },
      },
      { assess: async () => ({ run: { id: 'r1' }, decision: 'go', extra: true }) },
    );

    // Act
    const { executionArn } = local.startExecution({ name: 'replace', input: '{"old":1}' });
    await local.get(executionArn)?.done;

    // Assess
    expect(local.get(executionArn)).toMatchObject({
      status: 'SUCCEEDED',
      output: JSON.stringify({ run: { id: 'r1' }, decision: 'go' }),
    });
  });

  it('retries a task by its error name when the handler throws a typed error', async () => {
    // Prepare
    let calls = 0;
    const local = runner(
      { StartAt: 'Flaky', States: { Flaky: lambdaTask('flaky', undefined, { Retry: retryOn(['ThrottledError']) }) } },
      {
        flaky: async () => {
          calls += 1;
          if (calls < 3) throw new TypedError('ThrottledError', 'slow down');
          return { ok: true };
        },
      },
    );

    // Act
    const { executionArn } = local.startExecution({ name: 'retry', input: '{}' });
    await local.get(executionArn)?.done;

    // Assess
    expect(calls).toBe(3);
    expect(local.get(executionArn)?.status).toBe('SUCCEEDED');
    expect(local.get(executionArn)?.transitions.filter((t) => t.event === 'retried')).toHaveLength(2);
  });

  it('routes to the Catch target with the error name and message when the handler throws', async () => {
    // Prepare
    const local = runner(
      {
        StartAt: 'Take Lock',
        States: {
          'Take Lock': lambdaTask('take-lock', 'Unreachable', {
            Catch: [{ ErrorEquals: ['LockHeldError'], ResultPath: '$.error', Next: 'Already Handled' }],
          }),
          Unreachable: { Type: 'Fail', Error: 'Unexpected' },
          'Already Handled': { Type: 'Succeed' },
        },
      },
      {
        'take-lock': async () => {
          throw new TypedError('LockHeldError', 'Plan orders is locked by incident x');
        },
      },
    );

    // Act
    const { executionArn } = local.startExecution({ name: 'caught', input: '{}' });
    await local.get(executionArn)?.done;

    // Assess
    expect(local.describeExecution({ executionArn })).toMatchObject({
      status: 'SUCCEEDED',
      output: JSON.stringify({ error: { Error: 'LockHeldError', Cause: 'Plan orders is locked by incident x' } }),
    });
  });

  it('records FAILED with the error name and cause and invokes the status-change target when a task fails', async () => {
    // Prepare
    const statusEvents: unknown[] = [];
    const local = runner(
      { StartAt: 'Promote', States: { Promote: lambdaTask('promote', undefined) } },
      {
        promote: async () => {
          throw new TypedError('PromotionFailedError', 'Promotion of orders-db failed: incompatible-parameters');
        },
        'on-run-failed': async (event) => {
          statusEvents.push(event);
          return null;
        },
      },
      { statusChangeTarget: 'on-run-failed' },
    );

    // Act
    const { executionArn } = local.startExecution({ name: 'inc-9', input: '{"plan":"orders"}' });
    await local.get(executionArn)?.done;

    // Assess
    expect(local.get(executionArn)).toMatchObject({
      status: 'FAILED',
      error: 'PromotionFailedError',
      cause: 'Promotion of orders-db failed: incompatible-parameters',
    });
    expect(statusEvents).toEqual([
      expect.objectContaining({
        source: 'aws.states',
        'detail-type': 'Step Functions Execution Status Change',
        resources: [executionArn],
        detail: expect.objectContaining({
          executionArn,
          stateMachineArn: ARN,
          name: 'inc-9',
          status: 'FAILED',
          input: '{"plan":"orders"}',
          error: 'PromotionFailedError',
          cause: 'Promotion of orders-db failed: incompatible-parameters',
          startDate: expect.any(Number),
          stopDate: expect.any(Number),
        }),
      }),
    ]);
  });

  it('tells the status-change target only of the statuses its rule matches', async () => {
    // Prepare: a rule that matches FAILED only (serverless.yml's matches FAILED, TIMED_OUT and ABORTED)
    const statuses: string[] = [];
    let release: (value: null) => void = () => undefined;
    const handlers = {
      promote: async (event: unknown) => {
        if ((event as { input: { fail?: boolean } }).input.fail) throw new TypedError('PromotionFailedError', 'failed');
        return new Promise<null>((resolve) => {
          release = resolve;
        });
      },
      'on-run-failed': async (event: unknown) => {
        statuses.push((event as { detail: { name: string; status: string } }).detail.status);
        return null;
      },
    };
    const local = runner({ StartAt: 'Promote', States: { Promote: lambdaTask('promote', undefined) } }, handlers, {
      statusChangeTarget: 'on-run-failed',
      statusChangeStatuses: ['FAILED'],
    });

    // Act: one execution fails, one is stopped while its task runs
    const failed = local.startExecution({ name: 'fails', input: '{"fail":true}' });
    const stopped = local.startExecution({ name: 'stopped', input: '{}' });
    await local.get(failed.executionArn)?.done;
    await new Promise((resolve) => setImmediate(resolve));
    local.stopExecution({ executionArn: stopped.executionArn });
    release(null);
    await local.get(stopped.executionArn)?.done;

    // Assess
    expect([local.get(failed.executionArn)?.status, local.get(stopped.executionArn)?.status]).toEqual([
      'FAILED',
      'ABORTED',
    ]);
    expect(statuses).toEqual(['FAILED']);
  });

  it('fails the execution with States.Runtime and tells the status-change target when its history reaches the quota', async () => {
    // Prepare: a poll loop that never ends (Wait 2 + Task 5 + Choice 2 events per poll)
    const statusEvents: { detail: { status: string } }[] = [];
    let checks = 0;
    const local = runner(
      {
        StartAt: 'Check',
        States: {
          Check: lambdaTask('check', 'Done?', { ResultPath: '$.check' }),
          'Done?': {
            Type: 'Choice',
            Choices: [{ Variable: '$.check.result.done', BooleanEquals: true, Next: 'Finished' }],
            Default: 'Pause',
          },
          Pause: { Type: 'Wait', Seconds: 1, Next: 'Check' },
          Finished: { Type: 'Succeed' },
        },
      },
      {
        check: async () => {
          checks += 1;
          return { done: false };
        },
        'on-run-failed': async (event) => {
          statusEvents.push(event as { detail: { status: string } });
          return null;
        },
      },
      { statusChangeTarget: 'on-run-failed', historyEventLimit: 100 },
    );

    // Act
    const { executionArn } = local.startExecution({ name: 'inc-quota', input: '{}' });
    await local.get(executionArn)?.done;

    // Assess: ExecutionStarted + 11 polls (99 events) reach the limit with ExecutionFailed
    expect(local.get(executionArn)).toMatchObject({
      status: 'FAILED',
      error: 'States.Runtime',
      cause: 'The execution reached the maximum number of history events (100)',
    });
    expect(checks).toBeGreaterThanOrEqual(11);
    expect(checks).toBeLessThanOrEqual(12);
    expect(statusEvents.map((event) => event.detail.status)).toEqual(['FAILED']);
  });

  describe('the payload quota', () => {
    /** Pass states whose outputs are exactly the JSON string `result`, then a Lambda task that counts its calls. */
    const passThenTask = (result: string) => ({
      StartAt: 'Grow',
      States: {
        Grow: { Type: 'Pass', Result: result, Next: 'Wrap' },
        // A Parallel state so that a Catch with States.ALL stands where the output goes over the quota.
        Wrap: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'Echo', States: { Echo: { Type: 'Pass', End: true } } }],
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
          Next: 'After',
        },
        After: lambdaTask('after', undefined),
        Caught: { Type: 'Succeed' },
      },
    });

    const run = async (result: string, payloadLimitBytes: number) => {
      const statusEvents: { detail: { status: string; error: string | null } }[] = [];
      let after = 0;
      const local = runner(
        passThenTask(result),
        {
          after: async () => {
            after += 1;
            return {};
          },
          'on-run-failed': async (event) => {
            statusEvents.push(event as (typeof statusEvents)[number]);
            return null;
          },
        },
        { statusChangeTarget: 'on-run-failed', payloadLimitBytes },
      );
      const { executionArn } = local.startExecution({ name: 'inc-payload', input: '{}' });
      await local.get(executionArn)?.done;
      const execution = local.get(executionArn);
      return { execution, after, statusEvents, entered: execution?.transitions.filter((t) => t.event === 'entered') };
    };

    it('fails the execution with States.DataLimitExceeded at the state whose output is over it, uncaught by States.ALL, before the next state begins', async () => {
      // Act: Grow's output is 101 bytes ("x" 99 times, quoted); the Parallel state's is [Grow's output], 103 bytes
      const { execution, after, statusEvents, entered } = await run('x'.repeat(99), 102);

      // Assess: Grow passes (101 <= 102); Wrap's output is over, its States.ALL catcher does not catch it
      expect(execution).toMatchObject({
        status: 'FAILED',
        error: 'States.DataLimitExceeded',
        cause: 'The state "Wrap" returned an output of 103 bytes, over the payload quota of 102 bytes',
      });
      expect(entered?.map((t) => t.state)).toEqual(['Grow', 'Wrap', 'Echo']);
      expect(after).toBe(0);
      expect(statusEvents.map((event) => event.detail)).toEqual([
        expect.objectContaining({ status: 'FAILED', error: 'States.DataLimitExceeded' }),
      ]);
    });

    it('counts UTF-8 bytes, not characters, and lets an output of exactly the quota through', async () => {
      // Act: "é" is 2 bytes in UTF-8: Grow's output is 2 x 49 + 2 = 100 bytes in 51 characters
      const atQuota = await run('é'.repeat(49), 102);
      const overQuota = await run('é'.repeat(49), 101);

      // Assess: Wrap's output, [Grow's output], is 102 bytes
      expect(atQuota.execution?.status).toBe('SUCCEEDED');
      expect(atQuota.after).toBe(1);
      expect(overQuota.execution).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
      expect(overQuota.execution?.cause).toContain('"Wrap" returned an output of 102 bytes');
      expect(overQuota.after).toBe(0);
    });

    it('holds 256 KiB by default', async () => {
      // Act: an output of 256 KiB + 1 byte, against the default quota
      const local = runner(passThenTask('x'.repeat(256 * 1024 - 1)), { after: async () => ({}) });
      const { executionArn } = local.startExecution({ name: 'inc-default', input: '{}' });
      await local.get(executionArn)?.done;

      // Assess
      expect(local.get(executionArn)).toMatchObject({
        status: 'FAILED',
        error: 'States.DataLimitExceeded',
        cause: 'The state "Grow" returned an output of 262145 bytes, over the payload quota of 262144 bytes',
      });
    });

    /**
     * A Map over `items`, `maxConcurrency` iterations at a time (0: all at once), whose iterations Fetch (300 bytes,
     * over a 200-byte quota) then Store, with ResultPath null so that the Map's own output stays small; then After.
     */
    const mapOverQuota = async (items: number[], maxConcurrency: number) => {
      const calls: string[] = [];
      const called = (name: string, result: unknown) => async (event: unknown) => {
        const item = (event as { input?: unknown }).input;
        calls.push(typeof item === 'number' ? `${name} ${item}` : name);
        return result;
      };
      const local = runner(
        {
          StartAt: 'Each',
          States: {
            Each: {
              Type: 'Map',
              ItemsPath: '$.items',
              MaxConcurrency: maxConcurrency,
              ItemProcessor: {
                ProcessorConfig: { Mode: 'INLINE' },
                StartAt: 'Fetch',
                States: { Fetch: lambdaTask('fetch', 'Store'), Store: lambdaTask('store', undefined) },
              },
              ResultPath: null,
              Next: 'After',
            },
            After: lambdaTask('after', undefined),
          },
        },
        { fetch: called('fetch', 'x'.repeat(300)), store: called('store', {}), after: called('after', {}) },
        { payloadLimitBytes: 200 },
      );
      const { executionArn } = local.startExecution({ name: 'inc-map', input: JSON.stringify({ items }) });
      await local.get(executionArn)?.done;
      return { execution: local.get(executionArn), calls };
    };

    it('holds the states inside a Map to it too, when the Map drops their outputs: the iteration stops at the state over it', async () => {
      // Act
      const { execution, calls } = await mapOverQuota([1], 0);

      // Assess: Fetch's output ({"result":"x...x"}, 313 bytes) fails the run before Store or After begins
      expect(execution).toMatchObject({
        status: 'FAILED',
        error: 'States.DataLimitExceeded',
        cause: 'The state "Fetch" returned an output of 313 bytes, over the payload quota of 200 bytes',
      });
      expect(calls).toEqual(['fetch 1']);
    });

    it("starts none of a Map's queued iterations once the execution has failed (the engine would)", async () => {
      // Act: one iteration at a time; the first one's Fetch is over the quota
      const { execution, calls } = await mapOverQuota([1, 2, 3], 1);

      // Assess
      expect(execution).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
      expect(calls).toEqual(['fetch 1']);
    });
  });

  it('returns the same execution when started twice with the same name and input', () => {
    // Prepare
    const local = runner({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }, {});

    // Act
    const first = local.startExecution({ name: 'inc-1', input: '{"a":1}' });
    const second = local.startExecution({ name: 'inc-1', input: '{"a":1}' });

    // Assess
    expect(second).toEqual(first);
    expect(local.list()).toHaveLength(1);
  });

  it('throws ExecutionAlreadyExists when the same name comes with another input', () => {
    // Prepare
    const local = runner({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }, {});
    local.startExecution({ name: 'inc-1', input: '{"a":1}' });

    // Act
    const act = () => local.startExecution({ name: 'inc-1', input: '{"a":2}' });

    // Assess
    expect(act).toThrow(expect.objectContaining({ name: 'ExecutionAlreadyExists' }));
  });

  it('throws ExecutionAlreadyExists for the name of an execution that has ended, whatever its input', async () => {
    // Prepare: the first execution runs to its end
    const local = runner({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }, {});
    const { executionArn } = local.startExecution({ name: 'inc-1', input: '{"a":1}' });
    await local.get(executionArn)?.done;

    // Act
    const act = () => local.startExecution({ name: 'inc-1', input: '{"a":1}' });

    // Assess: as Step Functions answers (StartExecution API reference), no second run of it
    expect(local.get(executionArn)?.status).toBe('SUCCEEDED');
    expect(act).toThrow(expect.objectContaining({ name: 'ExecutionAlreadyExists' }));
    expect(local.list()).toHaveLength(1);
  });

  describe('waitForTaskToken', () => {
    const approvalMachine = {
      StartAt: 'Request Approval',
      States: {
        'Request Approval': {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Parameters: {
            // biome-ignore lint/suspicious/noTemplateCurlyInString: serverless placeholders, as in the product ASL.
            FunctionName: '${self:service}-${sls:stage}-request-approval',
            Payload: { 'taskToken.$': '$$.Task.Token', 'run.$': '$.run' },
          },
          TimeoutSecondsPath: '$.timeoutSeconds',
          ResultPath: '$.approval',
          End: true,
        },
      },
    };

    it('pauses until SendTaskSuccess and returns its output when the task is answered', async () => {
      // Prepare
      const tokens: string[] = [];
      const local = runner(approvalMachine, {
        'request-approval': async (event) => {
          tokens.push((event as { taskToken: string }).taskToken);
          return null;
        },
      });
      const { executionArn } = local.startExecution({ name: 'ask', input: '{"run":"r","timeoutSeconds":1800}' });
      await new Promise((resolve) => setImmediate(resolve));

      // Act
      const pending = local.pendingTasks();
      const paused = local.onlyWaitingForTokens;
      local.sendTaskSuccess({ taskToken: tokens[0] as string, output: '{"approved":true,"by":"alice"}' });
      await local.get(executionArn)?.done;

      // Assess
      expect(pending).toEqual([{ taskToken: tokens[0], executionArn, state: 'Request Approval', delivered: true }]);
      expect(paused).toBe(true);
      expect(local.get(executionArn)).toMatchObject({
        status: 'SUCCEEDED',
        output: JSON.stringify({ run: 'r', timeoutSeconds: 1800, approval: { approved: true, by: 'alice' } }),
      });
      expect(() => local.sendTaskSuccess({ taskToken: tokens[0] as string, output: '{}' })).toThrow(
        expect.objectContaining({ name: 'TaskTimedOut' }),
      );
    });

    it('fails the task with the given error when SendTaskFailure answers', async () => {
      // Prepare
      let token = '';
      const local = runner(approvalMachine, {
        'request-approval': async (event) => {
          token = (event as { taskToken: string }).taskToken;
          return null;
        },
      });
      const { executionArn } = local.startExecution({ name: 'ask', input: '{"run":"r","timeoutSeconds":60}' });
      await new Promise((resolve) => setImmediate(resolve));

      // Act
      local.sendTaskFailure({ taskToken: token, error: 'ApprovalDenied', cause: 'not now' });
      await local.get(executionArn)?.done;

      // Assess
      expect(local.get(executionArn)).toMatchObject({ status: 'FAILED', error: 'ApprovalDenied', cause: 'not now' });
    });

    it('ends ABORTED and tells the status-change target when a paused execution is stopped', async () => {
      // Prepare
      const statuses: string[] = [];
      const local = runner(
        approvalMachine,
        {
          'request-approval': async () => null,
          'on-run-failed': async (event) => {
            statuses.push((event as { detail: { status: string } }).detail.status);
            return null;
          },
        },
        { statusChangeTarget: 'on-run-failed' },
      );
      const { executionArn } = local.startExecution({ name: 'stop', input: '{"run":"r","timeoutSeconds":60}' });
      await new Promise((resolve) => setImmediate(resolve));

      // Act
      local.stopExecution({ executionArn });
      await local.get(executionArn)?.done;

      // Assess
      expect(local.get(executionArn)?.status).toBe('ABORTED');
      expect(statuses).toEqual(['ABORTED']);
      expect(local.pendingTasks()).toEqual([]);
    });

    it('throws InvalidToken when the token was never issued', () => {
      const local = runner(approvalMachine, {});
      expect(() => local.sendTaskSuccess({ taskToken: 'nope', output: '{}' })).toThrow(
        expect.objectContaining({ name: 'InvalidToken' }),
      );
    });
  });

  describe('in virtual time', () => {
    let clock: ReturnType<typeof install>;
    const T0 = Date.UTC(2026, 0, 15, 3, 0, 0);

    beforeEach(() => {
      clock = install({ now: T0, toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    });

    afterEach(() => {
      clock.uninstall();
    });

    it('waits and adds modelled latency on the virtual clock when waits are virtual', async () => {
      // Prepare
      const local = runner(
        {
          StartAt: 'Start',
          States: {
            Start: lambdaTask('start', 'Wait A Bit'),
            'Wait A Bit': { Type: 'Wait', Seconds: 300, Next: 'Finish' },
            Finish: lambdaTask('finish', undefined),
          },
        },
        {
          start: async () => ({ at: new Date().toISOString() }),
          finish: async () => ({ at: new Date().toISOString() }),
        },
        { waits: 'virtual', latency: { taskStepMs: () => 142, lambdaMs: () => 58 } },
      );

      // Act
      const { executionArn } = local.startExecution({ name: 'slow', input: '{}' });
      await clock.runAllAsync();
      await local.get(executionArn)?.done;

      // Assess
      const execution = local.get(executionArn);
      expect(execution?.status).toBe('SUCCEEDED');
      expect(JSON.parse(execution?.output ?? '{}')).toEqual({
        result: { at: new Date(T0 + 142 + 58 + 300_000 + 142).toISOString() },
      });
      expect(execution?.stopDate?.getTime()).toBe(T0 + 2 * 200 + 300_000);
      expect(execution?.transitions.find((t) => t.state === 'Finish' && t.event === 'entered')?.at).toBe(
        new Date(T0 + 200 + 300_000).toISOString(),
      );
    });

    it("ends an invocation at its function's timeout (serverless.yml's): the task fails with Lambda.Unknown and nothing the handler goes on doing gets out", async () => {
      // Prepare: a function serverless.yml does not define runs with the provider's timeout, 30 s; it waits 45 s of
      // virtual time, as a handler waits on a client that does not answer, then makes one more call
      const seen: { remainingMs: number[]; afterTimeout?: string } = { remainingMs: [] };
      const local = runner(
        {
          StartAt: 'Slow',
          States: {
            Slow: lambdaTask('slow', undefined, {
              Retry: [{ ErrorEquals: ['Lambda.ServiceException'], IntervalSeconds: 1, MaxAttempts: 2 }],
            }),
          },
        },
        {
          slow: async (_event, context) => {
            seen.remainingMs.push(context.getRemainingTimeInMillis());
            await new Promise((resolve) => setTimeout(resolve, 45_000));
            try {
              refuseTimedOutInvocation('PromoteReadReplica');
              seen.afterTimeout = 'made';
            } catch (error) {
              seen.afterTimeout = (error as Error).message;
            }
            return { done: true };
          },
        },
        { waits: 'virtual' },
      );

      // Act
      const { executionArn } = local.startExecution({ name: 'overrun', input: '{}' });
      await clock.runAllAsync();
      await local.get(executionArn)?.done;

      // Assess: failed at 30 s, not retried (not a Lambda service error); the late call was refused
      const execution = local.get(executionArn);
      expect(execution).toMatchObject({
        status: 'FAILED',
        error: 'Lambda.Unknown',
        cause: 'Task timed out after 30.00 seconds',
      });
      expect(execution?.stopDate?.getTime()).toBe(T0 + 30_000);
      expect(seen.remainingMs).toEqual([30_000]);
      expect(seen.afterTimeout).toBe('slow timed out: Lambda ended the invocation before PromoteReadReplica');
    });

    it('gives each function the timeout it is given, and a handler that ends in time its result', async () => {
      // Prepare: notify's 20 s, as the option gives it; the handler ends at 19 s
      const remaining: number[] = [];
      const local = runner(
        { StartAt: 'Notify', States: { Notify: lambdaTask('notify', undefined) } },
        {
          notify: async (_event, context) => {
            remaining.push(context.getRemainingTimeInMillis());
            await new Promise((resolve) => setTimeout(resolve, 19_000));
            remaining.push(context.getRemainingTimeInMillis());
            refuseTimedOutInvocation('a request to Slack');
            return { posted: true };
          },
        },
        { waits: 'virtual', functionTimeoutMs: (name) => (name === 'notify' ? 20_000 : 1) },
      );

      // Act
      const { executionArn } = local.startExecution({ name: 'in-time', input: '{}' });
      await clock.runAllAsync();
      await local.get(executionArn)?.done;

      // Assess
      expect(local.get(executionArn)?.status).toBe('SUCCEEDED');
      expect(JSON.parse(local.get(executionArn)?.output ?? '{}')).toEqual({ result: { posted: true } });
      expect(remaining).toEqual([20_000, 1_000]);
    });

    it('times out a paused task with States.Timeout after TimeoutSecondsPath of virtual time', async () => {
      // Prepare
      const local = runner(
        {
          StartAt: 'Ask',
          States: {
            Ask: {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
              Parameters: { FunctionName: 'switchback-dev-ask', Payload: { 'token.$': '$$.Task.Token' } },
              TimeoutSecondsPath: '$.timeout',
              End: true,
            },
          },
        },
        { ask: async () => null },
        { waits: 'virtual' },
      );

      // Act
      const { executionArn } = local.startExecution({ name: 'late', input: '{"timeout":1800}' });
      await clock.runAllAsync();
      await local.get(executionArn)?.done;

      // Assess
      expect(local.get(executionArn)).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
      expect(local.get(executionArn)?.stopDate?.getTime()).toBe(T0 + 1_800_000);
      expect(local.pendingTasks()).toEqual([]);
    });
  });
});
