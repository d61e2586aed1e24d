import * as z from '../zod';
import type { ReprotectBack } from './failback';
import type { PreflightFinding } from './preflight';
import type { SignalState } from './quorum';
import type { RunDatabaseCopies } from './topology';

/**
 * The runbook: what a run is, what it carries through the state machine, and what it leaves in the ledger.
 * These shapes are the contract between the ASL (statemachines/failover.asl.json), the handlers, the notifier,
 * the CLI and the drill.
 */

export const MODES = ['live', 'dry-run', 'game-day'] as const;
/**
 * live: act; dry-run: no mutating AWS call, each one it would make is recorded; game-day: act on production (a real
 * failover, planned), recorded as a game day. Not to be confused with `switchback drill`, a local simulation that
 * touches no AWS account: no mode is called "drill".
 */
export type Mode = (typeof MODES)[number];

/**
 * The runbooks. Each has its own state machine (statemachines/<action>.asl.json) that accepts only its own action:
 * failover (promote the standbys, flip DNS), fence (keep the old primary from taking writes), reprotect (give the
 * new primary a standby again), failback (the planned return to the plan's primary region, with no data loss), and
 * game-day (a planned failover, a verification window and a failback, as one incident: it starts the others).
 */
export const ACTIONS = ['failover', 'fence', 'reprotect', 'failback', 'game-day'] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * Who starts a fence runbook on its own: the failover, once it recovered (its last step), a standalone failback once
 * it recovered (the old writers it left in the other region), or the scheduled fence retry (start-fence on its
 * schedule) while an old primary or a record is not fenced.
 */
export const AUTOMATIC_STARTERS = ['failover', 'failback', 'fence-retry'] as const;

/**
 * How the run began: a health alarm, a person (console or `switchback run`), or Switchback itself (`automatic`: the
 * fence runbook only, started by the failover or the fence retry; every other runbook refuses it).
 */
export type Trigger =
  | {
      type: 'alarm';
      alarmName: string;
      alarmArn?: string;
      reason?: string;
      impactStartedAt: string;
      /** The signals in ALARM when a plan's quorum was met (the one that completed it last), with when each fired. */
      signals?: SignalState[];
    }
  | { type: 'manual' }
  | { type: 'automatic'; by: (typeof AUTOMATIC_STARTERS)[number] };

/**
 * Execution input, as documented in the README. Manual runs give plan, action, mode, reason, requestedBy;
 * on-health-alarm also gives incidentId and trigger. An alarm trigger carries no impact time: the input is a claim,
 * and Assess accepts it only for an incident that the alarm intake opened in the ledger, whose record holds the
 * impact time (see `AlarmIncident`).
 */
export const runInputSchema = z.strictObject({
  plan: z.string({ error: 'expected the plan name (the "app" of a plan in plans/)' }).check(z.minLength(1)),
  action: z.enum(ACTIONS, { error: `expected one of: ${ACTIONS.join(', ')}` }),
  mode: z._default(z.enum(MODES, { error: `expected one of: ${MODES.join(', ')}` }), 'live'),
  reason: z.string({ error: 'expected a short reason, e.g. "game day" or "us-east-1 outage"' }).check(
    z.minLength(3, {
      error: 'give a reason of at least 3 characters: it goes into the record and the incident channel',
    }),
  ),
  requestedBy: z.string({ error: 'expected who asked for this run (a person or a system)' }).check(z.minLength(1)),
  incidentId: z.optional(
    z.string().check(z.regex(/^[A-Za-z0-9_-]{1,80}$/, { error: 'expected letters, digits, "-" or "_" (at most 80)' })),
  ),
  trigger: z._default(
    z.discriminatedUnion('type', [
      z.strictObject({
        type: z.literal('alarm'),
        alarmName: z.string().check(z.minLength(1)),
        alarmArn: z.optional(z.string()),
        reason: z.optional(z.string()),
      }),
      z.strictObject({ type: z.literal('manual') }),
      z.strictObject({
        type: z.literal('automatic'),
        by: z.enum(AUTOMATIC_STARTERS, { error: `expected one of: ${AUTOMATIC_STARTERS.join(', ')}` }),
      }),
    ]),
    { type: 'manual' },
  ),
});
export type RunInput = z.output<typeof runInputSchema>;

/** Carried as `$.run` through the whole execution; set by Assess. */
export interface RunContext {
  incidentId: string;
  plan: string;
  action: Action;
  mode: Mode;
  reason: string;
  requestedBy: string;
  trigger: Trigger;
  regions: { primary: string; standby: string };
  /** Start of impact: the alarm's first breaching datapoint, or the manual start. RTO counts from here. */
  impactStartedAt: string;
  /** When Assess began (the end of the detect phase). */
  startedAt: string;
  /** The execution that runs this incident: the plan's lock is held by the incident *and* this execution. */
  executionArn: string;
  /** The lock epoch: a fencing token; every mutating step checks it is still current. */
  epoch: number;
  /**
   * Failover: each database's writer and standby as the topology named them when Assess began (the plan file's on
   * a fresh deployment); every later step names these copies (topology.ts, planAtTopology).
   */
  databases?: RunDatabaseCopies[];
}

/** Who holds the plan's lock for a run: its incident and its execution (shared/domain/ports.ts, LockOwner). */
export const lockOwnerOf = (run: Pick<RunContext, 'incidentId' | 'executionArn'>) => ({
  incidentId: run.incidentId,
  executionArn: run.executionArn,
});

const isoTime = z.iso.datetime({ offset: true, error: 'expected an ISO-8601 time' });

const databaseCopySchema = z.object({
  region: z.string().check(z.minLength(1)),
  identifier: z.string().check(z.minLength(1)),
});

/**
 * `$.run` as the handlers and the notifier read it. Loose: a field that a newer step adds passes through
 * untouched instead of failing an execution in flight.
 */
export const runContextSchema: z.ZodType<RunContext> = z.looseObject({
  incidentId: z.string().check(z.minLength(1)),
  plan: z.string().check(z.minLength(1)),
  action: z.enum(ACTIONS),
  mode: z.enum(MODES, { error: `expected one of: ${MODES.join(', ')}` }),
  reason: z.string(),
  requestedBy: z.string(),
  trigger: z.discriminatedUnion('type', [
    z.looseObject({
      type: z.literal('alarm'),
      alarmName: z.string().check(z.minLength(1)),
      alarmArn: z.optional(z.string()),
      reason: z.optional(z.string()),
      impactStartedAt: isoTime,
    }),
    z.looseObject({ type: z.literal('manual') }),
    z.looseObject({ type: z.literal('automatic'), by: z.enum(AUTOMATIC_STARTERS) }),
  ]),
  regions: z.looseObject({ primary: z.string().check(z.minLength(1)), standby: z.string().check(z.minLength(1)) }),
  impactStartedAt: isoTime,
  startedAt: isoTime,
  executionArn: z.string().check(z.minLength(1)),
  epoch: z.number().check(z.int(), z.nonnegative()),
  databases: z.optional(
    z.array(
      z.object({
        id: z.string().check(z.minLength(1)),
        writer: databaseCopySchema,
        standby: databaseCopySchema,
      }),
    ),
  ),
});

/**
 * An incident opened by the alarm intake (on-health-alarm) before it starts the execution: the proof that an
 * alarm-typed run was started by an alarm, and the source of its impact time. Only the intake's role may write it
 * (serverless.yml: `dynamodb:LeadingKeys` conditions).
 */
export interface AlarmIncident {
  incidentId: string;
  plan: string;
  alarmName: string;
  alarmArn?: string;
  /** `detail.state.timestamp` exactly as CloudWatch sent it. */
  stateTimestamp: string;
  /** The alarm's first breaching datapoint, or its state change (shared/domain/incident.ts, impactStartedAt). */
  impactStartedAt: string;
  /** When the intake opened the incident. */
  openedAt: string;
  /**
   * How the intake settled the state change it claimed: `started` its execution, or `ignored` it (`reason`: the
   * plan's state, a run in progress, the cool-down). Absent while the claim is being acted on.
   */
  settled?: 'started' | 'ignored';
  /** Why a state change was ignored (settled `ignored`). */
  reason?: string;
  /**
   * A plan with a quorum: the signals in ALARM when this change met it, each with when it fired; `impactStartedAt`
   * is then the earliest first breaching datapoint among them.
   */
  signals?: SignalState[];
}

export const PHASES = ['detect', 'decide', 'promote', 'dns', 'verify', 'fence', 'reprotect'] as const;
export type PhaseName = (typeof PHASES)[number];
/** The phases each runbook goes through, in order: what a run's record and its Slack message list. */
export const RUNBOOK_PHASES: Record<Action, readonly PhaseName[]> = {
  failover: ['detect', 'decide', 'promote', 'dns', 'verify'],
  fence: ['decide', 'fence'],
  reprotect: ['decide', 'reprotect'],
  failback: ['decide', 'promote', 'dns', 'verify'],
  // The game day's work is its legs, each a run of its own with its own phases (RunRecord.legs).
  'game-day': ['decide'],
};

export interface PhaseTiming {
  name: PhaseName;
  startedAt: string;
  endedAt: string;
  seconds: number;
}

/** One mutating AWS call, made or (dry run) only planned. */
export interface ActionRecord {
  service: 'rds' | 'route53' | 'route53-recovery-cluster' | 'ssm' | 'cloudwatch';
  operation: string;
  target: string;
  region: string;
  at: string;
  dryRun: boolean;
  /** Set when the call was made and AWS refused it, and the run went on another way (the error's name). */
  error?: string;
}

/**
 * A run record's actions at its end: the ones its steps returned, and the ones the ledger kept as they were made
 * (ledger.appendActions) that those leave out. A step attempt that changed something and then failed is retried (or
 * redriven) with the same input; the retry finds the change made ("already promoted") and returns no action for it,
 * so only the ledger still knows it. The returned ones first, as the step ordered them, then those only the ledger
 * kept, by when each was made; an action in both is kept once.
 */
export const withLoggedActions = (
  built: readonly ActionRecord[],
  logged: readonly ActionRecord[] | undefined,
): ActionRecord[] => {
  const key = (action: ActionRecord) =>
    `${action.at}|${action.service}|${action.operation}|${action.target}|${action.region}`;
  const seen = new Set(built.map(key));
  const missing = (logged ?? []).filter((action) => !seen.has(key(action)));
  return [...built, ...missing.sort((a, b) => a.at.localeCompare(b.at))];
};

/**
 * `deferred`: an automatic fence (after the failover, or the fence retry) that could not reach the old region. Not a
 * failure: what answered is fenced, the rest waits for the fence retry, which runs until the region answers.
 */
export type Outcome =
  | 'in-progress'
  | 'recovered'
  | 'failed'
  | 'denied'
  | 'awaiting-approval'
  | 'skipped'
  | 'blocked'
  | 'deferred';

export interface Budgeted {
  actualSeconds: number;
  budgetSeconds: number;
  withinBudget: boolean;
}

/** One database's readings at assessment; the items the "Promote Databases" Map iterates over. */
export interface DatabaseAssessment {
  /** The plan's database id; promote-database finds the rest in the plan. */
  id: string;
  kind: 'rds-read-replica' | 'aurora-global';
  /** Status of the standby (replica instance or secondary cluster), e.g. "available", "backing-up". */
  standbyStatus: string;
  /** True when the standby is already the writer (an earlier attempt promoted it). */
  alreadyPromoted: boolean;
  /** Newest replica lag measured, in seconds; null when no datapoint could be read. */
  lagSeconds: number | null;
  /** Newest restorable time of the standby's backups and of the cross-region copy, when known. */
  latestRestorableTime?: string;
  latestCrossRegionCopy?: string;
}

/** Output of Assess, carried as `$.assessment`. */
export interface Assessment {
  /** block: the preflight failed, nothing is changed; wait: a standby is busy, look again after `preflight.retryInSeconds`. */
  decision: 'proceed' | 'approve' | 'skip' | 'block' | 'wait';
  reasons: string[];
  warnings: string[];
  decidedAt: string;
  databases: DatabaseAssessment[];
  /** The worst lag over all databases (the data at risk); null if any is unknown. */
  maxLagSeconds: number | null;
  approvalTimeoutSeconds: number;
  /** What the preflight found (shared/domain/preflight.ts); absent on assessments made before it existed. */
  preflight?: PreflightResult;
}

/** The preflight's part of an assessment. */
export interface PreflightResult {
  findings: PreflightFinding[];
  /** While only transient findings remain: the run waits until this time at most, then stops. */
  waitUntil?: string;
  /** Seconds the "Wait For Standby" state waits before assessing again. */
  retryInSeconds?: number;
}

/** The answer given to a paused approval (SendTaskSuccess output), carried as `$.approval`. */
export interface ApprovalAnswer {
  approved: boolean;
  /** The authenticated principal that answered (its IAM identity ARN, from STS GetCallerIdentity). */
  by: string;
  /** A name the answerer gave (`switchback approve --by`), kept beside `by`, never instead of it. */
  displayName?: string;
  comment?: string;
  answeredAt: string;
}

/** The fact people read about an answered approval: who (the authenticated principal), as whom, and why. */
export const approvalFact = (answer: ApprovalAnswer): string =>
  `${answer.approved ? 'approved' : 'denied'} by ${answer.by}` +
  `${answer.displayName ? ` (as ${answer.displayName})` : ''}${answer.comment ? `: ${answer.comment}` : ''}`;

/** Result of Start Promotion (the Map) or Check Promotions for one database. */
export interface PromotionResult {
  databaseId: string;
  kind: 'rds-read-replica' | 'aurora-global';
  writable: boolean;
  /** Seconds the Wait state waits before the next check (chosen by the product, see the poll policy). */
  pollSeconds: number;
  status: string;
  startedAt: string;
  writableAt?: string;
  /** Replica lag when promotion began: the data this database may have lost (the RPO actual). */
  lagSecondsAtPromotion: number | null;
  alreadyPromoted: boolean;
  /** The new writer: region and instance or cluster identifier. */
  newPrimary: { region: string; identifier: string };
  actions: ActionRecord[];
}

/** Where the promotions stand (`$.promotions`): every database's result, all writable yet, the next wait. */
export interface PromotionsProgress {
  databases: PromotionResult[];
  writable: boolean;
  /** Seconds "Wait For Promotions" waits before the next check (the poll policy, from the earliest start). */
  pollSeconds: number;
}

/** Result of Flip DNS / Check DNS Sync (`$.dns.result`). */
export interface DnsResult {
  changes: { hostedZoneId: string; changeId: string | null; status: 'PENDING' | 'INSYNC' }[];
  inSync: boolean;
  pollSeconds: number;
  startedAt: string;
  inSyncAt?: string;
  /** Zones whose records already had the standby as PRIMARY (an earlier attempt flipped them). */
  alreadyFlipped: string[];
  actions: ActionRecord[];
  /** `arc-routing-control` plans: the routing control states read back after the switch. */
  routingControls?: { arn: string; state: 'On' | 'Off' }[];
  /**
   * `alarm-health-check` plans: the switch alarm (in the standby region), the state that says DNS is switched, and
   * the state last read; Check DNS Sync reads it again until the two match.
   */
  switchAlarm?: {
    name: string;
    region: string;
    wanted: 'ALARM' | 'OK';
    state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
    /** When the alarm took `state` (DescribeAlarms StateTransitionedTimestamp). */
    since: string;
  };
}

/** Result of Verify Recovery (`$.verification.result`). */
export interface VerificationResult {
  startedAt: string;
  endedAt: string;
  checks: { name: string; ok: boolean; detail: string }[];
  /** Problems that do not undo the recovery but need a person (stale backups, no cross-region copy). */
  warnings: string[];
}

/** What a run leaves in the ledger and in the "Recovery Completed"/"Recovery Failed" events. */
export interface RunRecord {
  run: RunContext;
  outcome: Outcome;
  phases: PhaseTiming[];
  rto?: Budgeted;
  rpo?: Budgeted;
  actions: ActionRecord[];
  warnings: string[];
  /**
   * For a failed run: the phase it failed in and why; and, when known, when that phase began (a step marked it as it
   * started, or the run's start for decide) and how long it ran until the failure: the evidence of a phase that has
   * no end in `phases`.
   */
  failure?: { phase: PhaseName; error: string; cause: string; startedAt?: string; seconds?: number };
  /**
   * What the verify step checked once the run recovered, each with what it found: the new primaries writable, backups
   * on and fresh, and what DNS answers. A failed check that did not undo the recovery is also a warning.
   */
  checks?: VerificationResult['checks'];
  /** The last phase a step of the run began (marked by the steps as they start): where a failure happened. */
  phaseReached?: PhaseName;
  /** When that step began. */
  phaseReachedAt?: string;
  /**
   * Each mark of a phase a step began, in the order they were made (a phase marked more than once, by a Map's items,
   * a retry or a redrive, counts from its first): a failed run's record derives the phases it went through from them.
   */
  phaseStarts?: { phase: PhaseName; at: string }[];
  /** Why the run proceeded, asked or was skipped (the assessment's reasons), for the record and the channel. */
  reasons?: string[];
  /** The answer of the person asked, when approval was requested and answered. */
  approval?: ApprovalAnswer;
  /** What the preflight found; for a blocked run, why nothing was changed. */
  findings?: PreflightFinding[];
  /** When the run ended; for a run still under way ('in-progress', 'awaiting-approval'), its last update. */
  endedAt: string;
  /** A game day: each runbook it ran (or, in a dry run, planned), in order, with its own run's outcome. */
  legs?: LegRecord[];
  /** A deferred fence: what it fenced, what waits for the old region, and whether this run changed anything. */
  deferral?: FenceDeferral;
  /** A standalone failback: the fence and reprotect it started to re-protect the other way (after its RTO). */
  reprotectBack?: ReprotectBack;
}

/** What a deferred fence run leaves for people (RunRecord.deferral). */
export interface FenceDeferral {
  /** The old region that did not answer. */
  region: string;
  /** Old primaries and records verified fenced (this run or before). */
  fenced: string[];
  /** Old primaries and records not fenced yet, each with why. */
  waiting: string[];
  /** How often the fence retry runs. */
  retryMinutes: number;
  /**
   * False when this run found what the previous one did (nothing newly fenced, the same old primaries unreachable):
   * a fence retry like that tells nobody anything new, and the notifier keeps quiet about it.
   */
  changed: boolean;
}

/** One leg of a game day, as its record keeps it: the runbook's own run (its incident id) and how it ended. */
export interface LegRecord {
  action: Exclude<Action, 'game-day'>;
  /** The leg's execution name, which is its run's incident id. */
  incidentId: string;
  outcome: Outcome | 'not-started';
  startedAt?: string;
  endedAt?: string;
  rto?: Budgeted;
  rpo?: Budgeted;
  /** A dry run's leg that was planned, not started (it needs the topology the failover would have left). */
  planned?: boolean;
}

/** EventBridge source and detail-types that Switchback puts on the bus. */
export const EVENT_SOURCE = 'switchback';
export const DETAIL_TYPES = {
  phaseChanged: 'Phase Changed',
  approvalRequested: 'Approval Requested',
  recoveryCompleted: 'Recovery Completed',
  recoveryFailed: 'Recovery Failed',
  runSkipped: 'Run Skipped',
  runBlocked: 'Run Blocked',
  /** An automatic fence that could not reach the old region: recorded, left to the fence retry. */
  runDeferred: 'Run Deferred',
  /** What a standalone failback did to re-protect the other way (ReprotectBackDetail), each time that changes. */
  reprotectBack: 'Reprotect After Failback',
  /** A plan's readiness flipped (shared/domain/readiness.ts ReadinessChange); no incident, no run. */
  readinessChanged: 'Readiness Changed',
} as const;

/** detail of "Reprotect After Failback": the failback's run and what it did to re-protect the other way. */
export interface ReprotectBackDetail {
  run: RunContext;
  at: string;
  reprotectBack: ReprotectBack;
}

/** detail of "Phase Changed". */
export interface PhaseChangedDetail {
  run: RunContext;
  phase: PhaseName;
  status: 'started' | 'succeeded' | 'failed';
  at: string;
  /** Short facts for people: "orders-db writable", "2 records flipped in Z…". */
  facts?: string[];
  /** Worst replica lag measured so far (seconds), when this phase measured it (decide); null when unknown. */
  lagSeconds?: number | null;
  /** On the decide phase's end after a person was asked: the answer and who gave it (the authenticated principal). */
  answer?: Pick<ApprovalAnswer, 'approved' | 'by' | 'displayName'>;
  /**
   * On the work phase's end of a fence or reprotect run: how the run ended. A `deferred` fence ends its phase
   * `succeeded` (nothing failed) though the old region's copies are not fenced yet: this says so.
   */
  outcome?: Outcome;
}

/**
 * detail of "Recovery Failed": the run record (outcome 'failed', with `failure`) and, when running the execution
 * again from its failed step can help, how to do so.
 */
export interface RecoveryFailedDetail extends RunRecord {
  redrive?: {
    executionArn: string;
    /** `aws stepfunctions redrive-execution --execution-arn <arn>` */
    command: string;
    /** Redrive is possible for 14 days after the execution stopped (RedriveExecution API). */
    until: string;
  };
  /** Instead of `redrive`, when a redrive cannot get past the failure: why, and what to do instead. */
  notRedrivable?: string;
}

/** detail of "Approval Requested". */
export interface ApprovalRequestedDetail {
  run: RunContext;
  at: string;
  reasons: string[];
  /** Worst replica lag measured, the data that approving may lose. */
  lagSeconds: number | null;
  rpoBudgetSeconds: number;
  timeoutSeconds: number;
  /** Preflight findings the person is asked to accept (plans with `preflight.onFindings: ask`). */
  findings?: PreflightFinding[];
}

/**
 * The context of a runbook started by hand (fence, reprotect, failback): no alarm, so impact starts when the run
 * does; the plan's regions as the file names them; the lock's epoch as its fencing token.
 */
export const manualRunContext = (args: {
  incidentId: string;
  plan: { app: string; regions: { primary: string; standby: string } };
  action: Action;
  input: { mode: Mode; reason: string; requestedBy: string; trigger?: RunInput['trigger'] };
  startedAt: string;
  executionArn: string;
  epoch: number;
}): RunContext => ({
  incidentId: args.incidentId,
  plan: args.plan.app,
  action: args.action,
  mode: args.input.mode,
  reason: args.input.reason,
  requestedBy: args.input.requestedBy,
  // The fence runbook may be started by Switchback itself (automatic); the notifier and the record need to know.
  trigger:
    args.input.trigger?.type === 'automatic' ? { type: 'automatic', by: args.input.trigger.by } : { type: 'manual' },
  regions: { ...args.plan.regions },
  impactStartedAt: args.startedAt,
  startedAt: args.startedAt,
  executionArn: args.executionArn,
  epoch: args.epoch,
});

/** A run's first record, written by its Assess step: in progress, with the reasons of its decision. */
export const openingRecord = (run: RunContext, assessment: { reasons: string[]; decidedAt: string }): RunRecord => ({
  run,
  outcome: 'in-progress',
  phases: [],
  actions: [],
  warnings: [],
  reasons: assessment.reasons,
  endedAt: assessment.decidedAt,
});
