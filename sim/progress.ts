import type { Outcome, PhaseName } from '../shared/domain/run';
import type { Topology } from '../shared/domain/topology';
import { legDnsDisagreements } from './dns-answers';
import { type DrillReport, legWarnings } from './report';
import { formatSeconds } from './report-html';
import { oldPrimaryWrites } from './writer-check';

/**
 * Live progress of a drill, phase by phase, in virtual time (T+mm:ss from the start of the scenario), then the
 * summary table. In a terminal the phase lines update in place, each cut to the terminal's width; otherwise (a pipe,
 * CI) each change is one plain line.
 */

/** What the drill tells the progress display. */
export type DrillProgress =
  | { kind: 'start'; at: string; message: string }
  | { kind: 'milestone'; at: string; message: string }
  | {
      kind: 'phase';
      at: string;
      phase: PhaseName;
      status: 'started' | 'succeeded' | 'failed';
      /** The product's facts for people, e.g. "orders-db: promoting orders-db-replica in us-west-2". */
      facts?: string[];
      /** A fence or reprotect run's outcome, on its work phase's end (not in a dry run). */
      outcome?: Outcome;
    }
  /** The preflight before the outage: each finding (resource, found, fix), none when every check passed. */
  | { kind: 'preflight'; at: string; findings: { resource: string; found: string; fix: string }[] };

export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
  /** A terminal's width (a TTY stream's `columns`, read at each redraw, so it follows a resize); 80 when unknown. */
  columns?: number;
}

const PHASE_LABELS: Record<PhaseName, string> = {
  detect: 'Detect outage',
  decide: 'Decide',
  promote: 'Promote databases',
  dns: 'Flip DNS',
  verify: 'Verify recovery',
  fence: 'Fence old primary',
  reprotect: 'Re-protect (new standby)',
};
const ORDER: PhaseName[] = ['detect', 'decide', 'promote', 'dns', 'verify'];

/**
 * `T+mm:ss` (or `T+h:mm:ss`) of virtual time since `startMs`, in whole seconds truncated, never rounded up: an
 * EventBridge event's `time` has whole seconds (truncated), a step's own `at` has milliseconds, and both must land on
 * the same second for the lines to stay in order (rounded, a phase ending at 08:05.6 read T+08:06 and the "Recovery
 * Completed" event put at that moment T+08:05, a line later).
 */
export const elapsed = (startMs: number, at: string): string => {
  const seconds = Math.max(0, Math.floor((Date.parse(at) - startMs) / 1000));
  const h = Math.floor(seconds / 3600);
  const mm = String(Math.floor((seconds % 3600) / 60)).padStart(2, '0');
  const ss = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `T+${h}:${mm}:${ss}` : `T+${mm}:${ss}`;
};

const fitWidth = (line: string, width = 80): string => (line.length > width ? `${line.slice(0, width - 1)}…` : line);

/**
 * A line printed once (a title, a note, a line of the log when the output is not a terminal) wrapped at 80 columns,
 * never cut: a scenario's description and a Slack preview end with what matters. Continuation lines are indented
 * under the line's own indent. Only the live display, which redraws its rows in place, keeps one row per line.
 */
const wrapped = (line: string): string => {
  const indent = line.slice(0, line.length - line.trimStart().length);
  return wrap(line.trimStart(), indent).join('\n');
};

/** Breaks a long sentence into lines of at most `width` columns (continuation lines indented), whole words kept. */
export const wrap = (text: string, indent = '', width = 80): string[] => {
  const lines: string[] = [];
  let line = indent;
  for (const word of text.split(' ')) {
    const next = line.trim() === '' ? `${line}${word}` : `${line} ${word}`;
    if (next.length > width && line.trim() !== '') {
      lines.push(line);
      line = `${indent}    ${word}`;
    } else {
      line = next;
    }
  }
  lines.push(line);
  return lines;
};

interface PhaseState {
  status: 'started' | 'succeeded' | 'failed';
  /** Unknown for the first phase when only its end was announced. */
  startedAt?: string;
  endedAt?: string;
}

/**
 * What a phase line says happened. The fence's phase ends `succeeded` when nothing failed, also when the old region
 * did not answer and the fence retry was left to fence it (`deferred`): the line says fenced or not fenced yet.
 */
const phaseResult = (event: Extract<DrillProgress, { kind: 'phase' }>): string => {
  if (event.phase !== 'fence' || event.status === 'started' || !event.outcome) return event.status;
  if (event.outcome === 'deferred') return 'deferred: not fenced yet, the fence retry goes on';
  if (event.outcome === 'recovered') return 'succeeded: fenced';
  if (event.outcome === 'skipped') return 'succeeded: nothing left to fence';
  return `${event.status}: not fenced`;
};

/** A progress display bound to an output stream and the scenario's virtual start. */
export class ProgressDisplay {
  private readonly phases = new Map<PhaseName, PhaseState>();
  /** Phase announcements already shown: a retried step announces again, and that is not news. */
  private readonly shown = new Set<string>();
  private lastMilestone = '';
  private drawnLines = 0;

  private startMs = 0;

  constructor(
    private readonly out: ProgressOutput,
    title: string,
  ) {
    this.out.write(`${wrapped(title)}\n`);
  }

  /** Takes one progress event; pass it as the drill's `onProgress`. */
  readonly update = (event: DrillProgress): void => {
    if (event.kind === 'preflight') {
      for (const line of preflightLines(elapsed(this.startMs, event.at), event.findings)) this.note(line);
      return;
    }
    if (event.kind === 'start') this.startMs = Date.parse(event.at);
    if (event.kind === 'milestone' || event.kind === 'start') {
      this.lastMilestone = `${elapsed(this.startMs, event.at)}  ${event.message}`;
      if (!this.out.isTTY) this.out.write(`${wrapped(this.lastMilestone)}\n`);
    } else {
      // Each database announces its own promotion: name it. Otherwise a phase says each status once.
      const subject =
        event.phase === 'promote' && event.status === 'started'
          ? (event.facts?.[0] ?? '').replace(': promoting ', ' -> ')
          : '';
      // A deferred fence and the retry that fenced later both end their phase "succeeded": each is news.
      const key = `${event.phase} ${event.status} ${subject} ${event.outcome ?? ''}`;
      if (this.shown.has(key)) return;
      this.shown.add(key);
      const previous = this.phases.get(event.phase);
      // A retried step may announce "started" again after its phase ended: the phase stays ended.
      if (previous && previous.status !== 'started' && event.status === 'started') return;
      this.phases.set(event.phase, {
        status: event.status,
        // A phase may announce only its end (detect, promote): it began when the phase before it ended.
        startedAt: previous?.startedAt ?? (event.status === 'started' ? event.at : this.endOfPhaseBefore(event.phase)),
        endedAt: event.status === 'started' ? undefined : event.at,
      });
      if (!this.out.isTTY) {
        const about = subject ? `: ${subject}` : '';
        this.out.write(
          `${wrapped(`${elapsed(this.startMs, event.at)}  ${PHASE_LABELS[event.phase]} ${phaseResult(event)}${about}`)}\n`,
        );
      }
    }
    if (this.out.isTTY) this.redraw();
  };

  /** Prints a line above the live display (a Slack preview), which then redraws below it. */
  readonly note = (line: string): void => {
    if (!this.out.isTTY || this.drawnLines === 0) {
      this.out.write(`${wrapped(line)}\n`);
      return;
    }
    // Each line of the note clears the line of the display it is written over; the display is drawn again below.
    const lines = wrapped(line).split('\n');
    this.out.write(`\x1b[${this.drawnLines}A${lines.map((each) => `\x1b[2K${each}`).join('\n')}\n\x1b[J`);
    this.drawnLines = 0;
    this.redraw();
  };

  /** Prints the final table and the report paths. */
  finish(report: DrillReport, paths?: { json: string; html: string }): void {
    if (this.out.isTTY) this.redraw();
    this.out.write(`\n${summaryTable(report)}`);
    if (paths) this.out.write(`\nReport: ${paths.html}\n        ${paths.json}\n`);
  }

  private phaseLine(name: PhaseName): string {
    const state = this.phases.get(name);
    const label = PHASE_LABELS[name].padEnd(18);
    if (!state) return `  ·  ${label}`;
    const mark = state.status === 'started' ? '…' : state.status === 'succeeded' ? '✓' : '✗';
    const when = elapsed(this.startMs, state.startedAt ?? state.endedAt ?? '');
    const took =
      state.endedAt === undefined
        ? 'running'
        : state.startedAt === undefined
          ? 'done'
          : formatSeconds((Date.parse(state.endedAt) - Date.parse(state.startedAt)) / 1000);
    return `  ${mark}  ${label} ${when.padEnd(10)} ${took}`;
  }

  private endOfPhaseBefore(phase: PhaseName): string | undefined {
    const before = ORDER.slice(0, ORDER.indexOf(phase)).reverse();
    return before.map((name) => this.phases.get(name)?.endedAt).find((at) => at !== undefined);
  }

  private redraw(): void {
    // One row per line, cut at the terminal's width: a row the terminal wrapped would take two lines, and moving up
    // over the drawing would then leave its first line behind.
    const columns = this.out.columns;
    const width = typeof columns === 'number' && columns > 0 ? columns : 80;
    const lines = [...ORDER.map((name) => this.phaseLine(name)), `  ${this.lastMilestone}`].map((line) =>
      fitWidth(line, width),
    );
    // Move up over the previous drawing and clear each line before writing it again.
    const up = this.drawnLines > 0 ? `\x1b[${this.drawnLines}A` : '';
    this.out.write(`${up}${lines.map((line) => `\x1b[2K${line}`).join('\n')}\n`);
    this.drawnLines = lines.length;
  }
}

/** One finding for a terminal: what was found, where, and the fix, wrapped to 80 columns. */
const findingLines = (finding: { resource: string; found: string; fix: string }, indent = ''): string[] => [
  ...wrap(`Finding: ${finding.found}`, indent),
  `${indent}  at ${finding.resource}`,
  ...wrap(`Fix: ${finding.fix}`, `${indent}  `),
];

/** The preflight's lines: a pass, or each finding. */
const preflightLines = (when: string, findings: { resource: string; found: string; fix: string }[]): string[] =>
  findings.length === 0
    ? [`${when}  Preflight: every check passed (standbys, record pairs, other runs)`]
    : [
        `${when}  Preflight: ${findings.length} check${findings.length === 1 ? '' : 's'} failed`,
        ...findings.flatMap((finding) => findingLines(finding, '         ')),
      ];

/** The final table: each phase and its duration, RTO and RPO against budget, the verdict. */
export const summaryTable = (report: DrillReport): string => {
  const rows: string[] = [];
  // A restore test has no failover phases and no run RTO: each database's restore time is its RTO (below).
  if (report.outcome !== 'tested') {
    // A game day's phases are its failover leg's, the run its RTO is: the header says so.
    const whose = report.phasesOf ? ` (${report.phasesOf.action})` : '';
    rows.push(`${`Phase${whose}`.padEnd(20)}${'Duration'.padStart(10)}`);
    for (const phase of report.phases) {
      rows.push(`${(PHASE_LABELS[phase.name] ?? phase.name).padEnd(20)}${formatSeconds(phase.seconds).padStart(10)}`);
    }
    if (report.phases.length === 0) rows.push('(no phase recorded)');
    rows.push('');
    const budget = (name: string, value: DrillReport['rto']) =>
      value
        ? `${name.padEnd(20)}${formatSeconds(value.actualSeconds).padStart(10)}  of ${formatSeconds(value.budgetSeconds)} budget  ${value.withinBudget ? 'within budget' : 'OVER BUDGET'}`
        : `${name.padEnd(20)}${'-'.padStart(10)}  not recorded`;
    rows.push(budget('RTO', report.rto));
    rows.push(budget('RPO', report.rpo));
  }
  if (report.criticalPath && report.criticalPath.overheadSeconds !== null) {
    rows.push(
      `${'Fastest possible'.padEnd(20)}${formatSeconds(report.criticalPath.lowerBoundSeconds).padStart(10)}  (+${formatSeconds(report.criticalPath.overheadSeconds)} orchestration)`,
    );
  }
  if (report.detection) {
    const { by, signals } = report.detection;
    const which = signals.map((signal) => `${signal.alarmName} (${signal.region}, ${signal.at.slice(11, 19)})`);
    rows.push(
      `${'Detected by'.padEnd(20)}${by === 'operator' ? 'an operator (manual start)' : `${by}: ${which.join(', ')}`}`,
    );
  }
  if (report.callsByRegion) {
    const regions = Object.entries(report.callsByRegion).map(([region, count]) => `${region} ${count}`);
    rows.push(`${'AWS calls by region'.padEnd(20)}${regions.join(', ') || 'none'}`);
  }
  if (report.throttledCalls) {
    const throttled = Object.entries(report.throttledCalls).map(([call, count]) => `${call} ${count}`);
    rows.push(`${'Throttled by AWS'.padEnd(20)}${throttled.join(', ')}`);
  }
  // A drill of more than one run (a game day's legs, the runbooks a scenario starts by hand): each, in start order.
  if (report.legs.length > 1) {
    rows.push('', 'Runs');
    report.legs.forEach((leg, index) => {
      const took = leg.endedAt
        ? formatSeconds((Date.parse(leg.endedAt) - Date.parse(leg.startedAt)) / 1000)
        : 'not ended';
      const rto = leg.rto ? `, RTO ${formatSeconds(leg.rto.actualSeconds)}` : '';
      const warned = leg.warnings?.length
        ? `, ${leg.warnings.length} warning${leg.warnings.length === 1 ? '' : 's'}`
        : '';
      rows.push(`${`${index + 1}. ${leg.action}`.padEnd(20)}${leg.outcome} in ${took}${rto}${warned}`);
    });
  }
  if (rows.length > 0) rows.push('');
  const protectedCount = (topology: Topology) => topology.databases.filter((db) => db.standby !== null).length;
  const topologyText = (topology: Topology) =>
    `${topology.activeRegion} serves, ${protectedCount(topology)}/${topology.databases.length} with a standby`;
  if (report.readiness) {
    // The scheduled readiness before the outage: what a failover that reads no record, or asks a person, went by.
    const { at, ready, findings } = report.readiness;
    const found = findings
      .filter((finding) => !finding.warning)
      .map((finding) => `${finding.check} ${finding.resource}`);
    rows.push(
      `${'Readiness'.padEnd(20)}${ready ? 'ready' : `NOT READY: ${found.join(', ')}`} (at ${at.slice(11, 19)}, before the outage)`,
    );
  }
  rows.push(`${'Topology before'.padEnd(20)}${topologyText(report.topology.before)}`);
  rows.push(`${'Topology after'.padEnd(20)}${topologyText(report.topology.after)}`);
  if (report.dns && report.dns.answers.length > 0) {
    // Grouped by region: "us-west-2 for api.orders.example.com CNAME, checkout.orders.example.com CNAME".
    const byRegion = new Map<string, string[]>();
    for (const answer of report.dns.answers) {
      const where = `${answer.region ?? 'no region'}${answer.failedOpen ? ' (failed open)' : ''}`;
      byRegion.set(where, [...(byRegion.get(where) ?? []), answer.record]);
    }
    const text = [...byRegion].map(([where, records]) => `${where} for ${records.join(', ')}`).join('; ');
    rows.push(`${'DNS answers'.padEnd(20)}${text}`);
  }
  if (report.writers && report.writers.writers.length > 0) {
    const writable = report.writers.writers.filter((reading) => reading.writable);
    const not = report.writers.writers.filter((reading) => !reading.writable);
    const text = [
      ...(writable.length
        ? [`${writable.map((reading) => reading.writer).join(', ')} ${writable.length === 1 ? 'takes' : 'take'} writes`]
        : []),
      ...not.map((reading) => `${reading.writer} takes none (${reading.state})`),
    ].join('; ');
    rows.push(`${'Writers'.padEnd(20)}${text}`);
  }
  if (report.writers && report.writers.oldPrimaries.length > 0) {
    // Beside the writers, what the fence is for: an old primary that takes writes is a second writer.
    const text = report.writers.oldPrimaries
      .map(
        (reading) =>
          `${reading.copy} ${oldPrimaryWrites(reading)} (${reading.fence === 'unknown' ? 'not fenced yet' : reading.fence}: ${reading.state})`,
      )
      .join('; ');
    rows.push(`${'Old primaries'.padEnd(20)}${text}`);
  }
  if (report.checks && report.checks.length > 0) {
    // What the run's verify step checked (its record): the failed ones by name.
    const failed = report.checks.filter((check) => !check.ok);
    rows.push(
      `${'Verified'.padEnd(20)}${report.checks.length - failed.length} of ${report.checks.length} checks passed${
        failed.length ? `; failed: ${failed.map((check) => check.name).join(', ')}` : ''
      }`,
    );
  }
  rows.push('');
  for (const test of report.restoreTests ?? []) {
    const available =
      test.secondsToAvailable === undefined
        ? 'not available'
        : `available in ${formatSeconds(test.secondsToAvailable)}${
            test.withinRto === false
              ? `, OVER the ${formatSeconds(test.rtoBudgetSeconds)} RTO budget by ${formatSeconds(test.secondsToAvailable - test.rtoBudgetSeconds)}`
              : ` of ${formatSeconds(test.rtoBudgetSeconds)} RTO budget`
          }`;
    const point =
      test.restorePointAgeSeconds === undefined
        ? ''
        : `, restore point ${formatSeconds(test.restorePointAgeSeconds)} old`;
    const cleaned = test.cleanedUpAt ? `, deleted at ${test.cleanedUpAt}` : ', NOT deleted';
    rows.push(
      `${`Restore ${test.databaseId}`.padEnd(20)}${(test.passed ? 'PASSED' : 'FAILED').padStart(10)}  (${available}${point}${cleaned}${test.failure ? `; ${test.failure.error}: ${test.failure.cause}` : ''})`,
    );
  }
  const hint = report.outcome === 'awaiting-approval' ? ' (run again with --approve or --deny)' : '';
  rows.push(`Verdict: ${report.verdict}${hint}`);
  for (const finding of report.outcome === 'blocked' ? report.findings : []) rows.push(...findingLines(finding));
  if (report.failure) {
    const { error, phase, seconds, cause } = report.failure;
    rows.push(
      `Failure: ${error} in ${phase}${seconds === undefined ? '' : ` after ${formatSeconds(seconds)}`}: ${cause}`,
    );
  }
  for (const disagreement of report.dns?.disagreements ?? []) rows.push(`DNS CHECK FAILED: ${disagreement}`);
  for (const disagreement of legDnsDisagreements(report)) rows.push(`DNS CHECK FAILED ${disagreement}`);
  for (const disagreement of report.writers?.disagreements ?? []) rows.push(`WRITER CHECK FAILED: ${disagreement}`);
  for (const warning of report.warnings) rows.push(`Warning: ${warning}`);
  for (const warning of legWarnings(report)) rows.push(`Warning ${warning}`);
  // Wrapped, never cut: a failure's cause and a warning end with what to do about it.
  return `${rows.map(wrapped).join('\n')}\n`;
};
