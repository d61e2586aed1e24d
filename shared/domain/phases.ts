import type {
  ApprovalAnswer,
  Assessment,
  DnsResult,
  PhaseName,
  PhaseTiming,
  PromotionResult,
  RunContext,
  VerificationResult,
} from './run';

/**
 * The phases of a run and how long each took. A phase appears once both its ends are known, so the timings of a
 * run that stopped half-way are exactly those it reached.
 */

/** Rounds seconds to milliseconds, the precision of the times they come from. */
export const roundSeconds = (seconds: number): number => Math.round(seconds * 1000) / 1000;

const elapsed = (from: string, to: string): number =>
  roundSeconds(Math.max(0, (new Date(to).getTime() - new Date(from).getTime()) / 1000));

const phase = (name: PhaseName, startedAt: string | undefined, endedAt: string | undefined): PhaseTiming[] =>
  startedAt && endedAt ? [{ name, startedAt, endedAt, seconds: elapsed(startedAt, endedAt) }] : [];

const earliest = (times: readonly (string | undefined)[]): string | undefined =>
  times.filter((time): time is string => time !== undefined).sort()[0];

const latest = (times: readonly (string | undefined)[]): string | undefined =>
  times
    .filter((time): time is string => time !== undefined)
    .sort()
    .at(-1);

/** What a run has reached, as the ASL carries it. */
export interface RunProgress {
  run: RunContext;
  assessment?: Assessment;
  approval?: ApprovalAnswer;
  promotions?: readonly PromotionResult[];
  dns?: DnsResult;
  verification?: VerificationResult;
}

/**
 * Phase timings: detect (impact -> run start), decide (run start -> decision, or -> the approval's answer when one
 * was asked), promote (first promotion start -> last database writable; only when all are writable), dns (flip ->
 * INSYNC), verify (its own start and end).
 */
export const buildPhases = (progress: RunProgress): PhaseTiming[] => {
  const { run, assessment, approval, promotions, dns, verification } = progress;
  const allWritable = promotions !== undefined && promotions.length > 0 && promotions.every((p) => p.writableAt);
  return [
    ...phase('detect', run.impactStartedAt, run.startedAt),
    ...phase('decide', run.startedAt, approval?.answeredAt ?? assessment?.decidedAt),
    ...(allWritable
      ? phase('promote', earliest(promotions.map((p) => p.startedAt)), latest(promotions.map((p) => p.writableAt)))
      : []),
    ...phase('dns', dns?.startedAt, dns?.inSyncAt),
    ...phase('verify', verification?.startedAt, verification?.endedAt),
  ];
};

/**
 * The phase a terminal error belongs to, by the error's `name` (what the ASL reports as `error`). `States.Timeout`
 * and Lambda's errors are not here: any task can time out or crash, so their phase comes from the run's state
 * (see `failedPhase`).
 */
export const FAILURE_PHASES: Readonly<Record<string, PhaseName>> = {
  PromotionFailedError: 'promote',
  ResourceBusyError: 'promote',
  DnsFlipError: 'dns',
  // Raised by "Check DNS Switch" before the promotion: the DNS switch is what could not be made.
  DnsSwitchUnavailableError: 'dns',
  VerificationFailedError: 'verify',
  InvalidRunInputError: 'decide',
  PlanNotFoundError: 'decide',
  // The "Reject Input" Fail state of the failover ASL re-labels the two input errors above.
  InvalidRunInput: 'decide',
};

/** The phase of a failure by its error name; undefined when the name says nothing about where it happened. */
export const phaseOfError = (errorName: string | undefined): PhaseName | undefined =>
  errorName !== undefined && Object.hasOwn(FAILURE_PHASES, errorName) ? FAILURE_PHASES[errorName] : undefined;

/**
 * The phase a run failed in, always named: the error's own phase when its name says (PromotionFailedError, …);
 * else the last phase a step of the run began (`phaseReached`, marked by promote, DNS and verify as they start);
 * else decide: the run never got past Assess or the approval wait (detect ends when the execution starts).
 */
export const failedPhase = (errorName: string | undefined, phaseReached: PhaseName | undefined): PhaseName =>
  phaseOfError(errorName) ?? phaseReached ?? 'decide';

/**
 * The phases a failed run went through before the one it failed in, from the marks its steps left as each phase
 * began (`phaseStarts`, the first mark of each): a phase ended when the next one began, for the steps follow each
 * other with no wait between them (the gap is a state transition, well under a second, counted in the earlier
 * phase). Decide begins with the run. Without such marks, or for a phase they do not cover (detect), the timings
 * the record already holds stand; those of the failed phase and after it are left out (the failure has its own).
 */
export const phasesBeforeFailure = (
  recorded: readonly PhaseTiming[],
  run: Pick<RunContext, 'startedAt'>,
  marks: readonly { phase: PhaseName; at: string }[] | undefined,
  failed: PhaseName,
): PhaseTiming[] => {
  const first = new Map<PhaseName, string>([['decide', run.startedAt]]);
  for (const mark of marks ?? []) {
    const known = first.get(mark.phase);
    if (known === undefined || mark.at < known) first.set(mark.phase, mark.at);
  }
  const starts = [...first].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const failedAt = starts.findIndex(([name]) => name === failed);
  const derived = new Map<PhaseName, PhaseTiming>();
  starts.slice(0, failedAt < 0 ? starts.length - 1 : failedAt).forEach(([name, startedAt], i) => {
    const next = starts[i + 1];
    if (next) derived.set(name, phase(name, startedAt, next[1])[0] as PhaseTiming);
  });
  const kept = recorded.filter((timing) => !derived.has(timing.name) && timing.name !== failed);
  return [...kept, ...derived.values()].sort((a, b) =>
    a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0,
  );
};

/**
 * When the phase a run failed in began, and how long it ran until the failure: from the mark of the step that began
 * it (`phaseReachedAt`), or the run's start for decide (which begins with the run); nothing when neither is known
 * (an error that names a phase no step had marked).
 */
export const failedPhaseTiming = (
  phase: PhaseName,
  reached: { phaseReached?: PhaseName; phaseReachedAt?: string } | undefined,
  run: Pick<RunContext, 'startedAt'>,
  endedAt: string,
): { startedAt?: string; seconds?: number } => {
  const marked = reached?.phaseReached === phase ? reached.phaseReachedAt : undefined;
  const startedAt = marked ?? (phase === 'decide' ? run.startedAt : undefined);
  return startedAt ? { startedAt, seconds: elapsed(startedAt, endedAt) } : {};
};
