import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  type ExecutionRedriveStatus,
  InvalidExecutionInput,
  InvalidToken,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import type { Context as LambdaContext } from 'aws-lambda';
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  type RunOptions,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import { HISTORY_EVENT_LIMIT, HistoryCounter } from './history';
import { installJsonPathShim } from './jsonpath-shim';
import { functionTimeoutSeconds } from './serverless-config';

/**
 * Runs the product's state machine (statemachines/failover.asl.json) in-process with aws-local-stepfunctions,
 * each Task served by the real handler in functions/<name>.ts, the way Step Functions and Lambda would.
 *
 * Two ways to use it:
 * - in a drill: the virtual clock (sim/clock.ts) fakes `setTimeout`/`Date`, so the engine's Wait states,
 *   retry pauses and task timeouts, and the modelled latencies added here, all run in virtual time;
 * - in state-machine tests: `waits: 'zero'` makes every Wait state and retry pause 0 ms on real time, and the
 *   handlers' AWS calls are served by aws-sdk-client-mock.
 *
 * It also plays the Step Functions API for the simulator (`world.stepFunctions`): StartExecution,
 * SendTaskSuccess/Failure, DescribeExecution, StopExecution, with AWS's semantics for names and task tokens.
 */

/** A Lambda handler as functions/*.ts export it (a middy handler). */
export type LambdaHandler = (event: unknown, context: LambdaContext) => Promise<unknown>;

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** One state transition of an execution, at virtual time. */
export interface Transition {
  /** Execution name (the incident id for alarm-started runs). */
  execution: string;
  state: string;
  type: string;
  event: 'entered' | 'exited' | 'failed' | 'retried' | 'caught';
  at: string;
  /** Map iteration index, for states inside a Map. */
  index?: number;
  error?: string;
  cause?: string;
}

/** What the runner knows of one execution (DescribeExecution reads it). */
export interface LocalExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  /** The input as given to StartExecution (a JSON string). */
  input: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  transitions: Transition[];
  /** Errors of the status-change rule's target (on-run-failed), which EventBridge would retry. */
  deliveryErrors: string[];
  /** The largest output a state of this execution returned, against the payload quota (absent until a state exits). */
  largestState?: { state: string; bytes: number };
  /** Settles once the execution ended and its status-change event (if any) was handled. */
  done: Promise<void>;
}

/** A task that waits for its token (`.waitForTaskToken`) and has not been answered yet. */
export interface PendingTask {
  taskToken: string;
  executionArn: string;
  state: string;
  /** True once the task's function returned: the request is out (e.g. the approval token is stored). */
  delivered: boolean;
}

/** Modelled latencies in milliseconds (sim/timing.ts in a drill); all 0 when omitted. */
export interface RunnerLatency {
  /** Step Functions' overhead of one Lambda task step, added before the handler runs. */
  taskStepMs?: (functionName: string) => number;
  /** The Lambda function's duration, added after the handler returns. */
  lambdaMs?: (functionName: string) => number;
  /** EventBridge delivery of the execution status change to its rule's target. */
  eventDeliveryMs?: () => number;
}

export interface LocalRunnerOptions {
  /** The ASL; default statemachines/failover.asl.json. */
  definition?: StateMachineDefinition;
  /** ARN the executions belong to, e.g. `arn:aws:states:us-west-2:123456789012:stateMachine:switchback-failover`. */
  stateMachineArn: string;
  /** `virtual`: Wait states and retry pauses as the ASL says (on the fake clock in a drill); `zero`: 0 ms. */
  waits?: 'virtual' | 'zero';
  latency?: RunnerLatency;
  /** Finds a function's handler by its short name (`assess`); default: functions/<name>.ts, export `handler`. */
  loadHandler?: (name: string) => Promise<LambdaHandler>;
  /**
   * Each function's Lambda timeout in ms, after which Lambda ends the invocation and the task fails with
   * Lambda.Unknown; default: serverless.yml's (`functions.<name>.timeout`, else `provider.timeout`).
   */
  functionTimeoutMs?: (name: string) => number;
  /**
   * Marks real (not virtual-time) work in flight, so that a virtual clock does not advance during it.
   * The runner wraps module loading with it; default: no tracking.
   */
  track?: <T>(work: Promise<T>) => Promise<T>;
  /**
   * Function that EventBridge's "Step Functions Execution Status Change" rule invokes; null: no rule routes this
   * state machine's executions. Default `on-run-failed`. A drill takes both from serverless.yml
   * (sim/serverless-config.ts statusChangeRoute).
   */
  statusChangeTarget?: string | null;
  /** The statuses that rule matches. Default FAILED, TIMED_OUT and ABORTED (serverless.yml's on-run-failed rule). */
  statusChangeStatuses?: readonly string[];
  /** Called for each state transition as it is logged (live progress). */
  onTransition?: (transition: Transition) => void;
  /**
   * History events (counted as Step Functions would log them, sim/history.ts) past which an execution fails, as a
   * Standard execution does at its quota. Default 25,000 (aws-facts.md, Orchestration: Step Functions quotas).
   */
  historyEventLimit?: number;
  /**
   * Bytes (UTF-8 JSON) a state's output may hold before the execution fails with States.DataLimitExceeded, as Step
   * Functions fails it. Default 262,144: the 256 KiB payload quota (aws-facts.md, Orchestration: Limits).
   */
  payloadLimitBytes?: number;
}

/** Step Functions' quota on a state's input or output: 256 KiB of UTF-8 (aws-facts.md, Orchestration: Limits). */
export const PAYLOAD_LIMIT_BYTES = 256 * 1024;

installJsonPathShim();

/** Where a run's options carry the runner's watch on its states' outputs (see watchStateOutputs). */
const WATCH = Symbol('switchback.watchStateOutputs');
type OutputWatch = (state: string, output: unknown) => void;

/** What the runner reaches into in aws-local-stepfunctions' StateMachine: `execute` and the event logger it gets. */
interface EngineInternals {
  execute(
    input: unknown,
    options: {
      runOptions?: { [WATCH]?: OutputWatch };
      eventLogger: { dispatchStateExitedEvent(state: string, type: string, input: unknown, output: unknown): void };
    },
    cleanup: () => void,
  ): Promise<unknown>;
}

/**
 * State types whose output is a part of their input (InputPath and OutputPath only), which was the output of the state
 * before, already measured: two thirds of the states a poll loop enters (Wait, Choice), not measured again.
 */
const FILTERS_ONLY = new Set(['Choice', 'Wait', 'Succeed', 'Fail']);

/**
 * Shows a run's watch (its run options' WATCH) each state's output as the state exits, before the engine moves to the
 * next state: the engine has no payload quota, and its event log reaches the runner only after the next state may
 * have begun (and invoked a function AWS would never have reached). The states inside a Map or a Parallel are shown
 * too, as they exit: the engine runs each iteration and branch as a state machine of its own, with the run options of
 * the run that holds it, and Step Functions holds their inputs and outputs to the same quota (a Map whose ResultPath
 * drops its iterations' outputs still fails on one that is over it). Installed once, on the engine's class.
 */
const watchStateOutputs = (() => {
  let installed = false;
  return (): void => {
    if (installed) return;
    const engine = StateMachine.prototype as unknown as EngineInternals;
    if (typeof engine.execute !== 'function') {
      throw new Error(
        'aws-local-stepfunctions changed: StateMachine#execute is gone; the payload quota cannot be watched',
      );
    }
    const execute = engine.execute;
    engine.execute = function (this: StateMachine, input, options, cleanup) {
      const watch = options.runOptions?.[WATCH];
      if (watch) {
        const logger = options.eventLogger;
        const exited = logger.dispatchStateExitedEvent.bind(logger);
        logger.dispatchStateExitedEvent = (state, type, stateInput, output) => {
          exited(state, type, stateInput, output);
          if (!FILTERS_ONLY.has(type)) watch(state, output);
        };
      }
      return execute.call(this, input, options, cleanup);
    };
    installed = true;
  };
})();

/** The short function name of a task's `FunctionName`: `${self:service}-${sls:stage}-assess` -> `assess`. */
export const functionNameOf = (functionName: unknown): string => {
  if (typeof functionName !== 'string' || functionName.length === 0) {
    throw new Error('Task Parameters.FunctionName must be a non-empty string');
  }
  const placeholder = /^\$\{self:service\}-\$\{sls:stage\}-([a-z0-9-]+)$/.exec(functionName);
  if (placeholder?.[1]) return placeholder[1];
  const arn = /^arn:aws:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(functionName);
  const name = arn?.[1] ?? functionName;
  // A deployed name is `<service>-<stage>-<function>`; the service and stage are single words here.
  const deployed = /^[a-z0-9]+-[a-z0-9]+-([a-z0-9-]+)$/.exec(name);
  return deployed?.[1] ?? name;
};

const FUNCTIONS_DIR = join(__dirname, '..', 'functions');

/** An invocation in progress: its function, and whether Lambda has ended it at the function's timeout. */
interface Invocation {
  name: string;
  timedOut: boolean;
}

/** The invocation the current code runs in (the async context follows the handler through its awaits). */
const invocation = new AsyncLocalStorage<Invocation>();

/**
 * The short name of the function (`assess`) whose handler, invoked by a LocalRunner, is running the calling code;
 * undefined outside any invocation (the drill itself, the CLI). Lambda runs each function under its own role:
 * this is how the local runtime knows whose role an AWS call would be made with.
 */
export const invokedFunction = (): string | undefined => invocation.getStore()?.name;

/**
 * Throws when the calling code runs in an invocation that Lambda has ended at its function's timeout. Lambda stops
 * the function there; a JavaScript promise cannot be stopped, so the simulator's doors refuse it instead: every AWS
 * call (sim/sdk-plugin.ts) and every notification request (sim/drill.ts) checks this first, and nothing the handler
 * goes on doing reaches the world.
 */
export const refuseTimedOutInvocation = (what: string): void => {
  const current = invocation.getStore();
  if (current?.timedOut) {
    throw new Error(`${current.name} timed out: Lambda ended the invocation before ${what}`);
  }
};

/**
 * Runs `work` outside any function's invocation: what the drill itself does (reading the ledger for its report) is
 * not a call of the function whose code happened to start an execution.
 */
export const outsideInvocation = <T>(work: () => T): T => invocation.exit(work);

let middyResolvable = false;
/**
 * middy 7 ships ESM only and exports only an `import` condition, so `require('@middy/core')` (what tsx turns the
 * handlers' imports into, the package being CommonJS) finds no entry. Node 22 can require an ES module by its
 * file, so map `@middy/<name>` to its index.js, as jest.config.js does for the tests. Jest resolves modules itself
 * and never reaches this hook.
 */
const allowRequireOfMiddy = (): void => {
  if (middyResolvable) return;
  middyResolvable = true;
  const Module = require('node:module') as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function resolveMiddy(this: unknown, request: string, ...rest: unknown[]): string {
    const middy = /^@middy\/([a-z-]+)$/.exec(request);
    const mapped = middy ? join(__dirname, '..', 'node_modules', '@middy', middy[1] as string, 'index.js') : request;
    return resolve.call(this, mapped, ...rest);
  };
};

/** Loads functions/<name>.ts lazily (the first call of each function pays its import, like a cold start). */
export const loadFunctionHandler = async (name: string): Promise<LambdaHandler> => {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`"${name}" is not a function name (kebab-case expected)`);
  allowRequireOfMiddy();
  let mod: { handler?: unknown };
  try {
    mod = (await import(join(FUNCTIONS_DIR, `${name}.ts`))) as { handler?: unknown };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') {
      throw new Error(`No handler for function "${name}": functions/${name}.ts does not exist`);
    }
    throw error;
  }
  if (typeof mod.handler !== 'function') throw new Error(`functions/${name}.ts does not export "handler"`);
  return mod.handler as LambdaHandler;
};

/** Reads the product's failover state machine. */
export const loadFailoverDefinition = (): StateMachineDefinition =>
  JSON.parse(readFileSync(join(__dirname, '..', 'statemachines', 'failover.asl.json'), 'utf8'));

/** Reads the product's restore-test state machine. */
export const loadRestoreTestDefinition = (): StateMachineDefinition =>
  JSON.parse(readFileSync(join(__dirname, '..', 'statemachines', 'restore-test.asl.json'), 'utf8'));

const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const LAMBDA_INVOKE_WAIT = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const FAILED_STATUSES: readonly ExecutionStatus[] = ['FAILED', 'TIMED_OUT', 'ABORTED'];

type AnyState = {
  Type: string;
  Resource?: string;
  Retry?: unknown[];
  ItemProcessor?: Machine;
  Iterator?: Machine;
  Branches?: Machine[];
};
type Machine = { States: Record<string, AnyState> };

/** Every state of a definition, nested Map and Parallel states included. */
const allStates = (machine: Machine): [string, AnyState][] =>
  Object.entries(machine.States).flatMap(([name, state]) => [
    [name, state] as [string, AnyState],
    ...[state.ItemProcessor, state.Iterator, ...(state.Branches ?? [])].flatMap((inner) =>
      inner ? allStates(inner) : [],
    ),
  ]);

const TIMEOUT_PARAMETER = 'localRunnerTimeoutSeconds';

/**
 * The definition as aws-local-stepfunctions 3.0 must see it to behave like Step Functions:
 * - it evaluates `TimeoutSecondsPath` against the task's Parameters output, where Step Functions evaluates it
 *   against the state input (`$.assessment.approvalTimeoutSeconds` would not resolve): the copy evaluates the path
 *   inside Parameters and points TimeoutSecondsPath at the copied value (the task override reads only
 *   FunctionName and Payload);
 * - it treats `ResultPath: "$"` as a field named "$" instead of "the whole result": the copy omits it, which
 *   means the same in the States Language (the result replaces the input), in states and in catchers.
 */
export const adaptForEngine = (definition: StateMachineDefinition): StateMachineDefinition => {
  // A JSON copy, not structuredClone: the engine checks for plain objects by prototype, which must be this realm's.
  const copy = JSON.parse(JSON.stringify(definition)) as Machine;
  for (const [, state] of allStates(copy)) {
    const task = state as AnyState & {
      TimeoutSecondsPath?: string;
      Parameters?: Record<string, unknown>;
      ResultPath?: string | null;
      Catch?: { ResultPath?: string | null }[];
    };
    if (task.ResultPath === '$') delete task.ResultPath;
    for (const catcher of task.Catch ?? []) if (catcher.ResultPath === '$') delete catcher.ResultPath;
    if (task.Type !== 'Task' || !task.TimeoutSecondsPath || !task.Parameters) continue;
    task.Parameters = { ...task.Parameters, [`${TIMEOUT_PARAMETER}.$`]: task.TimeoutSecondsPath };
    task.TimeoutSecondsPath = `$.${TIMEOUT_PARAMETER}`;
  }
  return copy as unknown as StateMachineDefinition;
};

const sleep = (ms: number): Promise<void> =>
  ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();

/** An error as the engine matches it: `name` is what Retry/Catch compare, `message` becomes the Cause. */
const taskError = (name: string, message: string): Error => {
  const error = new Error(message);
  error.name = name;
  return error;
};

const toTaskError = (error: unknown): Error =>
  error instanceof Error ? taskError(error.name || 'Error', error.message) : taskError('Error', String(error));

interface TokenEntry {
  executionArn: string;
  state?: string;
  delivered: boolean;
  open: boolean;
  closedBecause?: 'answered' | 'timed-out' | 'execution-ended';
  resolve(output: unknown): void;
  reject(error: Error): void;
  answer: Promise<unknown>;
}

const validated = new Set<string>();

/**
 * The environment variable through which a test run shares which definitions already passed the engine's
 * validation (test/global-setup.ts validates the product's state machines once, before the suites start): one
 * SHA-256 per engine-ready definition, comma-separated. Only a definition with exactly that content skips validation.
 */
export const VALIDATED_DEFINITIONS_ENV = 'SWITCHBACK_SIM_VALIDATED_ASL';

const digestOf = (engineReady: string): string => createHash('sha256').update(engineReady).digest('hex');

/**
 * The engine and validator releases a validation holds for: a definition that passed one release is validated
 * again under another. Undefined when they cannot be told (then nothing is remembered across processes).
 */
const validatorRelease = ((): string | undefined => {
  try {
    const engine = require.resolve('aws-local-stepfunctions');
    const version = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
    const engineVersion = version(join(dirname(engine), '..', 'package.json'));
    const validatorVersion = version(require.resolve('asl-validator/package.json', { paths: [dirname(engine)] }));
    return `aws-local-stepfunctions@${engineVersion} asl-validator@${validatorVersion}`;
  } catch {
    return undefined;
  }
})();

/**
 * Definitions that passed the engine's validation in an earlier process (a drill from the CLI, the soak's
 * workers, a test run): one SHA-256 a line, of the engine-ready definition and the validator release, beside the
 * project's other caches. Validating the five runbooks costs 2-3 s of CPU (ajv compiles asl-validator's schemas
 * on every call); the result depends only on that content, so a process need not pay it again. Best effort: a
 * cache that cannot be read or written only means validating again.
 */
export const VALIDATED_CACHE = join(__dirname, '..', 'node_modules', '.cache', 'switchback', 'validated-asl');

const cacheKeyOf = (engineReady: string): string | undefined =>
  validatorRelease === undefined ? undefined : digestOf(`${validatorRelease}\n${engineReady}`);

/** The line VALIDATED_CACHE holds for a definition that passed (undefined when releases cannot be told). */
export const validationCacheKey = (definition: StateMachineDefinition): string | undefined =>
  cacheKeyOf(JSON.stringify(adaptForEngine(definition)));

let validatedEarlier: Set<string> | undefined;
const passedEarlier = (engineReady: string): boolean => {
  const key = cacheKeyOf(engineReady);
  if (key === undefined) return false;
  if (!validatedEarlier) {
    try {
      validatedEarlier = new Set(readFileSync(VALIDATED_CACHE, 'utf8').split('\n').filter(Boolean));
    } catch {
      validatedEarlier = new Set();
    }
  }
  return validatedEarlier.has(key);
};

const rememberPassed = (engineReady: string): void => {
  const key = cacheKeyOf(engineReady);
  if (key === undefined || validatedEarlier?.has(key)) return;
  validatedEarlier?.add(key);
  try {
    mkdirSync(dirname(VALIDATED_CACHE), { recursive: true });
    appendFileSync(VALIDATED_CACHE, `${key}\n`);
  } catch {
    // Not remembered: the next process validates it again.
  }
};

/**
 * Validates a definition as the engine does when it builds a state machine (asl-validator, paths and ARNs checked),
 * after the same adaptation as LocalRunner's; returns its digest for VALIDATED_DEFINITIONS_ENV. Throws when invalid.
 */
export const validateForEngine = (definition: StateMachineDefinition): string => {
  const key = JSON.stringify(adaptForEngine(definition));
  if (!validatedInThisRun(key)) {
    new StateMachine(JSON.parse(key) as StateMachineDefinition);
    rememberPassed(key);
  }
  validated.add(key);
  return digestOf(key);
};

const validatedInThisRun = (key: string): boolean =>
  validated.has(key) ||
  (process.env[VALIDATED_DEFINITIONS_ENV] ?? '').split(',').includes(digestOf(key)) ||
  passedEarlier(key);

/** The local Step Functions: see the module comment. */
export class LocalRunner {
  private readonly definition: StateMachineDefinition;
  private readonly machine: StateMachine;
  private readonly executions = new Map<string, LocalExecution>();
  private readonly aborts = new Map<string, () => void>();
  private readonly tokens = new Map<string, TokenEntry>();
  private readonly handlers = new Map<string, Promise<LambdaHandler>>();
  /** Executions stopped because their history reached the quota. */
  private readonly overQuota = new Set<string>();
  /** Executions asked to stop (StopExecution, a quota): no Task of theirs starts from then on (runTask). */
  private readonly stopped = new Set<string>();
  /** Executions stopped because a state's output was over the payload quota: the state and the output's bytes. */
  private readonly overPayload = new Map<string, { state: string; bytes: number }>();
  private readonly region: string;
  private readonly account: string;
  private readonly stateMachineName: string;
  /** Called with each execution this runner starts (the drill watches a game day's legs end with it). */
  onStart?: (execution: LocalExecution) => void;
  private requestCount = 0;
  private tokenCount = 0;
  private inFlight = 0;

  constructor(private readonly options: LocalRunnerOptions) {
    const arn = /^arn:aws:states:([^:]+):([^:]+):stateMachine:(.+)$/.exec(options.stateMachineArn);
    if (!arn?.[1] || !arn[2] || !arn[3]) {
      throw new Error(
        `stateMachineArn "${options.stateMachineArn}" is not a state machine ARN (arn:aws:states:<region>:<account>:stateMachine:<name>)`,
      );
    }
    [this.region, this.account, this.stateMachineName] = [arn[1], arn[2], arn[3]];
    this.definition = options.definition ?? loadFailoverDefinition();
    const runnable = adaptForEngine(this.definition);
    const key = JSON.stringify(runnable);
    // Validation costs 250-600 ms of CPU per construction; a definition that passed once need not pay it again.
    const passed = validatedInThisRun(key);
    this.machine = new StateMachine(runnable, { validationOptions: { noValidate: passed } });
    watchStateOutputs();
    if (!passed) rememberPassed(key);
    validated.add(key);
  }

  /**
   * StartExecution. The same name with the same input as a running execution is idempotent (returns that execution);
   * the same name with another input, or as an execution that has ended (whatever its input), throws
   * ExecutionAlreadyExists, as Step Functions Standard does (aws-facts.md, Orchestration; Step Functions API
   * Reference, StartExecution: "When the original execution is closed, the ExecutionAlreadyExists message is
   * returned regardless of input").
   */
  startExecution(request: { stateMachineArn?: string; name?: string; input?: string }): {
    executionArn: string;
    startDate: Date;
  } {
    if (request.stateMachineArn !== undefined && request.stateMachineArn !== this.options.stateMachineArn) {
      throw new ExecutionDoesNotExist({
        message: `State Machine Does Not Exist: '${request.stateMachineArn}'`,
        $metadata: { httpStatusCode: 400 },
      });
    }
    const name = request.name ?? `execution-${this.executions.size + 1}`;
    const input = request.input ?? '{}';
    const executionArn = `arn:aws:states:${this.region}:${this.account}:execution:${this.stateMachineName}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      if (existing.input === input && existing.status === 'RUNNING') {
        return { executionArn, startDate: existing.startDate };
      }
      throw new ExecutionAlreadyExists({
        message: `Execution Already Exists: '${executionArn}'`,
        $metadata: { httpStatusCode: 400 },
      });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(input);
    } catch {
      throw new InvalidExecutionInput({ message: 'Invalid State Machine Execution Input', $metadata: {} });
    }
    const startDate = new Date();
    const execution: LocalExecution = {
      executionArn,
      stateMachineArn: this.options.stateMachineArn,
      name,
      input,
      status: 'RUNNING',
      startDate,
      transitions: [],
      deliveryErrors: [],
      done: Promise.resolve(),
    };
    this.executions.set(executionArn, execution);
    execution.done = this.run(execution, parsed);
    this.onStart?.(execution);
    return { executionArn, startDate };
  }

  /** SendTaskSuccess: the paused task returns `output` (a JSON string). */
  sendTaskSuccess(request: { taskToken: string; output: string }): void {
    const entry = this.openToken(request.taskToken);
    let output: unknown;
    try {
      output = JSON.parse(request.output);
    } catch {
      throw new InvalidToken({ message: 'Invalid output: not JSON', $metadata: { httpStatusCode: 400 } });
    }
    entry.open = false;
    entry.closedBecause = 'answered';
    entry.resolve(output);
  }

  /** SendTaskFailure: the paused task fails with `error` (matched by Retry/Catch) and `cause`. */
  sendTaskFailure(request: { taskToken: string; error?: string; cause?: string }): void {
    const entry = this.openToken(request.taskToken);
    entry.open = false;
    entry.closedBecause = 'answered';
    entry.reject(taskError(request.error ?? 'States.TaskFailed', request.cause ?? ''));
  }

  /** DescribeExecution, shaped like the SDK's output. */
  describeExecution(request: { executionArn: string }): {
    executionArn: string;
    stateMachineArn: string;
    name: string;
    status: ExecutionStatus;
    startDate: Date;
    stopDate?: Date;
    input: string;
    output?: string;
    error?: string;
    cause?: string;
    redriveCount: number;
    redriveStatus: ExecutionRedriveStatus;
    redriveStatusReason?: string;
  } {
    const execution = this.executions.get(request.executionArn);
    if (!execution) {
      throw new ExecutionDoesNotExist({
        message: `Execution Does Not Exist: '${request.executionArn}'`,
        $metadata: { httpStatusCode: 400 },
      });
    }
    const { transitions: _t, deliveryErrors: _d, done: _done, ...described } = execution;
    return { ...described, redriveCount: 0, ...this.redriveStatus(execution) };
  }

  /**
   * Whether RedriveExecution would take the execution, as DescribeExecution says (its redriveStatusReason wording, API
   * reference): not while it runs, not once it succeeded, not past its history's quota. The 14-day window never
   * closes within a drill.
   */
  private redriveStatus(execution: LocalExecution): {
    redriveStatus: ExecutionRedriveStatus;
    redriveStatusReason?: string;
  } {
    const not = (reason: string) => ({ redriveStatus: 'NOT_REDRIVABLE' as const, redriveStatusReason: reason });
    if (execution.status === 'RUNNING') return not('Execution is RUNNING and cannot be redriven');
    if (execution.status === 'SUCCEEDED') return not('Execution is SUCCEEDED and cannot be redriven');
    if (this.overQuota.has(execution.executionArn)) return not('Execution history event limit exceeded');
    return { redriveStatus: 'REDRIVABLE' as const };
  }

  /** StopExecution: the execution ends ABORTED (and the status-change rule fires). */
  stopExecution(request: { executionArn: string }): void {
    this.describeExecution(request);
    this.aborts.get(request.executionArn)?.();
  }

  /** All executions, in start order. */
  list(): LocalExecution[] {
    return [...this.executions.values()];
  }

  get(executionArn: string): LocalExecution | undefined {
    return this.executions.get(executionArn);
  }

  /** Tasks paused on `.waitForTaskToken` that nobody has answered yet. */
  pendingTasks(): PendingTask[] {
    return [...this.tokens.entries()]
      .filter(([, entry]) => entry.open && entry.state !== undefined)
      .map(([taskToken, entry]) => ({
        taskToken,
        executionArn: entry.executionArn,
        state: entry.state ?? '',
        delivered: entry.delivered,
      }));
  }

  /** True when no execution runs and no status-change delivery is in flight. */
  get idle(): boolean {
    return this.inFlight === 0;
  }

  /** True when every running execution is paused on a task token (waiting for a person). */
  get onlyWaitingForTokens(): boolean {
    const running = this.list().filter((execution) => execution.status === 'RUNNING');
    return (
      running.length > 0 &&
      running.every((execution) =>
        this.pendingTasks().some((task) => task.executionArn === execution.executionArn && task.delivered),
      )
    );
  }

  private openToken(taskToken: string): TokenEntry {
    const entry = this.tokens.get(taskToken);
    if (!entry) throw new InvalidToken({ message: 'Invalid Token', $metadata: { httpStatusCode: 400 } });
    if (!entry.open) {
      throw new TaskTimedOut({
        message: `Task Timed Out: the task ${entry.closedBecause === 'answered' ? 'was already answered' : 'is no longer waiting'}`,
        $metadata: { httpStatusCode: 400 },
      });
    }
    return entry;
  }

  private issueToken(executionArn: string, executionName: string): string {
    this.tokenCount += 1;
    // Deterministic, opaque enough, and unique per runner: a drill's report must not depend on randomness.
    const token = Buffer.from(`${executionName}#task#${this.tokenCount}`).toString('base64url');
    let resolve!: (output: unknown) => void;
    let reject!: (error: Error) => void;
    const answer = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // A token nobody waits on must not surface as an unhandled rejection.
    answer.catch(() => undefined);
    this.tokens.set(token, { executionArn, open: true, delivered: false, resolve, reject, answer });
    return token;
  }

  private async run(execution: LocalExecution, input: unknown): Promise<void> {
    this.inFlight += 1;
    try {
      const { executionArn, name } = execution;
      const issue = () => this.issueToken(executionArn, name);
      const context = {
        Execution: {
          Id: executionArn,
          Name: name,
          StartTime: execution.startDate.toISOString(),
          RoleArn: `arn:aws:iam::${this.account}:role/${this.stateMachineName}-role`,
        },
        StateMachine: { Id: this.options.stateMachineArn, Name: this.stateMachineName },
        // The engine does not implement task tokens: each read of $$.Task.Token issues a fresh one.
        Task: {
          get Token() {
            return issue();
          },
        },
      };
      const watch: OutputWatch = (state, output) => this.checkPayload(executionArn, state, output);
      const running = this.machine.run(
        input as never,
        {
          overrides: this.overrides(executionArn),
          context: context as RunOptions['context'],
          [WATCH]: watch,
        } as RunOptions,
      );
      this.aborts.set(executionArn, () => {
        this.stopped.add(executionArn);
        running.abort();
      });
      // A state cannot exit before run() returns (the engine awaits each state), but if one could, stop it now.
      if (this.overPayload.has(executionArn)) running.abort();
      const logging = this.consumeEvents(execution, running.eventLogs);
      try {
        const output = await running.result;
        execution.status = 'SUCCEEDED';
        execution.output = JSON.stringify(output);
      } catch (error) {
        this.recordFailure(execution, error);
      }
      execution.stopDate = new Date();
      await logging;
      this.aborts.delete(executionArn);
      for (const entry of this.tokens.values()) {
        if (entry.executionArn === executionArn && entry.open) {
          entry.open = false;
          entry.closedBecause = 'execution-ended';
          // Settles the engine's waiting task, whose TimeoutSeconds timer would otherwise outlive the execution.
          entry.reject(taskError('States.Aborted', 'the execution ended while the task waited for its token'));
        }
      }
      if ((this.options.statusChangeStatuses ?? FAILED_STATUSES).includes(execution.status)) {
        await this.deliverStatusChange(execution);
      }
    } finally {
      this.inFlight -= 1;
    }
  }

  private recordFailure(execution: LocalExecution, error: unknown): void {
    if (error instanceof ExecutionTimeoutError) {
      execution.status = 'TIMED_OUT';
      execution.error = 'States.Timeout';
      execution.cause = 'The execution ran longer than the state machine TimeoutSeconds';
    } else if (error instanceof ExecutionAbortedError && this.overQuota.has(execution.executionArn)) {
      // Step Functions fails an execution whose history reaches the quota; the error name is a modelling choice.
      execution.status = 'FAILED';
      execution.error = 'States.Runtime';
      execution.cause = `The execution reached the maximum number of history events (${this.historyEventLimit()})`;
    } else if (error instanceof ExecutionAbortedError && this.overPayload.has(execution.executionArn)) {
      // Terminal: no Catch matches it, States.ALL included (Step Functions Developer Guide, error names).
      const { state, bytes } = this.overPayload.get(execution.executionArn) as { state: string; bytes: number };
      execution.status = 'FAILED';
      execution.error = 'States.DataLimitExceeded';
      execution.cause = `The state "${state}" returned an output of ${bytes} bytes, over the payload quota of ${this.payloadLimitBytes()} bytes`;
    } else if (error instanceof ExecutionAbortedError) {
      execution.status = 'ABORTED';
    } else {
      const cause = error instanceof ExecutionError ? (error.cause as Error | undefined) : (error as Error);
      execution.status = 'FAILED';
      execution.error = cause?.name ?? 'States.Runtime';
      execution.cause = cause?.message ?? String(error);
    }
  }

  private async consumeEvents(execution: LocalExecution, eventLog: AsyncGenerator<unknown>): Promise<void> {
    const events = eventLog as AsyncGenerator<{ type: string; timestamp: number; [key: string]: unknown }>;
    const kinds: Record<string, Transition['event']> = {
      StateEntered: 'entered',
      StateExited: 'exited',
      StateFailed: 'failed',
      StateRetried: 'retried',
      StateCaught: 'caught',
    };
    const history = new HistoryCounter(this.definition);
    for await (const event of events) {
      const kind = kinds[event.type];
      const state = event.state as { name: string; type: string } | undefined;
      if (!kind || !state) continue;
      const transition: Transition = {
        execution: execution.name,
        state: state.name,
        type: state.type,
        event: kind,
        at: new Date(event.timestamp).toISOString(),
      };
      if (typeof event.index === 'number') transition.index = event.index;
      if (kind === 'failed') {
        transition.error = String(event.Error);
        transition.cause = typeof event.Cause === 'string' ? event.Cause : JSON.stringify(event.Cause);
        this.expireTokens(execution.executionArn, state.name, String(event.Error));
      }
      execution.transitions.push(transition);
      this.options.onTransition?.(transition);
      history.add(transition);
      // +1: the ExecutionFailed event that ends it.
      if (history.events + 1 > this.historyEventLimit() && !this.overQuota.has(execution.executionArn)) {
        this.overQuota.add(execution.executionArn);
        this.aborts.get(execution.executionArn)?.();
      }
    }
  }

  /**
   * Step Functions fails the execution (States.DataLimitExceeded) when a state's output is over the payload quota:
   * the runner stops it there, before the next state begins, and records why (recordFailure).
   */
  private checkPayload(executionArn: string, state: string, output: unknown): void {
    if (this.overPayload.has(executionArn)) return;
    const bytes = Buffer.byteLength(JSON.stringify(output) ?? 'null');
    const execution = this.executions.get(executionArn);
    if (execution && bytes > (execution.largestState?.bytes ?? -1)) execution.largestState = { state, bytes };
    if (bytes <= this.payloadLimitBytes()) return;
    this.overPayload.set(executionArn, { state, bytes });
    this.aborts.get(executionArn)?.();
  }

  private payloadLimitBytes(): number {
    return this.options.payloadLimitBytes ?? PAYLOAD_LIMIT_BYTES;
  }

  private historyEventLimit(): number {
    return this.options.historyEventLimit ?? HISTORY_EVENT_LIMIT;
  }

  /** A `.waitForTaskToken` task that timed out (States.Timeout) no longer accepts an answer. */
  private expireTokens(executionArn: string, state: string, error: string): void {
    if (error !== 'States.Timeout') return;
    for (const entry of this.tokens.values()) {
      if (entry.executionArn === executionArn && entry.state === state && entry.open) {
        entry.open = false;
        entry.closedBecause = 'timed-out';
      }
    }
  }

  private overrides(executionArn: string): NonNullable<RunOptions['overrides']> {
    const states = allStates(this.definition as unknown as Machine);
    const taskResourceLocalHandlers: Record<string, (input: never) => Promise<never>> = {};
    const waitTimeOverrides: Record<string, number> = {};
    const retryIntervalOverrides: Record<string, number> = {};
    for (const [name, state] of states) {
      if (state.Type === 'Task') {
        taskResourceLocalHandlers[name] = ((input: unknown) =>
          this.runTask(executionArn, name, state.Resource ?? '', input)) as never;
      }
      if (this.options.waits === 'zero') {
        if (state.Type === 'Wait') waitTimeOverrides[name] = 0;
        if (state.Retry) retryIntervalOverrides[name] = 0;
      }
    }
    return { taskResourceLocalHandlers, waitTimeOverrides, retryIntervalOverrides } as unknown as NonNullable<
      RunOptions['overrides']
    >;
  }

  private async runTask(executionArn: string, state: string, resource: string, input: unknown): Promise<unknown> {
    // The engine starts a Map's queued iterations (MaxConcurrency) and a Task's retries on their own timers, even
    // after the execution was stopped or failed; Step Functions starts nothing once an execution ends.
    if (this.stopped.has(executionArn) || this.executions.get(executionArn)?.status !== 'RUNNING') {
      throw taskError('States.Runtime', `"${state}" not started: its execution has ended`);
    }
    if (resource !== LAMBDA_INVOKE && resource !== LAMBDA_INVOKE_WAIT) {
      throw taskError('States.Runtime', `The local runner serves Lambda tasks only; "${state}" uses ${resource}`);
    }
    const parameters = (input ?? {}) as { FunctionName?: unknown; Payload?: unknown };
    const name = functionNameOf(parameters.FunctionName);
    const payload = parameters.Payload ?? {};
    if (resource === LAMBDA_INVOKE) {
      const result = await this.invoke(name, payload);
      return { Payload: result, StatusCode: 200, ExecutedVersion: '$LATEST' };
    }
    const tokens = this.tokensIn(payload);
    if (tokens.length === 0) {
      throw taskError(
        'States.Runtime',
        `"${state}" waits for a task token but its Payload does not pass $$.Task.Token`,
      );
    }
    for (const token of tokens) {
      const entry = this.tokens.get(token);
      if (entry) entry.state = state;
    }
    await this.invoke(name, payload);
    const entry = this.tokens.get(tokens[0] as string) as TokenEntry;
    entry.delivered = true;
    return entry.answer;
  }

  /** Tokens this runner issued that appear anywhere in a payload. */
  private tokensIn(value: unknown): string[] {
    if (typeof value === 'string') return this.tokens.has(value) ? [value] : [];
    if (Array.isArray(value)) return value.flatMap((item) => this.tokensIn(item));
    if (value && typeof value === 'object') return Object.values(value).flatMap((item) => this.tokensIn(item));
    return [];
  }

  /**
   * Invokes a function like Lambda: JSON in, JSON out, a thrown error keeps its name (Retry/Catch match it).
   * `viaStateMachine: false` for event-driven invocations (EventBridge targets), which pay no Step Functions step.
   */
  async invoke(name: string, payload: unknown, options: { viaStateMachine?: boolean } = {}): Promise<unknown> {
    const latency = this.options.latency;
    if (options.viaStateMachine !== false) await sleep(latency?.taskStepMs?.(name) ?? 0);
    // Drawn before the handler runs: handlers finish in an order that real I/O decides, they start in virtual order.
    const durationMs = latency?.lambdaMs?.(name) ?? 0;
    let handler = this.handlers.get(name);
    if (!handler) {
      const load = this.options.loadHandler ?? loadFunctionHandler;
      handler = this.options.track ? this.options.track(load(name)) : load(name);
      this.handlers.set(name, handler);
    }
    let result: unknown;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const fn = await handler;
      const event = JSON.parse(JSON.stringify(payload));
      const timeoutMs = this.options.functionTimeoutMs?.(name) ?? functionTimeoutSeconds(name) * 1000;
      const current: Invocation = { name, timedOut: false };
      // Lambda ends the invocation at the function's timeout, whatever the handler is waiting on (virtual time in a
      // drill); Step Functions reports it as Lambda.Unknown (Step Functions Developer Guide, best practices: "Unhandled
      // errors in Lambda are reported as Lambda.Unknown ... These include out-of-memory errors and function timeouts").
      const ended = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          current.timedOut = true;
          reject(taskError('Lambda.Unknown', `Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`));
        }, timeoutMs);
      });
      const running = invocation.run(current, () => fn(event, this.lambdaContext(name, timeoutMs)));
      result = await Promise.race([running, ended]);
    } catch (error) {
      throw toTaskError(error);
    } finally {
      clearTimeout(timer);
    }
    await sleep(durationMs);
    return result === undefined ? null : JSON.parse(JSON.stringify(result));
  }

  private lambdaContext(name: string, timeoutMs: number): LambdaContext {
    this.requestCount += 1;
    const functionName = `switchback-local-${name}`;
    const deadline = Date.now() + timeoutMs;
    return {
      callbackWaitsForEmptyEventLoop: true,
      functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${this.region}:${this.account}:function:${functionName}`,
      memoryLimitInMB: '1024',
      awsRequestId: `00000000-0000-4000-8000-${this.requestCount.toString(16).padStart(12, '0')}`,
      logGroupName: `/aws/lambda/${functionName}`,
      logStreamName: 'local',
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
  }

  /**
   * Emulates the EventBridge rule on "Step Functions Execution Status Change" (FAILED, TIMED_OUT, ABORTED):
   * the target receives the event shaped as AWS sends it, after the modelled delivery delay.
   */
  private async deliverStatusChange(execution: LocalExecution): Promise<void> {
    const target = this.options.statusChangeTarget === undefined ? 'on-run-failed' : this.options.statusChangeTarget;
    if (target === null) return;
    await sleep(this.options.latency?.eventDeliveryMs?.() ?? 0);
    const event = {
      version: '0',
      id: `status-change-${execution.name}`,
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      account: this.account,
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.region,
      resources: [execution.executionArn],
      detail: {
        executionArn: execution.executionArn,
        stateMachineArn: execution.stateMachineArn,
        name: execution.name,
        status: execution.status,
        startDate: execution.startDate.getTime(),
        stopDate: execution.stopDate?.getTime() ?? null,
        input: execution.input,
        output: null,
        inputDetails: { included: true },
        outputDetails: null,
        error: execution.error ?? null,
        cause: execution.cause ?? null,
      },
    };
    try {
      await this.invoke(target, event, { viaStateMachine: false });
    } catch (error) {
      execution.deliveryErrors.push(`${(error as Error).name}: ${(error as Error).message}`);
    }
  }
}
