import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PreflightFinding } from '../shared/domain/preflight';
import type { ReadinessFinding } from '../shared/domain/readiness';
import type { RestoreTestRecord } from '../shared/domain/restore-test';
import type { Budgeted, FenceDeferral, PhaseTiming, RunRecord } from '../shared/domain/run';
import type { Topology } from '../shared/domain/topology';
import { recoveryVerdict } from '../shared/domain/verdict';
import type { DnsCheck } from './dns-answers';
import type { FenceEvidence } from './fence-watch';
import type { Transition } from './local-runner';
import { formatSeconds, renderReportHtml } from './report-html';
import type { WriterCheck } from './writer-check';

/**
 * The drill report: what the product itself recorded (RTO, RPO, phases, warnings, failure: read from its run
 * record in the ledger, never recomputed here), what it changed (every mutating AWS call the simulator saw), how
 * far it was from the fastest failover the timing model allows, and the state machine's own timeline.
 *
 * Apart from `wall`, a report is a pure function of plan + scenario + seed: the same inputs give the same JSON.
 */

export type DrillOutcome = 'recovered' | 'failed' | 'awaiting-approval' | 'denied' | 'blocked' | 'tested';

/** One mutating AWS call, in the order the simulator received it. */
export interface DrillAction {
  at: string;
  service: string;
  operation: string;
  target: string;
  region: string;
  /** The AWS error name, when the call was refused (a throttled DNS change, a promotion refused). */
  error?: string;
}

/** One Switchback event put on the bus (source `switchback`). */
export interface DrillEvent {
  at: string;
  detailType: string;
  /** The phase and status of "Phase Changed", the outcome of "Recovery Completed"/"Recovery Failed". */
  summary: string;
}

/** One run of a runbook (failover, fence, …) in the drill, as the product recorded it. */
export interface DrillLeg {
  action: string;
  incidentId: string;
  outcome: string;
  startedAt: string;
  endedAt?: string;
  rto: Budgeted | null;
  rpo: Budgeted | null;
  failure?: { phase: string; error: string; cause: string };
  /** A deferred fence: what it fenced, what waits for the old region, and whether it changed anything. */
  deferral?: FenceDeferral;
  /** The plan's topology when this leg's execution ended (a game day's lifecycle records it per leg). */
  topologyAfter?: Topology;
  /** What DNS answered when this leg's execution ended, against the leg's own claim (sim/dns-answers.ts). */
  dns?: DnsCheck;
  /** The phases this leg's run recorded. */
  phases?: PhaseTiming[];
  /** What this leg's run recorded as warnings (a verify that could not compare, a fence deferred...), when any. */
  warnings?: string[];
  /**
   * The largest output a state of this leg's execution returned, in bytes, against Step Functions' payload quota
   * (256 KB): how much room the plan leaves its runbooks.
   */
  largestState?: { state: string; bytes: number };
}

/**
 * The warnings of the drill's other runs (a game day's legs, the runbooks a scenario starts after the failover), each
 * prefixed with its leg, that the report's own `warnings` (its first run's) do not already say.
 */
export const legWarnings = (report: Pick<DrillReport, 'incidentId' | 'legs' | 'warnings'>): string[] =>
  report.legs.flatMap((leg, index) =>
    leg.incidentId === report.incidentId
      ? []
      : (leg.warnings ?? [])
          .filter((warning) => !report.warnings.includes(warning))
          .map((warning) => `(leg ${index + 1}, ${leg.action}) ${warning}`),
  );

export interface DrillReport {
  plan: string;
  scenario: string;
  seed: number;
  /** The execution name of the drill's run (null when no run started). */
  incidentId: string | null;
  outcome: DrillOutcome;
  /**
   * The outcome in words, against the budgets: "recovered within the RTO and RPO budgets", "recovered, 305 s over
   * the RTO budget", "failed in promote: PromotionFailedError", "awaiting approval", "denied".
   */
  verdict: string;
  /** False when the run recovered but missed its RTO or RPO budget; null when it did not recover. */
  withinBudgets: boolean | null;
  rto: Budgeted | null;
  rpo: Budgeted | null;
  /** The phases of the run whose RTO this is: the run's own, or for a game day its failover leg's (`phasesOf`). */
  phases: PhaseTiming[];
  /**
   * Whose phases `phases` are when they are not the run's own: a game day records only its decide phase, and its RTO
   * is its failover leg's, so the report shows that leg's phases.
   */
  phasesOf?: { action: string; incidentId: string };
  actions: DrillAction[];
  /** The fastest failover the timing model allows (no polling, no orchestration) vs the product's RTO. */
  criticalPath: { lowerBoundSeconds: number; overheadSeconds: number | null } | null;
  warnings: string[];
  /** What the run's verify step checked, as its record keeps it (a recovered run's). */
  checks?: { name: string; ok: boolean; detail: string }[];
  /**
   * The preflight the drill ran before injecting the outage (the same checks as Assess, through the same adapters):
   * what a newcomer sees first.
   */
  preflight: { at: string; findings: PreflightFinding[] } | null;
  /**
   * The plan's scheduled readiness that ran last before the outage (or before the first run when no region goes down),
   * as the readiness function kept it in the ledger: what the failover's Assess went by. Every drill but a restore
   * test's runs it on the plan's schedule (sim/drill.ts SCHEDULED_READINESS_AT_SECONDS). Absent when no readiness ran.
   */
  readiness?: { at: string; ready: boolean; findings: ReadinessFinding[] };
  /** What the run's own preflight found (Assess): for a blocked run, why nothing was changed. */
  findings: PreflightFinding[];
  /** Why the run failed; when the product recorded it, when the failed phase began and how long it ran until then. */
  failure?: { phase: string; error: string; cause: string; startedAt?: string; seconds?: number };
  /** State transitions of the run's execution, at virtual time. */
  timeline: Transition[];
  events: DrillEvent[];
  /** The plan's topology as the ledger held it before the drill's first run and after its last. */
  topology: { before: Topology; after: Topology };
  /** Every runbook run of the drill, in start order (the failover first). */
  legs: DrillLeg[];
  /**
   * What started the failover: `prober` (the standby prober's alarm, in the standby region), `alarm` (an alarm of
   * trigger.alarms), a `quorum` of them, or an `operator` by hand; the signal(s) and when each went to ALARM.
   * Absent when no failover ran.
   */
  detection?: {
    by: 'prober' | 'alarm' | 'quorum' | 'operator';
    signals: { alarmName: string; kind: 'alarm' | 'prober'; region: string; at: string }[];
  };
  /** When the drill ran and how long it took on the wall clock: the only fields that differ between replays. */
  wall: { startedAt: string; durationMs: number };
  /**
   * The AWS calls the product made during the drill, counted per region they went to (Route 53's API counts as
   * us-east-1; the ledger's DynamoDB, local to the deployment, is not counted): which regions the run depended on.
   */
  callsByRegion?: Record<string, number>;
  /**
   * The product's AWS requests that the service throttled for the account's request rate, counted per service and
   * operation (e.g. "Route 53 GetChange"); absent when none was.
   */
  throttledCalls?: Record<string, number>;
  /** A restore-test drill's evidence, one entry per database (scenarios restore-test, restore-fails). */
  restoreTests?: RestoreTestRecord[];
  /** The fence's evidence (scenarios with the fence retry): when verified, and DNS answers and writes after it. */
  fence?: FenceEvidence;
  /**
   * What DNS answers for each record of the plan when the drill ends, and where that disagrees with a run that says
   * it recovered (sim/dns-answers.ts). A disagreement fails the drill (exit code 4): users do not reach the region
   * the run says serves.
   */
  dns?: DnsCheck;
  /**
   * Each database's writer as the run names it, as the simulated RDS and Aurora hold it when the drill ends, and where
   * that disagrees with a run that says it recovered (sim/writer-check.ts): a disagreement fails the drill too.
   */
  writers?: WriterCheck;
}

export interface ReportInput {
  plan: { app: string; budgets: { rtoSeconds: number; rpoSeconds: number } };
  scenario: string;
  seed: number;
  incidentId: string | null;
  /** The run record written by the product (record-outcome or on-run-failed), if any. */
  record: RunRecord | undefined;
  /** What the drill saw when no final record says otherwise (e.g. paused on approval). */
  observed: { outcome: DrillOutcome; failure?: { phase: string; error: string; cause: string } };
  actions: DrillAction[];
  lowerBoundSeconds: number | null;
  timeline: Transition[];
  events: DrillEvent[];
  /** Drill-side warnings (a notifier that failed, no run within the horizon). */
  warnings: string[];
  preflight?: { at: string; findings: PreflightFinding[] } | null;
  readiness?: DrillReport['readiness'];
  topology: { before: Topology; after: Topology };
  legs?: DrillLeg[];
  wall: { startedAt: string; durationMs: number };
  callsByRegion?: Record<string, number>;
  throttledCalls?: Record<string, number>;
  fence?: FenceEvidence;
  /** A restore-test drill's records, one per database tested. */
  restoreTests?: RestoreTestRecord[];
}

const OUTCOMES: Record<string, DrillOutcome> = {
  recovered: 'recovered',
  failed: 'failed',
  denied: 'denied',
  'awaiting-approval': 'awaiting-approval',
  blocked: 'blocked',
  tested: 'tested',
};

/** Orders transitions by virtual time, then by Map iteration, so concurrent branches list the same way each replay. */
const byTime = (a: Transition, b: Transition): number => a.at.localeCompare(b.at) || (a.index ?? -1) - (b.index ?? -1);

/** Builds the report from the run record and the simulator's observations. */
export const buildReport = (input: ReportInput): DrillReport => {
  const { record } = input;
  const recorded = record ? OUTCOMES[record.outcome] : undefined;
  const outcome = recorded ?? input.observed.outcome;
  const failure = record?.failure ?? (outcome === 'failed' ? input.observed.failure : undefined);
  const rto = record?.rto ?? null;
  const rpo = record?.rpo ?? null;
  const recovery =
    outcome === 'recovered'
      ? recoveryVerdict({ rto, rpo })
      : outcome === 'tested'
        ? restoreVerdict(input.restoreTests ?? [])
        : undefined;
  // A game day's RTO is its failover leg's (record-game-day): show that leg's phases, saying whose they are.
  const failoverLegId =
    record?.run.action === 'game-day' ? record.legs?.find((leg) => leg.action === 'failover')?.incidentId : undefined;
  const failoverLeg = input.legs?.find((leg) => leg.incidentId === failoverLegId && leg.phases?.length);
  const report: DrillReport = {
    plan: input.plan.app,
    scenario: input.scenario,
    seed: input.seed,
    incidentId: input.incidentId,
    outcome,
    verdict: recovery?.text ?? otherVerdict(outcome, failure),
    withinBudgets: recovery ? recovery.withinBudgets : null,
    rto,
    rpo,
    phases: failoverLeg?.phases ?? record?.phases ?? [],
    ...(failoverLeg ? { phasesOf: { action: failoverLeg.action, incidentId: failoverLeg.incidentId } } : {}),
    actions: input.actions,
    criticalPath:
      input.lowerBoundSeconds === null
        ? null
        : {
            lowerBoundSeconds: round(input.lowerBoundSeconds),
            overheadSeconds: rto && outcome === 'recovered' ? round(rto.actualSeconds - input.lowerBoundSeconds) : null,
          },
    warnings: [...(record?.warnings ?? []), ...input.warnings],
    preflight: input.preflight ?? null,
    ...(input.readiness ? { readiness: input.readiness } : {}),
    findings: record?.findings ?? [],
    timeline: [...input.timeline].sort(byTime),
    events: input.events,
    topology: input.topology,
    legs: input.legs ?? [],
    wall: input.wall,
  };
  if (failure) report.failure = failure;
  if (record?.checks) report.checks = record.checks;
  if (input.restoreTests) report.restoreTests = input.restoreTests;
  if (input.callsByRegion) report.callsByRegion = input.callsByRegion;
  if (input.throttledCalls && Object.keys(input.throttledCalls).length > 0)
    report.throttledCalls = input.throttledCalls;
  if (input.fence) report.fence = input.fence;
  return report;
};

/**
 * The verdict of a restore-test drill, from its records: it recovered (from backup) when every database restored, and
 * within budget when each became available within the plan's RTO budget. A test of no database did not recover.
 */
export const restoreVerdict = (
  tests: readonly Pick<
    RestoreTestRecord,
    'databaseId' | 'passed' | 'secondsToAvailable' | 'rtoBudgetSeconds' | 'withinRto'
  >[],
): { text: string; withinBudgets: boolean | null } => {
  if (tests.length === 0) return { text: 'restore test: no database was tested', withinBudgets: null };
  const failed = tests.filter((test) => !test.passed);
  if (failed.length > 0) {
    const which = failed.map((test) => test.databaseId).join(', ');
    return {
      text: `restore test failed: ${which} (${failed.length} of ${tests.length} did not restore)`,
      withinBudgets: null,
    };
  }
  const slow = tests.filter((test) => test.withinRto === false);
  if (slow.length > 0) {
    const which = slow.map(
      (test) =>
        `${test.databaseId} ${formatSeconds(test.secondsToAvailable ?? 0)} of ${formatSeconds(test.rtoBudgetSeconds)}`,
    );
    return { text: `restored, over the RTO budget: ${which.join(', ')}`, withinBudgets: false };
  }
  return {
    text: `restored within the RTO budget: ${tests.length} of ${tests.length} database${tests.length === 1 ? '' : 's'}`,
    withinBudgets: true,
  };
};

/** The verdict of a run that did not recover. */
const otherVerdict = (outcome: DrillOutcome, failure: DrillReport['failure']): string => {
  switch (outcome) {
    case 'failed':
      return failure ? `failed in ${failure.phase}: ${failure.error}` : 'failed';
    case 'awaiting-approval':
      return 'awaiting approval: nothing was promoted';
    case 'denied':
      return 'denied: nothing was changed';
    case 'blocked':
      return 'blocked by the preflight: nothing was changed';
    default:
      return outcome;
  }
};

const round = (value: number): number => Math.round(value * 1000) / 1000;

/** RTO actual / lower bound: 1.0 is the fastest the model allows. Null when the run did not recover. */
export const criticalPathRatio = (report: DrillReport): number | null =>
  report.outcome === 'recovered' && report.rto && report.criticalPath && report.criticalPath.lowerBoundSeconds > 0
    ? report.rto.actualSeconds / report.criticalPath.lowerBoundSeconds
    : null;

/** The report's file name stem: the incident id, or plan + scenario + seed when no run started. */
export const reportName = (report: DrillReport): string =>
  (report.incidentId ?? `${report.plan}-${report.scenario}-seed-${report.seed}`).replace(/[^A-Za-z0-9_-]/g, '_');

/** The report without its wall-clock fields: what must be identical between two replays of the same seed. */
export const withoutWall = (report: DrillReport): Omit<DrillReport, 'wall'> => {
  const { wall: _wall, ...rest } = report;
  return rest;
};

/** Writes `<outDir>/<name>.json` and `<outDir>/<name>.html`; returns both paths. */
export const writeReport = async (report: DrillReport, outDir: string): Promise<{ json: string; html: string }> => {
  await mkdir(outDir, { recursive: true });
  const name = reportName(report);
  const json = join(outDir, `${name}.json`);
  const html = join(outDir, `${name}.html`);
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(html, renderReportHtml(report));
  return { json, html };
};
