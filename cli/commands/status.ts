import type { Command } from 'commander';
import { describeReprotectBack, type ReprotectBack } from '../../shared/domain/failback';
import type { LedgerPort, WorkflowPort } from '../../shared/domain/ports';
import { type PlanReadiness, standbyHealthByReadiness } from '../../shared/domain/readiness';
import {
  currentTopology,
  type DatabaseTopology,
  describeCopy,
  failoverRefusal,
  isProtected,
  lastMovedAt,
  type Topology,
} from '../../shared/domain/topology';
import { loadPlanFile, PlanFileError } from '../../shared/plan/load';
import type { Plan } from '../../shared/plan/schema';
import { describeError } from '../../shared/usecases/read-preflight';
import { type CliDeps, resolveTarget, type TargetOptions, UsageError } from '../context';
import { table } from '../table';

export interface StatusOptions extends TargetOptions {
  plan: string;
  planFile?: string;
  json?: boolean;
}

/** What `status --json` prints: the topology, whether it is protected, and what a failover would say now. */
export interface StatusView {
  plan: string;
  /** `ledger`: recorded by a runbook; `plan-file`: nothing recorded, the plan file's own topology. */
  source: 'ledger' | 'plan-file';
  topology: Topology;
  protected: boolean;
  /** Why a failover would be refused now; absent when it would run (only known with the plan file). */
  failoverRefused?: string;
  /**
   * While not protected after a standalone failback: what that failback started to re-protect the other way (its
   * record's `reprotectBack`), with its incident.
   */
  reprotectBack?: ReprotectBack & { failback: string };
  /** Who holds the plan's lock (null: nobody), and how its execution stands, when Step Functions could say. */
  lock?: LockView | null;
  /** The plan's last readiness in the ledger (null: none on record), or why it could not be read. */
  readiness?: ReadinessView | null;
  /**
   * What a failover now would ask a person, from that readiness (only known with the plan file): a standby whose
   * endpoint failed its health check (shared/domain/readiness.ts standbyHealthByReadiness).
   */
  failoverAsks?: string[];
}

/** The plan's last readiness as status shows it: when, ready or not, and what it found (warnings apart). */
export type ReadinessView =
  | { at: string; ready: boolean; findings: { check: string; resource: string; warning?: true }[] }
  | { error: string };

/** The plan's lock as status shows it: its holder, and its execution's status or why that could not be read. */
export interface LockView {
  holder: string;
  epoch: number;
  acquiredAt: string;
  execution: string;
  /** RUNNING, FAILED, ...; `not-found` when Step Functions no longer knows the execution. */
  executionStatus?: string;
  stoppedAt?: string;
  /** Why the execution's status could not be read (the error's name). */
  unreadable?: string;
}

const ENDED = ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'not-found'];

/** One line on the plan's lock: free, held by a running execution, or held by one that ended without releasing it. */
export const lockLine = (lock: LockView | null): string => {
  if (!lock) return 'Lock: free (no run of the plan holds it).';
  const held = `Lock: held by ${lock.holder} (epoch ${lock.epoch}, since ${lock.acquiredAt})`;
  if (lock.unreadable) return `${held}; its execution could not be read (${lock.unreadable}).`;
  if (lock.executionStatus && ENDED.includes(lock.executionStatus)) {
    const how =
      lock.executionStatus === 'not-found'
        ? 'Step Functions no longer knows its execution'
        : `its execution ended ${lock.executionStatus}${lock.stoppedAt ? ` at ${lock.stoppedAt}` : ''}`;
    return (
      `${held}, but ${how} without releasing it (its end never reached on-run-failed): the next run of the plan ` +
      'records that run and takes the lock.'
    );
  }
  return `${held}: its execution is ${lock.executionStatus ?? 'unknown'}.`;
};

/** One line on the plan's last readiness: ready or not, when, and the checks that failed. */
export const readinessLine = (plan: string, readiness: ReadinessView | null): string => {
  if (!readiness) return "Readiness: none on record (the plan's readiness schedule has not run).";
  if ('error' in readiness) return `Readiness: could not be read (${readiness.error}).`;
  const findings = readiness.findings.filter((finding) => !finding.warning);
  if (readiness.ready) return `Readiness: ready at ${readiness.at}.`;
  const named = findings.map((finding) => `${finding.check} ${finding.resource}`).join(', ');
  return `Readiness: NOT READY at ${readiness.at}: ${named} (switchback readiness --plan ${plan} shows why and the fix).`;
};

const oldPrimaryText = (db: DatabaseTopology): string =>
  db.oldPrimary ? `${describeCopy(db.oldPrimary)}: ${db.oldPrimary.state} since ${db.oldPrimary.since}` : '-';

/** The status for people: which region serves, then one row per database. */
export const formatStatus = (view: StatusView): string[] => {
  const { topology } = view;
  const since = topology.updatedAt ? ` since ${topology.updatedAt} (${topology.updatedBy ?? 'unrecorded run'})` : '';
  const lines = [
    `Plan ${view.plan}: ${topology.activeRegion} serves${since}` +
      (view.source === 'plan-file' ? ' (no runbook recorded a change: the plan file topology)' : ''),
  ];
  if (topology.databases.length > 0) {
    lines.push(
      ...table([
        ['DATABASE', 'KIND', 'WRITER', 'STANDBY', 'OLD PRIMARY'],
        ...topology.databases.map((db) => [
          db.id,
          db.kind,
          describeCopy(db.writer),
          db.standby ? describeCopy(db.standby) : 'none',
          oldPrimaryText(db),
        ]),
      ]),
    );
  }
  lines.push(view.protected ? 'Protected: every database has a standby.' : 'Not protected: a database has no standby.');
  if (view.lock !== undefined) lines.push(lockLine(view.lock));
  if (view.readiness !== undefined) lines.push(readinessLine(view.plan, view.readiness));
  const back = view.reprotectBack;
  if (back) lines.push(`After failback ${back.failback} (${back.checkedAt}): ${describeReprotectBack(back)}`);
  if (view.failoverRefused) lines.push(`A failover now would be skipped: ${view.failoverRefused}`);
  else for (const ask of view.failoverAsks ?? []) lines.push(`A failover now would ask for approval: ${ask}`);
  return lines;
};

/** Builds the view from the ledger's topology and, when given, the plan file. */
export const statusView = (
  name: string,
  stored: Topology | undefined,
  plan: Plan | undefined,
  reprotectBack?: StatusView['reprotectBack'],
): StatusView => {
  const topology = plan ? currentTopology(plan, stored) : (stored as Topology);
  const refused = plan ? failoverRefusal(plan, topology) : undefined;
  const protectedNow = isProtected(topology);
  return {
    plan: name,
    source: stored ? 'ledger' : 'plan-file',
    topology,
    protected: protectedNow,
    ...(refused ? { failoverRefused: refused } : {}),
    ...(reprotectBack && !protectedNow ? { reprotectBack } : {}),
  };
};

/** A readiness run, or why it could not be read, as status keeps it (the findings named, not their texts). */
const readinessView = (readiness: PlanReadiness | { error: string }): ReadinessView =>
  'error' in readiness
    ? readiness
    : {
        at: readiness.at,
        ready: readiness.ready,
        findings: readiness.findings.map(({ check, resource, warning }) => ({
          check,
          resource,
          ...(warning ? { warning } : {}),
        })),
      };

/** The plan's lock, and its holder's execution as Step Functions tells it (read only when the lock is held). */
const lockView = async (
  plan: string,
  ledger: Pick<LedgerPort, 'getLock'>,
  workflow: () => Promise<Pick<WorkflowPort, 'getExecutionStatus'>>,
): Promise<LockView | null> => {
  const lock = await ledger.getLock(plan);
  if (!lock?.holder) return null;
  const view: LockView = {
    holder: lock.holder,
    epoch: lock.epoch,
    acquiredAt: lock.acquiredAt,
    execution: lock.execution,
  };
  try {
    const status = await (await workflow()).getExecutionStatus(lock.execution);
    view.executionStatus = status?.status ?? 'not-found';
    if (status?.stoppedAt) view.stoppedAt = status.stoppedAt;
  } catch (error) {
    view.unreadable = (error as Error).name;
  }
  return view;
};

const readPlanFile = (file: string): Plan => {
  try {
    return loadPlanFile(file);
  } catch (error) {
    if (error instanceof PlanFileError) throw new UsageError(`--plan-file: ${error.message}`);
    throw error;
  }
};

/**
 * Prints a plan's current topology from the ledger: which region serves, each database's writer, standby and old
 * primary. With `--plan-file` it also says what a failover would do now, and shows the file's topology when no
 * runbook recorded one. While a standalone failback's re-protection is under way, what it started (its record).
 *
 * @returns the exit code
 */
export const showStatus = async (options: StatusOptions, deps: CliDeps): Promise<number> => {
  const plan = options.planFile ? readPlanFile(options.planFile) : undefined;
  if (plan && plan.app !== options.plan) {
    throw new UsageError(`--plan-file: ${options.planFile} is the plan of "${plan.app}", not "${options.plan}"`);
  }
  const target = resolveTarget(options, deps.env);
  const ledger = await deps.ledger(target);
  const stored = await ledger.getTopology(options.plan);
  if (!stored && !plan) {
    deps.io.out(
      `No topology recorded for plan "${options.plan}" in ${target.tableName} (${target.region}): no runbook changed it,` +
        ' so the plan file topology holds (give --plan-file <file> to list it).',
    );
    return 0;
  }
  // After a standalone failback, until a standby protects every database: what it started to re-protect.
  const failback = stored?.lastFailbackIncidentId;
  const back =
    failback && !isProtected(stored) ? (await ledger.getRun(options.plan, failback))?.reprotectBack : undefined;
  const base = statusView(options.plan, stored, plan, back && failback ? { ...back, failback } : undefined);
  const [lock, readiness] = await Promise.all([
    lockView(options.plan, ledger, () => deps.workflow(target)),
    ledger.listReadiness(options.plan, 1).then(
      ([last]) => last,
      (error: unknown) => ({ error: describeError(error) }),
    ),
  ]);
  // What Assess would ask now, from the same readiness (the plan file gives its regions and schedule).
  const ask =
    plan && readiness && !('error' in readiness)
      ? standbyHealthByReadiness(plan, readiness, deps.clock.now(), lastMovedAt(base.topology))
      : undefined;
  const view: StatusView = {
    ...base,
    lock,
    readiness: readiness ? readinessView(readiness) : null,
    ...(ask ? { failoverAsks: [ask] } : {}),
  };
  if (options.json) deps.io.out(JSON.stringify(view, null, 2));
  else for (const line of formatStatus(view)) deps.io.out(line);
  return 0;
};

/** Registers `switchback status`. */
export const registerStatus = (program: Command, deps: CliDeps): void => {
  program
    .command('status')
    .description(
      "a plan's current topology: the active region, each database's writer, standby and old primary, and its lock",
    )
    .requiredOption('--plan <name>', 'the plan (its "app")')
    .option(
      '--plan-file <file>',
      'the plan file: shows its topology when none is recorded, and whether a failover would run',
    )
    .option('--json', 'print the topology as JSON')
    .option('--region <region>', "Switchback's region (default: $AWS_REGION)")
    .option('--stage <stage>', 'deployment stage', 'dev')
    .option('--table <name>', 'ledger table (default: switchback-<stage>-ledger)')
    .action(async (options: StatusOptions) => {
      deps.setExitCode(await showStatus(options, deps));
    });
};
