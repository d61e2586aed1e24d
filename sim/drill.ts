import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import type { Pluggable } from '@smithy/types';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { resetClients, useClientPlugin } from '../shared/aws/clients';
import { resetDnsAnswers, useDnsAnswers } from '../shared/aws/dns-answers';
import { StsIdentity } from '../shared/aws/identity';
import { DynamoLedger } from '../shared/aws/ledger';
import { RdsAdapter } from '../shared/aws/rds';
import { DynamoRestoreTestLedger } from '../shared/aws/restore-test-ledger';
import { Route53Adapter } from '../shared/aws/route53';
import { StepFunctionsWorkflow } from '../shared/aws/workflow';
import { describeReprotectBack } from '../shared/domain/failback';
import type { PreflightFinding } from '../shared/domain/preflight';
import { signalKind } from '../shared/domain/quorum';
import type { ReadinessChange } from '../shared/domain/readiness';
import type { RestoreTestRecord } from '../shared/domain/restore-test';
import {
  type ApprovalRequestedDetail,
  DETAIL_TYPES,
  EVENT_SOURCE,
  type PhaseChangedDetail,
  type ReprotectBackDetail,
  type RunRecord,
  runInputSchema,
} from '../shared/domain/run';
import { currentTopology, type DatabaseCopy, type DatabaseTopology, type Topology } from '../shared/domain/topology';
import { LockHeldError } from '../shared/errors';
import { DEFAULT_RETRY_POLICY } from '../shared/notify/delivery';
import { loadPlanFile, PlanRegistry } from '../shared/plan/load';
import type { Plan } from '../shared/plan/schema';
import { logger } from '../shared/runtime/logger';
import { setPlans } from '../shared/runtime/plans';
import { coldStart } from '../shared/runtime/warm';
import { answerApproval as answerPendingApproval } from '../shared/usecases/answer-approval';
import { runPreflight } from '../shared/usecases/read-preflight';
import { RESTORE_TEST_DETAIL_TYPES } from '../shared/usecases/restore-test/record-restore-test';
import { VirtualClock } from './clock';
import { checkDns, type DnsAnswer, judgeDns, readDnsAnswers } from './dns-answers';
import { setEnvironment } from './environment';
import { DrillStuckError, SimStallError } from './errors';
import { type FenceProbe, fenceEvidence, probeFence } from './fence-watch';
import { type LocalLedger, type SdkHttpRequest, startLocalLedger } from './local-ledger';
import {
  invokedFunction,
  type LambdaHandler,
  type LocalExecution,
  LocalRunner,
  type LocalRunnerOptions,
  loadRestoreTestDefinition,
  outsideInvocation,
  refuseTimedOutInvocation,
  type Transition,
} from './local-runner';
import { ROUTE53_METRICS_REGION } from './models/cloudwatch';
import { roleEnvironment } from './models/iam';
import type { RestoreFaults } from './models/restore';
import { simWiringTargets, wiringEnvironment } from './models/wiring';
import type { DrillProgress } from './progress';
import { Random } from './random';
import {
  buildReport,
  type DrillAction,
  type DrillEvent,
  type DrillLeg,
  type DrillOutcome,
  type DrillReport,
  writeReport,
} from './report';
import { formatSeconds } from './report-html';
import { buildScenario, SCENARIO_NAMES, type ScenarioName, scenarioPlan } from './scenarios';
import { createSimPlugin, SIM_PLACEMENT } from './sdk-plugin';
import { statusChangeRoute } from './serverless-config';
import { type SlackServer, startSlackServer } from './slack-server';
import type { TimingModel, TimingOverrides } from './timing';
import {
  DRILL_ACCESS_KEY_ID,
  reprotectedTopology,
  type ScenarioSpec,
  type SimAction,
  type SimStepFunctions,
  World,
} from './world';
import { checkWriters } from './writer-check';

/**
 * A local drill: a simulated two-region AWS (sim/world.ts) on a virtual clock, a real DynamoDB ledger (dynalite on
 * loopback), and the product itself: the failover state machine run by sim/local-runner.ts, every handler of
 * functions/ called in-process, their AWS SDK clients answered by the simulator. The scenario injects the outage;
 * the health alarm starts the failover as it would in AWS; the report reads what the product recorded.
 */

export interface DrillOptions {
  planFile: string;
  /** Default `region-outage`. */
  scenario?: string;
  /** Default 1. */
  seed?: number;
  /** Timing overrides on top of the scenario's (sim/timing.ts), e.g. `{ rds: { promoteSeconds: 3600 } }`. */
  timing?: TimingOverrides;
  /** Answer a pending approval after a modelled human delay; without it the drill stops at the question. */
  answer?: 'approve' | 'deny';
  /** When given, writes `<incidentId>.json` and `.html` there. */
  outDir?: string;
  /** A real Slack incoming webhook for the plan's notifications; otherwise a local one prints a preview. */
  slackWebhookUrl?: string;
  /** Where the local Slack prints each message's text; `false`: nowhere. Default: stdout. */
  slackPreview?: false | ((text: string) => void);
  /** The product's logs on stdout (Powertools, INFO). */
  verbose?: boolean;
  onProgress?: (event: DrillProgress) => void;
  /**
   * Called once the world is built, before time runs (tests schedule probes on `world.clock`, or invoke a function
   * that no event of the drill invokes, such as the scheduled readiness, through `runner`).
   */
  onWorld?: (world: World, runner: LocalRunner) => void;
  /**
   * Real milliseconds the whole drill may take before it is stopped with a DrillStuckError that names where it
   * was stuck. Default 120000 (a drill takes well under 2 s on a quiet machine).
   */
  wallTimeoutMs?: number;
  /**
   * Real milliseconds that work the virtual clock waits on (a call to the drill's DynamoDB, a Lambda handler loading)
   * may take before the drill is stopped with a DrillStuckError that names where it was stuck. Default 30000.
   */
  stallTimeoutMs?: number;
  /** Restore-test scenarios: how restores end (tests: never available, a failed status). */
  restoreFaults?: RestoreFaults;
  /**
   * Restore-test scenarios: how many times the test is started with the same execution name (the test id), each
   * by a fresh runner once the previous one ended, as a redrive re-enters a failed execution. Default 1.
   */
  restoreRuns?: number;
  /** Restore-test scenarios: test only this database of the plan (`switchback restore-test --database`). */
  restoreDatabase?: string;
  /** Finds a function's handler (tests wrap the real ones to inject a failure); default functions/<name>.ts. */
  loadHandler?: (name: string) => Promise<LambdaHandler>;
  /**
   * Whether the plan's scheduled readiness runs (a second in, then on its schedule) when the scenario does not say
   * when: by default in every drill but a restore test's, whatever the plan's DNS switch, as on a deployment (see
   * SCHEDULED_READINESS_AT_SECONDS). `false`: none, as on a deployment whose readiness never ran (tests of what a run
   * does without one).
   */
  scheduledReadiness?: boolean;
}

export interface DrillResult {
  report: DrillReport;
  paths?: { json: string; html: string };
  /** The simulated world as the drill left it (tests inspect DNS answers, calls, events). */
  world: World;
  runner: LocalRunner;
  /** Who holds the plan's lock when the drill ends (null: released, as every finished run must leave it). */
  lockHolder: string | null;
}

/**
 * When a drill (every drill but a restore test's) first runs the plan's scheduled readiness, in seconds from its start,
 * unless the scenario says when; it then runs every `readiness.scheduleMinutes`. A deployment's readiness runs on the
 * plan's schedule (EventBridge Scheduler), so when an outage comes, its last run is at most one schedule old; the live
 * failover of an `arc-routing-control` or `alarm-health-check` plan goes by that run's record findings, and its verify
 * compares what DNS answers with the records as that run read them (Route 53's API is in us-east-1). A drill without
 * one would show what a deployment whose readiness never ran does: skipped record checks and an uncompared answer.
 */
const SCHEDULED_READINESS_AT_SECONDS = 1;

/** The scenarios' virtual start: a quiet night, moved by whole minutes per scenario and seed (drillStartMs). */
const DRILL_START_MS = Date.UTC(2026, 0, 15, 3, 0, 0);
/**
 * Distinct start minutes (2^22, about 8 years), in strides of 64 per seed, one minute per scenario within it: seeds 0
 * up to 2^22 / 64 - 1 (65,535) of every scenario each get their own, and a scenario added to the catalog (up to 64)
 * moves no other scenario's start, so no other drill's timeline.
 */
const START_SLOTS = 2 ** 22;
export const START_STRIDE = 64;

/**
 * Where a drill's virtual time starts. The incident id is derived from the alarm's time (shared/domain/incident.ts),
 * so drills of different scenarios or seeds must start at different times to get their own ids (and report
 * files); the same scenario and seed always start at the same time, so a rerun replays exactly. Whole minutes
 * keep every alignment (CloudWatch evaluates alarms on minute boundaries), hence the same timings.
 */
export const drillStartMs = (scenario: string, seed: number): number => {
  const index = Math.max(0, SCENARIO_NAMES.indexOf(scenario as ScenarioName));
  return DRILL_START_MS + ((seed * START_STRIDE + index) % START_SLOTS) * 60_000;
};
/** A person reads the question and answers it: a modelling choice (no published figure), 2 minutes. */
const HUMAN_ANSWER_MS = 120_000;
/** How long after the outage the drill keeps watching by default: well past any plan's RTO budget. */
const DEFAULT_HORIZON_MS = 4 * 3600_000;
const ACCOUNT = '123456789012';
const LEDGER_TABLE = 'switchback-drill-ledger';
/** Real time given to notifications still in flight when the drill ends (they are off the critical path). */
const NOTIFY_GRACE_REAL_MS = 1000;
/** Default wall-clock guard of a drill (real time). */
const DEFAULT_WALL_TIMEOUT_MS = 120_000;
/** Default real time the virtual clock waits on work in flight before the drill is declared stuck. */
const DEFAULT_STALL_TIMEOUT_MS = 30_000;
/**
 * Real time a drill given up on gets to stop (at its next step: its clock rejects, or the check before the clock is
 * installed) before its cleanups run anyway.
 */
const GIVE_UP_GRACE_MS = 2000;
/**
 * Virtual time after the end of a drill in which notifications that Slack never answered are given up: the
 * notifier's whole retry budget (shared/notify/delivery.ts), so each ends as it would in Lambda.
 */
const NOTIFY_CUT_OFF_MS = DEFAULT_RETRY_POLICY.totalMs + 1000;

/**
 * The drill in progress, as the process-wide SDK middleware sees it. Handlers build their SDK clients once per
 * process; a second drill in the same process (tests, the benchmark) must reach its own simulator and ledger
 * through those same clients, so the middleware reads the drill of the moment from here.
 */
interface ActiveDrill {
  simMiddleware: AnyMiddleware[];
  dynamo: LocalLedger;
  clock: VirtualClock;
}
let active: ActiveDrill | undefined;

// biome-ignore lint/suspicious/noExplicitAny: SDK middleware is generic over every command's input and output.
type AnyMiddleware = (next: any, context: any) => (args: any) => Promise<any>;

/**
 * Where the drill forwards to the simulator's middleware on a client's stack: where the simulator's plugin puts its
 * middleware (sim/sdk-plugin.ts, SIM_PLACEMENT), and only there. Each middleware on a client's stack costs every call
 * of it (the SDK resolves the stack again for each command it sends), so the drill adds no forwarder that forwards
 * nothing.
 */
const SIM_WHERE = `${SIM_PLACEMENT.relation} ${SIM_PLACEMENT.toMiddleware}`;

/** Takes the middleware out of the simulator's plugin, to run it behind the forwarder below. */
// biome-ignore lint/suspicious/noExplicitAny: see AnyMiddleware.
const captureMiddleware = (plugin: Pluggable<any, any>): AnyMiddleware[] => {
  const captured: AnyMiddleware[] = [];
  const addRelativeTo = (middleware: AnyMiddleware, options: { relation?: string; toMiddleware?: string } = {}) => {
    const where = `${options.relation} ${options.toMiddleware}`;
    if (where !== SIM_WHERE) {
      throw new Error(`The drill forwards the simulator's middleware ${SIM_WHERE} only, not ${where}`);
    }
    captured.push(middleware);
  };
  const add = (_middleware: AnyMiddleware, options: { step?: string } = {}) => {
    throw new Error(`The drill forwards the simulator's middleware ${SIM_WHERE} only, not in the ${options.step} step`);
  };
  plugin.applyToStack({
    add,
    addRelativeTo,
    use: (inner: { applyToStack(stack: unknown): void }) => inner.applyToStack({ add, addRelativeTo }),
  } as never);
  return captured;
};

const compose = (middlewares: AnyMiddleware[], next: unknown, context: unknown) =>
  middlewares.reduceRight(
    (inner, middleware) => middleware(inner, context),
    next as (args: unknown) => Promise<unknown>,
  );

/**
 * The one plugin the drill adds to every SDK client: the simulator answers AWS calls (its middleware, taken from
 * `createSimPlugin`, of the active drill), and DynamoDB calls go to the active drill's dynalite, tracked as real
 * I/O so that the virtual clock waits for them.
 */
// biome-ignore lint/suspicious/noExplicitAny: see AnyMiddleware.
const drillPlugin: Pluggable<any, any> = {
  applyToStack: (stack) => {
    // Each attempt, inside the SDK's retry loop, as the simulator's plugin would add it.
    stack.addRelativeTo(
      ((next: (args: unknown) => Promise<unknown>, context: { clientName?: string }) => (args: unknown) => {
        // DynamoDB is not simulated: it goes to the drill's dynalite (below).
        if (!active || context.clientName === 'DynamoDBClient') return next(args);
        return compose(active.simMiddleware, next, context)(args);
      }) as never,
      { ...SIM_PLACEMENT, name: 'switchbackDrill-simulator', override: true } as never,
    );
    // Innermost, around the HTTP call only: the SDK's retry pauses (virtual time) stay outside the tracked work.
    stack.add(
      ((next: (args: unknown) => Promise<unknown>, context: { clientName?: string }) => (args: unknown) => {
        const drill = active;
        if (!drill || context.clientName !== 'DynamoDBClient') return next(args);
        const request = (args as { request?: SdkHttpRequest }).request;
        // The signed request goes to the drill's dynalite in process, as its endpoint would take it over loopback
        // HTTP (sim/local-ledger.ts): the SDK's serialisation, signing, retries and errors stay as they are.
        const answer = request ? drill.dynamo.handle(request) : next(args);
        return drill.clock.track(
          answer.then((output) => serverDateInVirtualTime(output, drill.clock)),
          'dynamodb',
        );
      }) as never,
      { step: 'deserialize', name: 'switchbackDrill-dynamodb', priority: 'low', override: true } as never,
    );
  },
};

/**
 * Dates a DynamoDB answer in the drill's time, as AWS's answers agree with a client whose clock is right.
 * dynalite stamps the real date, months away from the virtual one. The SDK reads that as clock skew: it takes
 * the server's date as its new clock offset and, when that offset is 4 minutes or more and changed since the last
 * answer (virtual time moved, or the real second turned), retries the error answer, a ConditionalCheckFailed
 * included, after a backoff on the (virtual) timers. Inside `runUntil` that is a needless retry; after it (the lock
 * check that ends a drill) nothing moved virtual time and the drill hung.
 */
const serverDateInVirtualTime = <T>(output: T, clock: VirtualClock): T => {
  const response = (output as { response?: { headers?: Record<string, string> } }).response;
  if (response?.headers) response.headers.date = clock.date().toUTCString();
  return output;
};

const iso = (ms: number): string => new Date(ms).toISOString();

/** The product's own record of the run, as `switchback history` would read it. */
const readRun = (plan: string, incidentId: string): Promise<RunRecord | undefined> =>
  new DynamoLedger().getRun(plan, incidentId);

/**
 * The plan's newest readiness recorded at or before `beforeMs` (the outage), as the ledger keeps it: what the scheduled
 * readiness found before anything went wrong.
 */
const readReadinessBefore = async (
  plan: string,
  beforeMs: number,
  runsSince: number,
): Promise<DrillReport['readiness']> => {
  const runs = await new DynamoLedger().listReadiness(plan, runsSince + 1);
  const last = runs.find((run) => Date.parse(run.at) <= beforeMs);
  return last && { at: last.at, ready: last.ready, findings: last.findings };
};

/** The plan's topology as every runbook reads it: the ledger's, or the plan file's when none is recorded. */
const readTopology = async (plan: Plan): Promise<Topology> =>
  currentTopology(plan, await new DynamoLedger().getTopology(plan.app));

/** Who holds the plan's lock: taking it (and giving it back) is the one way the ledger port tells. */
const probeLock = async (plan: string, now: Date): Promise<string | null> => {
  const ledger = new DynamoLedger();
  const probe = { incidentId: 'drill-lock-probe', executionArn: 'drill-lock-probe' };
  try {
    await ledger.acquireLock(plan, probe, now);
  } catch (error) {
    if (error instanceof LockHeldError) return error.holder;
    throw error;
  }
  await ledger.releaseLock(plan, probe);
  return null;
};

/**
 * Answers the paused approval the way `switchback approve|deny` does (the same use case): the token from the
 * ledger, the caller's identity from STS (the simulator answers for the drill's credentials), then SendTaskSuccess.
 */
const answerApproval = async (incidentId: string, approved: boolean): Promise<void> => {
  await answerPendingApproval(
    { incidentId, approved, comment: approved ? 'approved in a drill' : 'denied in a drill' },
    { ledger: new DynamoLedger(), workflow: new StepFunctionsWorkflow(), identity: new StsIdentity() },
  );
};

/** A one-line summary of a Switchback event for the report and the progress display. */
const summarize = (detailType: string, detail: Record<string, unknown>): string => {
  switch (detailType) {
    case DETAIL_TYPES.phaseChanged: {
      const phase = detail as unknown as PhaseChangedDetail;
      // The phases of a runbook other than a failover say whose they are: a fence's "decide succeeded", listed after
      // a failover's "Recovery Completed", is not the failover deciding again.
      const action = phase.run?.action;
      return `${action && action !== 'failover' ? `${action}: ` : ''}${phase.phase} ${phase.status}`;
    }
    case DETAIL_TYPES.approvalRequested: {
      const approval = detail as unknown as ApprovalRequestedDetail;
      // Why the person is asked (what Slack's approval message says), and the data at stake.
      const lag = `replica lag ${approval.lagSeconds ?? 'unknown'}s against an RPO budget of ${approval.rpoBudgetSeconds}s`;
      return approval.reasons.length ? `${approval.reasons.join('; ')} (${lag})` : lag;
    }
    case DETAIL_TYPES.recoveryCompleted: {
      const record = detail as unknown as RunRecord;
      return record.rto
        ? `RTO ${formatSeconds(record.rto.actualSeconds)} of ${formatSeconds(record.rto.budgetSeconds)}`
        : String(record.outcome);
    }
    case DETAIL_TYPES.recoveryFailed: {
      const record = detail as unknown as RunRecord;
      return record.failure ? `${record.failure.error} in ${record.failure.phase}` : 'failed';
    }
    case DETAIL_TYPES.runDeferred: {
      // What waits and what is done, each once: the reasons would list each target twice (the intent, the result).
      const deferral = (detail as unknown as RunRecord).deferral;
      if (!deferral) break;
      return [
        `${deferral.region} does not answer, the fence retry tries again every ${deferral.retryMinutes} minutes`,
        ...deferral.waiting.map((item) => `waiting: ${item}`),
        ...deferral.fenced.map((item) => `fenced: ${item}`),
      ].join('; ');
    }
    case DETAIL_TYPES.reprotectBack:
      return describeReprotectBack((detail as unknown as ReprotectBackDetail).reprotectBack);
    case DETAIL_TYPES.readinessChanged: {
      const change = detail as unknown as ReadinessChange;
      const findings = change.appeared.filter((finding) => !finding.warning).map((finding) => finding.check);
      return change.ready
        ? `${change.plan} ready`
        : `${change.plan} not ready${findings.length > 0 ? `: ${[...new Set(findings)].join(', ')}` : ''}`;
    }
    case RESTORE_TEST_DETAIL_TYPES.passed:
    case RESTORE_TEST_DETAIL_TYPES.failed: {
      const test = detail as unknown as RestoreTestRecord;
      if (!test.passed) return `${test.databaseId}: ${test.failure?.error ?? 'failed'}`;
      const time =
        test.secondsToAvailable === undefined ? 'restored' : `available in ${formatSeconds(test.secondsToAvailable)}`;
      return `${test.databaseId} ${time}${test.withinRto === false ? ', over the RTO budget' : ''}`;
    }
  }
  return Array.isArray(detail.reasons) ? (detail.reasons as string[]).join('; ') : detailType;
};

/**
 * `fetch` for the drill's notifications (the notifier calls the global one: shared/notify/delivery.ts): when the
 * drill ends, requests still in flight are aborted and new ones fail at once, so that no notifier outlives its drill
 * (and none logs after the report). With a local Slack, Slack's Web API is that Slack, whether the URL comes as a
 * string, a URL or a Request, so a drill never reaches slack.com. Requests to the drill's own local Slack are served
 * by it in process (SlackServer.handle: the same answers, without a socket), as the drill's DynamoDB is, so that no
 * notification waits on real I/O while virtual time runs: every scenario of every plan took 3% less wall time, its
 * CPU the same within noise. A Slack given with `slackWebhookUrl` is called over HTTP.
 */
export const cutOffFetch = (realFetch: typeof fetch, localSlack?: SlackServer) => {
  const ended = new AbortController();
  const drillFetch = async (input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> => {
    if (ended.signal.aborted) throw ended.signal.reason;
    refuseTimedOutInvocation('a request to Slack');
    const signals = init?.signal ? [init.signal, ended.signal] : [ended.signal];
    const signal = AbortSignal.any(signals);
    const url = input instanceof Request ? input.url : String(input);
    const target =
      localSlack && url.startsWith(SLACK_WEB_API) ? `${localSlack.apiUrl}${url.slice(SLACK_WEB_API.length)}` : url;
    if (localSlack && target.startsWith(`${localSlack.url}/`)) {
      // A Request carries its method, headers and body (handle reads it): they go with it, and `init` overrides them,
      // as in fetch.
      const carried =
        input instanceof Request ? { method: input.method, headers: input.headers, body: input.body } : {};
      return localSlack.handle(target, { ...carried, ...init, signal });
    }
    return realFetch(input instanceof Request ? input : target, { ...init, signal });
  };
  return {
    fetch: drillFetch as typeof fetch,
    cutOff: () => ended.abort(new Error('the drill ended before Slack answered')),
  };
};

/**
 * Lets the notifications in flight end: virtual time runs while one waits on a timer (its Lambda's modelled
 * duration, a retry's backoff), and real time up to `graceRealMs` while one waits on Slack's answer.
 */
const drainNotifications = async (clock: VirtualClock, world: World, graceRealMs: number): Promise<void> => {
  const until = performance.now() + graceRealMs;
  while (!world.bus.quiet && performance.now() < until) {
    await clock.runUntil(() => world.bus.quiet, { maxVirtualMs: NOTIFY_CUT_OFF_MS });
    if (!world.bus.quiet) await clock.realDelay(5);
  }
};

/** Slack's Web API base, as the notifier calls it (shared/notify/delivery.ts). */
const SLACK_WEB_API = 'https://slack.com/api/';

/** Where a drill is, for the wall-clock guard's message. */
interface DrillWhereabouts {
  stage: string;
  clock?: VirtualClock;
  runner?: LocalRunner;
  /** Set when the guard gave the drill up: the drill stops at its next step instead of going on. */
  givenUp?: DrillStuckError;
}

/** The state each execution is in (entered, not yet left), for the guard's message. */
const currentStates = (runner: LocalRunner | undefined): string[] =>
  (runner?.list() ?? []).map((execution) => {
    const open = new Map<string, number>();
    for (const transition of execution.transitions) {
      const key = `${transition.state}#${transition.index ?? ''}`;
      const depth =
        (open.get(key) ?? 0) + (transition.event === 'entered' ? 1 : transition.event === 'retried' ? 0 : -1);
      open.set(key, Math.max(0, depth));
    }
    const states = [...open.entries()].filter(([, depth]) => depth > 0).map(([key]) => key.split('#')[0]);
    return `${execution.name} ${execution.status}${states.length > 0 ? ` in state "${[...new Set(states)].join('", "')}"` : ''}`;
  });

const describeWhereabouts = (where: DrillWhereabouts): string => {
  const parts = [`stuck ${where.stage}`];
  if (where.clock) parts.push(`virtual time ${where.clock.date().toISOString()}`);
  const executions = currentStates(where.runner);
  parts.push(executions.length > 0 ? `execution ${executions.join('; ')}` : 'no execution started');
  const work = where.clock?.inFlightLabels() ?? [];
  if (work.length > 0) parts.push(`waiting on ${work.join(', ')}`);
  return parts.join('; ');
};

/**
 * Runs `body` under a real-time guard: past `timeoutMs` it rejects with a DrillStuckError naming the stage, the
 * virtual time, each execution's current state and the work in flight. A SimStallError from the virtual clock (work
 * it waited on never finished) becomes a DrillStuckError naming the same. The real timer is taken before the drill
 * fakes the timers. When the guard fires, the drill is told to stop (its clock rejects at once; before the clock,
 * the next step throws) and is given GIVE_UP_GRACE_MS to do so, so that the caller's cleanups run after it stopped
 * touching the process (its timers, fetch, environment), not while it goes on.
 */
const withWallGuard = async <T>(timeoutMs: number, where: DrillWhereabouts, body: () => Promise<T>): Promise<T> => {
  const realSetTimeout = globalThis.setTimeout;
  const realClearTimeout = globalThis.clearTimeout;
  const run = body().then(
    (result) => {
      // Given up: whatever the drill did in its grace, the guard's error is the answer.
      if (where.givenUp) throw where.givenUp;
      return result;
    },
    (error: unknown) => {
      if (!(error instanceof SimStallError) || where.givenUp) throw error;
      throw new DrillStuckError(
        `made no progress for ${error.waitedMs / 1000} s of real time: work it waited on did not finish`,
        describeWhereabouts(where),
        { cause: error },
      );
    },
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = realSetTimeout(async () => {
      const error = new DrillStuckError(
        `did not end within ${timeoutMs / 1000} s of real time`,
        describeWhereabouts(where),
      );
      where.givenUp = error;
      where.clock?.stop(error);
      let grace: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        run.catch(() => undefined),
        new Promise<void>((resolve) => {
          grace = realSetTimeout(resolve, GIVE_UP_GRACE_MS);
        }),
      ]);
      realClearTimeout(grace);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([run, guard]);
  } finally {
    realClearTimeout(timer);
  }
};

/**
 * Runs one drill: see the module comment. Always stops dynalite and the local Slack, uninstalls the clock and
 * forgets the SDK clients, even when it fails.
 *
 * @throws PlanValidationError for a plan that does not validate, UnknownScenarioError for an unknown scenario
 */
export const runDrill = async (options: DrillOptions): Promise<DrillResult> => {
  // performance.now() stays real while the virtual clock fakes Date.
  const wallStart = performance.now();
  const wallStartedAt = new Date().toISOString();
  const scenarioName = options.scenario ?? 'region-outage';
  const loaded = scenarioPlan(scenarioName, loadPlanFile(options.planFile), basename(options.planFile));
  // A real incoming webhook given for a bot plan: the drill posts through the webhook (a webhook URL is no token).
  const slackSettings = loaded.notifications.slack;
  const plan =
    options.slackWebhookUrl && slackSettings?.delivery === 'bot'
      ? {
          ...loaded,
          notifications: {
            ...loaded.notifications,
            slack: { delivery: 'webhook' as const, secret: slackSettings.secret },
          },
        }
      : loaded;
  const seed = options.seed ?? 1;
  const scenario = buildScenario(scenarioName, options.timing ? { timing: options.timing } : {});
  const startMs = drillStartMs(scenarioName, seed);
  if (options.restoreFaults) scenario.restore = { ...scenario.restore, ...options.restoreFaults };
  if (
    scenario.readinessAtSeconds === undefined &&
    scenario.runbook !== 'restore-test' &&
    options.scheduledReadiness !== false
  ) {
    scenario.readinessAtSeconds = SCHEDULED_READINESS_AT_SECONDS;
  }
  const region = plan.regions.standby;
  const stateMachineArn = `arn:aws:states:${region}:${ACCOUNT}:stateMachine:switchback-drill-failover`;
  // The runbooks a scenario starts by hand after the failover, each its own state machine (as serverless.yml names them).
  const runbookArns = {
    fence: `arn:aws:states:${region}:${ACCOUNT}:stateMachine:switchback-drill-fence`,
    reprotect: `arn:aws:states:${region}:${ACCOUNT}:stateMachine:switchback-drill-reprotect`,
    failback: `arn:aws:states:${region}:${ACCOUNT}:stateMachine:switchback-drill-failback`,
    'game-day': `arn:aws:states:${region}:${ACCOUNT}:stateMachine:switchback-drill-game-day`,
  } as const;

  const cleanups: (() => unknown)[] = [];
  let cleanedUp = false;
  /** Undoes a step of the setup when the drill ends; at once if it already ended (a drill given up on, going on). */
  const onCleanup = (step: () => unknown): void => {
    if (cleanedUp)
      void Promise.resolve()
        .then(step)
        .catch(() => undefined);
    else cleanups.push(step);
  };
  const cleanup = async () => {
    cleanedUp = true;
    for (const step of cleanups.reverse()) {
      try {
        await step();
      } catch {
        // Cleaning up must not hide the drill's own error; each step is independent.
      }
    }
  };

  const where: DrillWhereabouts = { stage: 'starting the local ledger' };
  try {
    return await withWallGuard(options.wallTimeoutMs ?? DEFAULT_WALL_TIMEOUT_MS, where, async () => {
      // Before the virtual clock: dynalite finishes creating a table on a (then real) timer.
      const dynamo = await startLocalLedger({ tableName: LEDGER_TABLE, region });
      onCleanup(() => dynamo.stop());
      const endpoint = dynamo.endpoint;

      const plansDir = await mkdtemp(join(tmpdir(), 'switchback-drill-plans-'));
      onCleanup(() => rm(plansDir, { recursive: true, force: true }));
      // As packaged: the plan compiled to JSON (shared/plan/compile.ts), the form the functions load.
      await writeFile(
        join(plansDir, `${basename(options.planFile, extname(options.planFile))}.json`),
        JSON.stringify(plan),
      );
      // Before any product module reads its configuration (it does so once per process).
      onCleanup(
        setEnvironment({
          AWS_ENDPOINT_URL_DYNAMODB: endpoint,
          LEDGER_TABLE,
          AWS_ACCESS_KEY_ID: DRILL_ACCESS_KEY_ID,
          AWS_SECRET_ACCESS_KEY: 'drill',
          AWS_REGION: region,
          PLANS_DIR: plansDir,
          FAILOVER_STATE_MACHINE_ARN: stateMachineArn,
          FENCE_STATE_MACHINE_ARN: runbookArns.fence,
          REPROTECT_STATE_MACHINE_ARN: runbookArns.reprotect,
          FAILBACK_STATE_MACHINE_ARN: runbookArns.failback,
          // The drill deployment's wiring, as serverless.yml gives it to the readiness function.
          ...wiringEnvironment(simWiringTargets(region, ACCOUNT, [plan])),
          ...roleEnvironment(),
          POWERTOOLS_LOG_LEVEL: options.verbose ? 'INFO' : 'SILENT',
          POWERTOOLS_METRICS_DISABLED: 'true',
        }),
      );
      // A deployment of its own: every function starts cold and reads this drill's environment, whatever drills ran
      // before in this process (shared/runtime/warm.ts); and forgets it when the drill ends.
      coldStart();
      onCleanup(coldStart);
      // The logger was built before (the CLI and this module import it) and the middy stack resets it to its
      // initial level on every warm invocation: set that initial level (a Powertools method not in its typings).
      const previousLevel = logger.getLevelName();
      const setLevel = (level: 'INFO' | 'SILENT' | typeof previousLevel) => {
        (logger as unknown as { setInitialLogLevel(level: string): void }).setInitialLogLevel(level);
        logger.setLogLevel(level);
      };
      setLevel(options.verbose ? 'INFO' : 'SILENT');
      onCleanup(() => setLevel(previousLevel));
      setPlans(new PlanRegistry([plan]));
      onCleanup(() => setPlans(undefined));

      // Retry jitter (the engine's JitterStrategy FULL, the SDK's backoff, the notifier's) draws from Math.random:
      // seed it too, with a stream for each function and one for the engine, so that what one function retries (a
      // notification Slack refused) does not move another's pauses (an SDK retry of the fence).
      const random = new Random((seed ^ 0x5eed) >>> 0);
      const streams = new Map<string, Random>();
      const realRandom = Math.random;
      Math.random = () => {
        const key = invokedFunction() ?? '';
        let stream = streams.get(key);
        if (!stream) {
          stream = random.derive(key);
          streams.set(key, stream);
        }
        return stream.next();
      };
      onCleanup(() => {
        Math.random = realRandom;
      });

      let slackPreviews: SlackServer | undefined;
      let webhookUrl = options.slackWebhookUrl;
      if (!webhookUrl) {
        slackPreviews = await startSlackServer({ preview: options.slackPreview ?? undefined });
        onCleanup(() => slackPreviews?.close());
        webhookUrl = slackPreviews.webhookUrl;
      }
      const realFetch = globalThis.fetch;
      // A bot posts through Slack's Web API: in a drill, the local Slack serves it (as the simulator serves AWS).
      const notifyFetch = cutOffFetch(realFetch, slackPreviews);
      globalThis.fetch = notifyFetch.fetch;
      onCleanup(() => {
        globalThis.fetch = realFetch;
      });

      // A drill its guard gave up on (still starting) stops here, before it fakes the process's timers.
      if (where.givenUp) throw where.givenUp;
      const clock = VirtualClock.install({
        startMs,
        maxRealWaitMs: options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS,
      });
      onCleanup(() => clock.uninstall());
      where.clock = clock;
      const world = new World({ plan, scenario, seed, clock });
      onCleanup(() => world.stop());
      // What the steps ask DNS (Verify Recovery, Verify Failback): the simulated Route 53's data plane, which answers
      // in every outage the drill models (its name servers are not in any one region), unless the path to it does
      // not (World#dnsUnansweredFromMs).
      useDnsAnswers({ answer: (name, type) => world.answerDns(name, type) });
      onCleanup(() => resetDnsAnswers());
      // The prober's requests to the primary's health endpoints go to the simulated application; the rest as before.
      const prober = world.prober;
      if (prober) {
        const notifyOrSlack = globalThis.fetch;
        globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: RequestInit) => {
          const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
          return prober.serves(url) ? prober.fetch(url, init) : notifyOrSlack(input, init);
        }) as typeof fetch;
      }
      const { timing } = world;
      const slack = plan.notifications.slack;
      if (slack) {
        // The secret the plan names holds what its delivery needs: the local Slack's bot token, or a webhook URL.
        const secret = slack.delivery === 'bot' && slackPreviews ? slackPreviews.token : webhookUrl;
        world.secrets.put(slack.secret.source, slack.secret.name, secret);
      }

      // Invocation counts per function: each invocation's modelled duration is a keyed draw, whatever the call order.
      const invocations = new Map<string, number>();
      const runnerFor = (arn: string, runbook: string, definition?: StateMachineDefinition) =>
        new LocalRunner({
          stateMachineArn: arn,
          ...(definition ? { definition } : {}),
          ...statusChangeOf(runbook),
          waits: 'virtual',
          track: (work) => clock.track(work, 'load handler'),
          ...(options.loadHandler ? { loadHandler: options.loadHandler } : {}),
          latency: {
            taskStepMs: () => timing.stepFunctions.stepLatencyMs,
            lambdaMs: (name) => {
              const index = invocations.get(name) ?? 0;
              invocations.set(name, index + 1);
              return world.lambdaDurationMs(name, index);
            },
            eventDeliveryMs: () => timing.events.deliveryMs,
          },
        });
      const runner = runnerFor(stateMachineArn, 'failover');
      // The other runbooks a scenario runs by hand, each its own state machine (statemachines/<action>.asl.json).
      const runbookRunners = new Map(
        Object.entries(runbookArns).map(
          ([action, arn]) => [arn, runnerFor(arn, action, loadDefinition(action))] as const,
        ),
      );
      world.stepFunctions = asSimStepFunctions(runner, runbookRunners);
      const allRunners = () => [runner, ...runbookRunners.values()];
      where.runner = runner;

      resetClients();
      active = { simMiddleware: captureMiddleware(createSimPlugin(world)), dynamo, clock };
      onCleanup(() => {
        active = undefined;
        resetClients();
      });
      useClientPlugin(drillPlugin);

      const progress = options.onProgress ?? (() => undefined);
      progress({ kind: 'start', at: iso(clock.now()), message: `scenario ${scenarioName}: ${scenario.description}` });

      // As serverless.yml's alarm rule: this account's alarm state changes only.
      const unsubscribeAlarms = world.bus.subscribe(
        { source: ['aws.cloudwatch'], account: [world.account], 'detail-type': ['CloudWatch Alarm State Change'] },
        (event) => {
          const detail = event.detail as { alarmName?: string; state?: { value?: string } };
          progress({
            kind: 'milestone',
            at: event.time,
            message: `alarm ${detail.alarmName} is ${detail.state?.value}`,
          });
          return runner.invoke('on-health-alarm', event, { viaStateMachine: false });
        },
        'on-health-alarm',
      );
      const unsubscribeProgress = world.bus.subscribe(
        { source: [EVENT_SOURCE] },
        (event) => {
          const detail = event.detail as Record<string, unknown>;
          const at = typeof detail.at === 'string' ? detail.at : event.time;
          if (event['detail-type'] === DETAIL_TYPES.phaseChanged) {
            const phase = detail as unknown as PhaseChangedDetail;
            progress({
              kind: 'phase',
              at,
              phase: phase.phase,
              status: phase.status,
              facts: phase.facts ?? [],
              // A dry run's "recovered" changed nothing: the line says only the phase's status.
              ...(phase.outcome && phase.run.mode !== 'dry-run' ? { outcome: phase.outcome } : {}),
            });
          } else {
            progress({
              kind: 'milestone',
              at,
              message: `${event['detail-type']}: ${summarize(event['detail-type'], detail)}`,
            });
          }
        },
        'progress',
      );
      // As EventBridge would: asynchronous, never awaited by anything on the failover path.
      world.bus.subscribe(
        { source: [EVENT_SOURCE] },
        (event) => runner.invoke('notify', event, { viaStateMachine: false }),
        'notify',
      );

      const manual = scenario.manualStart;
      if (manual) {
        // What `switchback run --plan <app> --reason ...` sends: a manual failover input, started in the standby region.
        clock.schedule(startMs + manual.atSeconds * 1000, () => {
          if (manual.unlessStarted && runner.list().length > 0) {
            progress({
              kind: 'milestone',
              at: iso(clock.now()),
              message: 'the operator finds the failover already running: no manual start',
            });
            return;
          }
          progress({
            kind: 'milestone',
            at: iso(clock.now()),
            message: `an operator starts the failover: ${manual.reason}`,
          });
          const mode = manual.mode ?? 'live';
          const incidentId = `${plan.app}-${mode}-${iso(clock.now()).slice(0, 19).replace(/[-:]/g, '')}Z`;
          const input = runInputSchema.parse({
            plan: plan.app,
            action: 'failover',
            mode,
            reason: manual.reason,
            requestedBy: 'drill-operator',
            incidentId,
            trigger: { type: 'manual' },
          });
          runner.startExecution({ stateMachineArn, name: incidentId, input: JSON.stringify(input) });
        });
      }
      for (const [index, runbook] of (scenario.runbooks ?? []).entries()) {
        // As `switchback` or the console starts it: StartExecution through the SDK, outside any function.
        clock.schedule(startMs + runbook.atSeconds * 1000, () => {
          progress({
            kind: 'milestone',
            at: iso(clock.now()),
            message: `an operator starts the ${runbook.action} runbook`,
          });
          const name = `${plan.app}-${runbook.action}-${index + 1}`;
          const input = {
            plan: plan.app,
            action: runbook.action,
            mode: 'live',
            reason: `drill: ${scenarioName}`,
            requestedBy: 'drill-operator',
          };
          void new StepFunctionsWorkflow({ stateMachineArn: runbookArns[runbook.action] }).startFailover(name, input);
        });
      }
      // Each runbook's topology when its execution ended (a game day's legs): the report draws the lifecycle from it.
      const topologyAfterLeg = new Map<string, Topology>();
      // And what DNS answered at that moment: each leg's claim is checked against it, not only the drill's last.
      const dnsAfterLeg = new Map<string, DnsAnswer[]>();
      const watched = new Set<string>();
      const watchLegs = (execution: LocalExecution) => {
        if (watched.has(execution.executionArn)) return;
        watched.add(execution.executionArn);
        // The drill's own read, not the call of the function that started the execution (a game day's Start Leg).
        outsideInvocation(() => {
          void execution.done.then(async () => {
            dnsAfterLeg.set(
              execution.name,
              readDnsAnswers(plan, (name, type) => world.route53.resolve(name, type)),
            );
            topologyAfterLeg.set(execution.name, await readTopology(plan));
          });
        });
      };
      for (const each of allRunners()) each.onStart = watchLegs;
      // A scheduled invocation that fails (the scheduler's target answers an error) fails on its own, as in AWS: the
      // next one comes on schedule. The report says which failed, how often and why, once per distinct error.
      const scheduledFailures = new Map<string, { firstAt: string; count: number }>();
      const invokeOnSchedule = (name: string, event: unknown): void => {
        runner.invoke(name, event, { viaStateMachine: false }).catch((error: unknown) => {
          const why = `scheduled ${name} failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
          const seen = scheduledFailures.get(why);
          if (seen) seen.count += 1;
          else scheduledFailures.set(why, { firstAt: iso(clock.now()), count: 1 });
        });
      };
      const fenceProbes: FenceProbe[] = [];
      const retry = scenario.fenceRetry;
      if (retry) {
        // As serverless.yml deploys it: start-fence on its schedule (an EventBridge scheduled event), all plans.
        const untilMs = startMs + observeSeconds(scenario, world.timing) * 1000;
        for (let at = startMs + retry.everySeconds * 1000; at <= untilMs; at += retry.everySeconds * 1000) {
          clock.schedule(at, () => {
            const event = {
              version: '0',
              id: world.random.uuidAt('fence-retry', at),
              'detail-type': 'Scheduled Event',
              source: 'aws.events',
              account: world.account,
              time: iso(clock.now()),
              region,
              resources: [`arn:aws:events:${region}:${ACCOUNT}:rule/switchback-drill-fence-retry`],
              detail: {},
            };
            invokeOnSchedule('start-fence', event);
          });
        }
        for (let at = startMs; at <= untilMs; at += retry.probeEverySeconds * 1000) {
          clock.schedule(at, () => fenceProbes.push(...probeFence(world, plan, plan.regions.primary)));
        }
      }
      // A scenario that starts runbooks one after another (game-day-twice) gets the horizon after its last start.
      const runbookStarts = (scenario.runbooks ?? []).map((runbook) => runbook.atSeconds);
      const horizonMs =
        DEFAULT_HORIZON_MS +
        (runbookStarts.length > 1 ? (Math.max(...runbookStarts) - Math.min(...runbookStarts)) * 1000 : 0);
      // The plan's scheduled readiness, as EventBridge Scheduler invokes the deployed function (asynchronously): first
      // at `readinessAtSeconds`, then every readiness.scheduleMinutes while the drill runs, outages or not (a run
      // during one reads what still answers, and keeps what did not: shared/domain/readiness.ts).
      if (scenario.readinessAtSeconds !== undefined) {
        const untilMs = startMs + horizonMs;
        const everyMs = plan.readiness.scheduleMinutes * 60_000;
        for (let at = startMs + scenario.readinessAtSeconds * 1000; at <= untilMs; at += everyMs) {
          clock.schedule(at, () => invokeOnSchedule('readiness', { plan: plan.app }));
        }
      }
      // EventBridge Scheduler invokes the prober as it would the deployed function (asynchronously, not awaited).
      if (world.prober) {
        world.prober.target = (event) => runner.invoke('probe-primary', event, { viaStateMachine: false });
      }
      options.onWorld?.(world, runner);
      world.start();
      // A restore test touches no failover resource: the failover's preflight is not its business.
      if (scenario.runbook === 'restore-test') {
        where.stage = 'running the restore test';
        const report = await runRestoreTestDrill({
          world,
          clock,
          plan,
          scenarioName,
          seed,
          timing,
          invocations,
          wallStartedAt,
          runs: options.restoreRuns ?? 1,
          ...(options.restoreDatabase ? { database: options.restoreDatabase } : {}),
          ...(options.loadHandler ? { loadHandler: options.loadHandler } : {}),
        });
        report.wall.durationMs = Math.round(performance.now() - wallStart);
        const paths = options.outDir ? await writeReport(report, options.outDir) : undefined;
        world.stop();
        const lockHolder = await probeLock(plan.app, clock.date());
        return { report, ...(paths ? { paths } : {}), world, runner, lockHolder };
      }
      /** Runs the clock until `work` settles: a call that waits on a (virtual) timer, an SDK retry, still ends. */
      const drive = async <T>(work: Promise<T>): Promise<T> => {
        let settled = false;
        const watched = work.finally(() => {
          settled = true;
        });
        watched.catch(() => undefined);
        await clock.runUntil(() => settled, { maxVirtualMs: horizonMs });
        return watched;
      };
      where.stage = 'running the preflight';
      // A world that starts re-protected has no failover ahead: the failover's preflight is not its business.
      const reprotected = scenario.start === 'reprotected';
      const preflight = reprotected ? null : await preflightAtStart(plan, clock, progress);
      world.preflightCalls = world.calls.length;
      where.stage = 'reading the topology';
      // The ledger knows what the earlier runbooks left: the same topology as the world.
      if (reprotected)
        await drive(new DynamoLedger().putTopology(plan.app, reprotectedTopology(plan, iso(startMs - 7 * 86_400_000))));
      const topologyBefore = await drive(readTopology(plan));
      where.stage = 'running the scenario';
      const observeUntilMs = startMs + observeSeconds(scenario, timing) * 1000;
      let answerSent = false;
      let answerError: string | undefined;
      // Every event put on the bus has reached its rules' targets (as in AWS): the last ones are often the failure.
      const delivered = () => world.bus.undelivered === 0;
      const paused = () => runner.onlyWaitingForTokens;
      const ended = () =>
        allRunners().some((each) => each.list().length > 0) &&
        allRunners().every((each) => each.idle) &&
        clock.now() >= observeUntilMs &&
        delivered();

      await clock.runUntil(() => ended() || (paused() && !answerSent && delivered()), { maxVirtualMs: horizonMs });
      if (paused() && options.answer) {
        const incident = runner.pendingTasks()[0];
        const incidentId = runner.get(incident?.executionArn ?? '')?.name ?? '';
        answerSent = true;
        const approved = options.answer === 'approve';
        progress({ kind: 'milestone', at: iso(clock.now()), message: `waiting for a person to ${options.answer}` });
        clock.schedule(clock.now() + HUMAN_ANSWER_MS, () => {
          answerApproval(incidentId, approved).catch((error: unknown) => {
            answerError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
          });
        });
        where.stage = `running the scenario after the ${options.answer} answer`;
        await clock.runUntil(ended, { maxVirtualMs: horizonMs });
      }

      where.stage = 'reading the run record';
      // The game day's execution (one incident, one record); else the failover's; in a scenario that starts with no
      // failover ahead, the first runbook's.
      const gameDay = runbookRunners.get(runbookArns['game-day'])?.list()[0];
      const execution =
        gameDay ??
        runner.list()[0] ??
        allRunners()
          .flatMap((each) => each.list())
          .sort((a, b) => a.startDate.getTime() - b.startDate.getTime())[0];
      const incidentId = execution?.name ?? null;
      const record = incidentId ? await drive(readRun(plan.app, incidentId)) : undefined;
      const topologyAfter = await drive(readTopology(plan));
      const legs = await drive(readLegs(plan.app, allRunners(), topologyAfterLeg));
      // The readiness shown is the last before anything happened: the outage, or a scenario's first run (a game day).
      const firstRunMs = Math.min(...legs.map((leg) => Date.parse(leg.startedAt)));
      const outageMs = world.regions.list()[0]?.fromMs ?? (Number.isFinite(firstRunMs) ? firstRunMs : clock.now());
      // Newest first: the runs the schedule made since, and the one before.
      const runsSince = Math.ceil((clock.now() - outageMs) / (plan.readiness.scheduleMinutes * 60_000)) + 1;
      const readiness =
        scenario.readinessAtSeconds === undefined
          ? undefined
          : await drive(readReadinessBefore(plan.app, outageMs, runsSince));
      for (const leg of legs) {
        const answers = dnsAfterLeg.get(leg.incidentId);
        if (answers && leg.topologyAfter) {
          leg.dns = judgeDns(answers, { outcome: leg.outcome, activeRegion: leg.topologyAfter.activeRegion });
        }
      }
      const observed = observeOutcome(execution, paused(), horizonMs);

      // The world stops here: what follows only lets the notifications already sent end, so nothing outlives the drill.
      where.stage = 'waiting for notifications in flight';
      world.stop();
      unsubscribeAlarms();
      unsubscribeProgress();
      await drainNotifications(clock, world, NOTIFY_GRACE_REAL_MS);
      notifyFetch.cutOff();
      await clock.runUntil(() => world.bus.quiet, { maxVirtualMs: NOTIFY_CUT_OFF_MS });

      if (options.answer && !answerSent)
        answerError = `--${options.answer} was given but the run asked for no approval`;
      const warnings = world.bus.deliveries
        .filter((delivery) => delivery.outcome !== 'succeeded' && delivery.subscriber === 'notify')
        .map((delivery) => `notification not delivered: ${delivery.error ?? 'still in flight when the drill ended'}`);
      where.stage = 'writing the report';
      const report = buildReport({
        plan,
        scenario: scenarioName,
        seed,
        incidentId,
        record,
        observed,
        actions: world.actions.map(toDrillAction),
        lowerBoundSeconds: lowerBound(world, record),
        timeline: execution?.transitions ?? [],
        events: switchbackEvents(world),
        warnings: [
          ...new Set(warnings),
          ...(answerError ? [`approval: ${answerError}`] : []),
          ...[...scheduledFailures].map(
            ([why, { firstAt, count }]) => `${why} (${count === 1 ? 'at' : `${count} times, first at`} ${firstAt})`,
          ),
        ],
        preflight,
        ...(readiness ? { readiness } : {}),
        topology: { before: topologyBefore, after: topologyAfter },
        legs,
        wall: { startedAt: wallStartedAt, durationMs: 0 },
        callsByRegion: countByRegion(world),
        throttledCalls: throttledCalls(world),
        ...(retry ? { fence: fenceEvidence(plan, topologyAfter, fenceProbes) } : {}),
      });
      // What users reach, read from the simulated DNS once everything ended, against what the run says.
      report.dns = checkDns(plan, (name, type) => world.route53.resolve(name, type), {
        outcome: report.outcome,
        activeRegion: topologyAfter.activeRegion,
      });
      // And where writes land: each database's writer, as the run names it, in the simulated RDS and Aurora.
      report.writers = checkWriters(topologyAfter, (database, copy) => writerState(world, database, copy), {
        outcome: report.outcome,
      });
      const detection = detectionOf(plan, world, record);
      if (detection) report.detection = detection;
      report.wall.durationMs = Math.round(performance.now() - wallStart);
      const paths = options.outDir ? await writeReport(report, options.outDir) : undefined;
      where.stage = 'checking that the run released the plan lock';
      const lockHolder = await drive(probeLock(plan.app, clock.date()));
      return { report, ...(paths ? { paths } : {}), world, runner, lockHolder };
    });
  } finally {
    await cleanup();
  }
};

/**
 * The preflight at the scenario's start, before the outage: the same checks Assess makes, through the product's
 * adapters (served by the simulator), for an alarm-started run (an Aurora failover, not a switchover).
 */
const preflightAtStart = async (
  plan: ReturnType<typeof loadPlanFile>,
  clock: VirtualClock,
  progress: (event: DrillProgress) => void,
): Promise<{ at: string; findings: PreflightFinding[] }> => {
  const at = iso(clock.now());
  let result: PreflightFinding[] | undefined;
  let failure: unknown;
  runPreflight(
    plan,
    {
      plans: new PlanRegistry([plan]),
      rds: new RdsAdapter(),
      route53: new Route53Adapter(),
      ledger: new DynamoLedger(),
    },
    { switchover: false },
  ).then(
    (findings) => {
      result = findings;
    },
    (error: unknown) => {
      failure = error ?? new Error('preflight failed');
    },
  );
  await clock.runUntil(() => result !== undefined || failure !== undefined, { maxVirtualMs: 60_000 });
  if (failure !== undefined || result === undefined) throw failure ?? new Error('the preflight did not finish');
  const findings = result;
  progress({ kind: 'preflight', at, findings });
  return { at, findings };
};

/**
 * The runners as the simulator's Step Functions (the SDK plugin delegates StartExecution etc. to them): each
 * runbook's state machine by its ARN, the failover's for the rest (task tokens are the failover's approvals).
 */
const asSimStepFunctions = (runner: LocalRunner, runbooks: Map<string, LocalRunner>): SimStepFunctions => {
  const byExecution = (executionArn: string) =>
    [...runbooks.values()].find((each) => each.get(executionArn) !== undefined) ?? runner;
  return {
    startExecution: async (request) => (runbooks.get(request.stateMachineArn) ?? runner).startExecution(request),
    sendTaskSuccess: async (request) => runner.sendTaskSuccess(request),
    sendTaskFailure: async (request) => runner.sendTaskFailure(request),
    describeExecution: async (request) => byExecution(request.executionArn).describeExecution(request),
  };
};

/** A runbook's ASL as the runner takes it. */
/**
 * Whom a state machine's end is told to, as serverless.yml's rules route it (sim/serverless-config.ts): the runner
 * delivers the "Step Functions Execution Status Change" event only where a rule would, so that a drill never shows a
 * failure recorded that the deployed rules would leave unheard.
 */
const statusChangeOf = (runbook: string): Pick<LocalRunnerOptions, 'statusChangeTarget' | 'statusChangeStatuses'> => {
  const route = statusChangeRoute(runbook);
  return route
    ? { statusChangeTarget: route.target, statusChangeStatuses: route.statuses }
    : { statusChangeTarget: null };
};

const loadDefinition = (runbook: string): StateMachineDefinition =>
  JSON.parse(readFileSync(join(__dirname, '..', 'statemachines', `${runbook}.asl.json`), 'utf8'));

/** The runbook a drill's state machine runs: `...:stateMachine:switchback-drill-fence` -> `fence`. */
const runbookOf = (stateMachineArn: string): string =>
  /:stateMachine:switchback-drill-([a-z-]+)$/.exec(stateMachineArn)?.[1] ?? 'unknown';

/**
 * The outcome of an execution that recorded no run: `already-handled` when it ended in its "Already Handled" state
 * (another run held the plan's lock, so this one changed and recorded nothing), else its status.
 */
const unrecordedOutcome = (execution: LocalExecution): string =>
  execution.status === 'SUCCEEDED' && execution.transitions.some((t) => t.state === 'Already Handled')
    ? 'already-handled'
    : execution.status.toLowerCase();

/**
 * One entry per run of any runbook, in start order, as the product recorded it; an execution that recorded no run
 * is named by its runbook and how it ended.
 */
const readLegs = async (
  plan: string,
  runners: LocalRunner[],
  topologyAfter: ReadonlyMap<string, Topology> = new Map(),
): Promise<DrillLeg[]> => {
  // A game day is the incident, not a leg: its legs are the runbooks it started.
  const executions = runners
    .flatMap((each) => each.list())
    .filter((execution) => runbookOf(execution.stateMachineArn) !== 'game-day')
    .sort((a, b) => a.startDate.getTime() - b.startDate.getTime());
  const legs: DrillLeg[] = [];
  for (const execution of executions) {
    const record = await readRun(plan, execution.name);
    legs.push({
      action: record?.run.action ?? runbookOf(execution.stateMachineArn),
      incidentId: execution.name,
      outcome: record?.outcome ?? unrecordedOutcome(execution),
      startedAt: record?.run.startedAt ?? execution.startDate.toISOString(),
      // A run that recorded nothing ended with its execution.
      ...(record?.endedAt
        ? { endedAt: record.endedAt }
        : !record && execution.stopDate
          ? { endedAt: execution.stopDate.toISOString() }
          : {}),
      rto: record?.rto ?? null,
      rpo: record?.rpo ?? null,
      ...(record?.failure ? { failure: record.failure } : {}),
      ...(record?.deferral ? { deferral: record.deferral } : {}),
      ...(topologyAfter.has(execution.name) ? { topologyAfter: topologyAfter.get(execution.name) } : {}),
      ...(record?.phases ? { phases: record.phases } : {}),
      ...(record?.warnings.length ? { warnings: record.warnings } : {}),
      ...(execution.largestState ? { largestState: execution.largestState } : {}),
    });
  }
  return legs;
};

/** A restore test's modelled human-free start: a second after the drill begins, as the schedule would. */
const RESTORE_TEST_START_MS = 1000;
/** The team's validation hook in a drill: it finds the restored endpoint and answers passed (row counts match). */
const drillValidationHook = (payload: unknown) => {
  const endpoint = (payload as { endpoint?: { address?: string } } | undefined)?.endpoint?.address;
  if (!endpoint) throw new Error('no endpoint given');
  return { passed: true, detail: `row counts match on ${endpoint}` };
};

/**
 * The restore-test runbook (statemachines/restore-test.asl.json) as the schedule starts it, on the drill's world:
 * every Task runs the real handler, RDS answers from the simulator's restore model, the evidence goes to the
 * drill's ledger. The report carries one `restoreTests` entry per database, and a warning for any throwaway left.
 */
const runRestoreTestDrill = async (context: {
  world: World;
  clock: VirtualClock;
  plan: ReturnType<typeof loadPlanFile>;
  scenarioName: string;
  seed: number;
  timing: TimingModel;
  invocations: Map<string, number>;
  wallStartedAt: string;
  runs: number;
  database?: string;
  loadHandler?: (name: string) => Promise<LambdaHandler>;
}): Promise<DrillReport> => {
  const { world, clock, plan, timing, invocations } = context;
  const hook = plan.backups.restoreTest?.validationHook;
  if (hook) world.functions.put(hook.replace(/^arn:.*:function:/, ''), drillValidationHook);
  const newRunner = () =>
    new LocalRunner({
      ...(context.loadHandler ? { loadHandler: context.loadHandler } : {}),
      definition: loadRestoreTestDefinition(),
      stateMachineArn: `arn:aws:states:${plan.regions.standby}:${world.account}:stateMachine:switchback-drill-restore-test`,
      waits: 'virtual',
      ...statusChangeOf('restore-test'),
      track: (work) => clock.track(work, 'load handler'),
      latency: {
        taskStepMs: () => timing.stepFunctions.stepLatencyMs,
        lambdaMs: (name) => {
          const index = invocations.get(name) ?? 0;
          invocations.set(name, index + 1);
          return world.lambdaDurationMs(name, index);
        },
      },
    });
  const testId = `${plan.app}-restore-${iso(DRILL_START_MS)
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z')}`;
  const timeline: Transition[] = [];
  let execution: ReturnType<LocalRunner['list']>[number] | undefined;
  for (let run = 0; run < context.runs; run++) {
    const runner = newRunner();
    clock.schedule(clock.now() + RESTORE_TEST_START_MS, () => {
      runner.startExecution({
        name: testId,
        input: JSON.stringify({
          plan: plan.app,
          action: 'restore-test',
          requestedBy: 'drill',
          ...(context.database ? { database: context.database } : {}),
        }),
      });
    });
    await clock.runUntil(() => runner.list().length > 0 && runner.idle, { maxVirtualMs: 2 * 86_400_000 });
    execution = runner.list()[0];
    timeline.push(...(execution?.transitions ?? []));
  }
  // The last record's event is still on its way to the notifier (EventBridge delivery, then Slack).
  await drainNotifications(clock, world, NOTIFY_GRACE_REAL_MS);
  // Each database's latest record of the test. A later run here stands for a redrive, but runs the whole test again
  // with a start of its own, where a redrive keeps Plan Restore Tests' result (the start its records are keyed on)
  // and overwrites the records the first run left (on-run-failed's, for databases it had not recorded).
  const latest = new Map<string, RestoreTestRecord>();
  for (const record of await new DynamoRestoreTestLedger().listRestoreTests(plan.app, 100)) {
    const kept = latest.get(record.databaseId);
    if (record.testId === testId && (!kept || kept.recordedAt < record.recordedAt))
      latest.set(record.databaseId, record);
  }
  const records = [...latest.values()].sort((a, b) => a.databaseId.localeCompare(b.databaseId));
  const warnings = world.restores.undeleted().map((id) => `throwaway ${id} was not deleted`);
  const failed = records.filter((r) => !r.passed);
  // A restore test changes no topology: the same before and after.
  const topology = await readTopology(plan);
  const report = buildReport({
    topology: { before: topology, after: topology },
    plan,
    scenario: context.scenarioName,
    seed: context.seed,
    incidentId: testId,
    record: undefined,
    observed: {
      outcome: 'tested',
      ...(execution?.status !== 'SUCCEEDED'
        ? {
            failure: { phase: 'restore-test', error: execution?.error ?? 'NotFinished', cause: execution?.cause ?? '' },
          }
        : failed[0]?.failure
          ? { failure: { phase: 'restore-test', error: failed[0].failure.error, cause: failed[0].failure.cause } }
          : {}),
    },
    actions: world.actions.map(toDrillAction),
    lowerBoundSeconds: null,
    timeline,
    events: switchbackEvents(world),
    warnings,
    wall: { startedAt: context.wallStartedAt, durationMs: 0 },
    restoreTests: records,
  });
  if (execution && execution.status !== 'SUCCEEDED') {
    report.warnings.push(
      `restore-test execution ended ${execution.status}: ${execution.error ?? ''} ${execution.cause ?? ''}`.trim(),
    );
  }
  return report;
};

/**
 * How long the drill watches the world at least: past the scenario's last outage change plus a full detection
 * (health checks, then the alarm), so that a flapping primary's second ALARM is seen and handled.
 */
const observeSeconds = (scenario: ScenarioSpec, timing: TimingModel): number => {
  const edges = [
    ...scenario.outages.flatMap((outage) => [outage.atSeconds, outage.untilSeconds ?? 0]),
    scenario.manualStart?.atSeconds ?? 0,
    ...(scenario.runbooks ?? []).map((runbook) => runbook.atSeconds),
  ];
  const detection =
    timing.healthCheck.intervalSeconds * (timing.healthCheck.failureThreshold + 1) +
    timing.alarm.periodSeconds * (timing.alarm.evaluationPeriods + 1) +
    timing.alarm.evaluationDelaySeconds +
    timing.events.deliveryMs / 1000;
  return Math.max(0, ...edges) + detection;
};

/**
 * The requests the simulated services throttled, per service and operation: Route 53's account request rate, the
 * ARC cluster endpoints' writes (per endpoint), and the RDS API's request rate (per Region).
 */
const throttledCalls = (world: World): Record<string, number> =>
  Object.fromEntries(
    [
      ...[...world.route53.requestRate.throttled].map(([op, n]) => [`Route 53 ${op}`, n] as const),
      ...[...world.route53.busyRefusals].map(
        ([zone, n]) =>
          [`Route 53 changes to ${zone} while it processed the last (PriorRequestNotComplete)`, n] as const,
      ),
      ...[...world.arc.throttled].map(([region, n]) => [`ARC writes to the ${region} cluster endpoint`, n] as const),
      ...world.rds
        .throttledRequests()
        .map(({ region, operation, count }) => [`RDS ${operation} in ${region}`, count] as const),
    ].sort(([a], [b]) => a.localeCompare(b)),
  );

/** The calls that reached the simulator, per region, in a stable (sorted) order. */
const countByRegion = (world: World): Record<string, number> => {
  const counts: Record<string, number> = {};
  for (const region of world.liveCalls.map((call) => call.region).sort()) counts[region] = (counts[region] ?? 0) + 1;
  return counts;
};

const toDrillAction = (action: SimAction): DrillAction => ({
  at: action.at,
  service: action.service,
  operation: action.operation,
  target: action.target,
  region: action.region,
  ...(action.outcome === 'accepted' ? {} : { error: action.outcome }),
});

/**
 * The model's fastest recovery, counted from where the product counts its RTO: the impact start it recorded (the
 * alarm's first breaching datapoint), which comes after the outage itself by part of the detection time. Null when
 * the scenario never raised the alarm (nothing to compare with).
 */
const lowerBound = (world: World, record: RunRecord | undefined): number | null => {
  let bound: ReturnType<World['criticalPathLowerBound']>;
  try {
    bound = world.criticalPathLowerBound();
  } catch {
    return null;
  }
  const impact = record?.run.impactStartedAt ? Date.parse(record.run.impactStartedAt) : Number.NaN;
  const uncounted = Number.isFinite(impact) ? Math.max(0, (impact - Date.parse(bound.outageAt)) / 1000) : 0;
  return bound.totalSeconds - uncounted;
};

/**
 * What started the failover, from the run's record (its trigger, and the quorum's signals when the plan has one),
 * with where and when each signal went to ALARM in the world.
 */
const detectionOf = (plan: Plan, world: World, record: RunRecord | undefined): DrillReport['detection'] | undefined => {
  if (record?.run.action !== 'failover') return undefined;
  const trigger = record.run.trigger;
  if (trigger.type !== 'alarm') return { by: 'operator', signals: [] };
  const names = trigger.signals?.map((signal) => signal.alarmName) ?? [trigger.alarmName];
  const startedAt = Date.parse(record.run.startedAt);
  const signals = names.map((alarmName) => {
    const kind = signalKind(plan, alarmName);
    const transition = world
      .signalTransitions()
      .filter((t) => t.alarmName === alarmName && t.to === 'ALARM' && t.atMs <= startedAt)
      .pop();
    return {
      alarmName,
      kind,
      region: kind === 'prober' ? plan.regions.standby : ROUTE53_METRICS_REGION,
      at: transition ? iso(transition.atMs) : record.run.impactStartedAt,
    };
  });
  const first = signals[0];
  return { by: signals.length > 1 ? 'quorum' : (first?.kind ?? 'alarm'), signals };
};

/** The product's own events on the bus, in order. */
const switchbackEvents = (world: World): DrillEvent[] =>
  world.bus.events
    .filter((record) => record.event.source === EVENT_SOURCE)
    .map((record) => ({
      at: iso(record.atMs),
      detailType: record.event['detail-type'],
      summary: summarize(record.event['detail-type'], record.event.detail as Record<string, unknown>),
    }));

/**
 * Whether a copy of the database (the writer the run names, or its old primary) takes writes in the simulated RDS and
 * Aurora now, its state, and whether its region's RDS answers.
 */
const writerState = (
  world: World,
  database: DatabaseTopology,
  copy: DatabaseCopy,
): { writable: boolean; state: string; answering: boolean } => {
  const reading = copyState(world, database, copy);
  // Nobody reaches a copy whose region's RDS does not answer; it takes writes again when the region returns.
  const answering = !world.isServiceDown('rds', copy.region);
  return { ...reading, answering };
};

/** Whether a copy takes writes in the simulated AWS now, and its state, as the simulator holds it. */
const copyState = (
  world: World,
  database: DatabaseTopology,
  copy: DatabaseCopy,
): { writable: boolean; state: string } => {
  const now = world.clock.now();
  const { region, identifier } = copy;
  if (database.kind === 'aurora-global') {
    const found = world.aurora.findCluster(region, identifier);
    // Taken out of its global cluster: a standalone cluster, which takes writes, but not the global database's writer.
    if (!found && world.aurora.findDetached(region, identifier)) {
      return { writable: true, state: 'a standalone cluster, out of its global cluster' };
    }
    if (!found) return { writable: false, state: 'no such cluster' };
    const writable = found.global.writerAt(now) === found.cluster.arn;
    return { writable, state: writable ? "the global cluster's writer" : "not the global cluster's writer" };
  }
  const instance = world.rds.find(region, identifier);
  if (!instance || instance.goneAt(now)) return { writable: false, state: 'no such DB instance' };
  const status = instance.statusAt(now);
  if (instance.writableAt(now)) return { writable: true, state: `${status}, writable` };
  return { writable: false, state: instance.sourceAt(now) ? `${status}, a read replica` : status };
};

const observeOutcome = (
  execution: ReturnType<LocalRunner['list']>[number] | undefined,
  paused: boolean,
  horizonMs: number,
): { outcome: DrillOutcome; failure?: { phase: string; error: string; cause: string } } => {
  if (!execution) {
    return {
      outcome: 'failed',
      failure: {
        phase: 'detect',
        error: 'NoFailoverStarted',
        cause: `no failover started within ${horizonMs / 1000} s of the scenario's start`,
      },
    };
  }
  if (execution.status === 'RUNNING') {
    if (paused) return { outcome: 'awaiting-approval' };
    return {
      outcome: 'failed',
      failure: {
        phase: 'unknown',
        error: 'DrillHorizonReached',
        cause: `the run did not end within ${horizonMs / 1000} s`,
      },
    };
  }
  if (execution.status === 'SUCCEEDED') {
    return {
      outcome: 'failed',
      failure: {
        phase: 'unknown',
        error: 'NotRecovered',
        cause: 'the run ended without recovering (skipped or already handled)',
      },
    };
  }
  return {
    outcome: 'failed',
    failure: { phase: 'unknown', error: execution.error ?? execution.status, cause: execution.cause ?? '' },
  };
};
