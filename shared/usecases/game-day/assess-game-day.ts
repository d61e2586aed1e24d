import { type GameDayLeg, gameDayLegs, legsToStart, MAX_GAME_DAY_INCIDENT_ID } from '../../domain/game-day';
import type { PreflightFinding } from '../../domain/preflight';
import { manualRunContext, openingRecord, type RunContext } from '../../domain/run';
import { currentTopology, failoverRefusal, type Topology } from '../../domain/topology';
import { InvalidRunInputError } from '../../errors';
import { type AssessEvent, parseRunInput } from '../assess-failover';
import { type AssessStepDeps, publishDecision, requireManualTrigger, takeRunLock } from '../assess-runbook';

export interface GameDayAssessment {
  decision: 'proceed' | 'block';
  reasons: string[];
  decidedAt: string;
  /** The topology the game day began on (the report shows it before the first leg). */
  topology: Topology;
  findings: PreflightFinding[];
  /** Every leg of the game day, in order (a dry run plans them all). */
  legs: GameDayLeg[];
  /** The legs this run starts: all of them, or in a dry run the failover's dry run alone. */
  toStart: GameDayLeg[];
  /** How many legs this run starts (the state machine's loop bound). */
  legCount: number;
  /** True when an earlier execution of this game day (same incident id) started legs: this one resumes it. */
  resumed: boolean;
}

export interface AssessGameDayResult {
  run: RunContext;
  assessment: GameDayAssessment;
}

export type AssessGameDayDeps = AssessStepDeps<'acquireLock' | 'releaseLock' | 'getTopology' | 'getRun' | 'putRun'>;

/**
 * "Assess Game Day": validates the input (action `game-day`, started by hand, live or dry-run), takes the plan's lock
 * while it looks (no other run may be in flight), checks that the plan is home (its primary region serves and every
 * database has the plan's standby, as a failover requires) unless it resumes an earlier execution of the same game
 * day, plans the legs, writes the game day's opening record and releases the lock: each leg takes it for its own run.
 *
 * @throws InvalidRunInputError naming each bad field; PlanNotFoundError; LockHeldError
 */
export const assessGameDay = async (event: AssessEvent, deps: AssessGameDayDeps): Promise<AssessGameDayResult> => {
  const { plans, ledger, events, clock, log } = deps;
  const input = parseRunInput(event.input, 'game-day');
  const plan = plans.get(input.plan);
  const incidentId = input.incidentId ?? event.execution.name;
  const startedAt = clock.now().toISOString();
  requireManualTrigger(input, 'a game day is started by hand only: leave trigger out (manual)');
  if (incidentId.length > MAX_GAME_DAY_INCIDENT_ID) {
    throw new InvalidRunInputError([
      {
        path: input.incidentId ? 'incidentId' : 'execution name',
        message: `at most ${MAX_GAME_DAY_INCIDENT_ID} characters: each leg's execution is named <incident id>-<n>-<runbook>`,
      },
    ]);
  }
  // A game day is live (its failover is a real, planned one) or a dry run; `game-day` means live here.
  const mode = input.mode === 'dry-run' ? 'dry-run' : 'live';
  const owner = { incidentId, executionArn: event.execution.arn };
  const lock = await takeRunLock(deps, plan.app, owner, mode, clock.now());
  try {
    const topology = currentTopology(plan, await ledger.getTopology(plan.app));
    const earlier = await ledger.getRun(plan.app, incidentId);
    // The same game day started again (after a failure, or twice): its legs that ended are found, not run again.
    const resumed = earlier?.run.action === 'game-day' && earlier.outcome !== 'blocked';
    const refusal = resumed ? undefined : failoverRefusal(plan, topology);
    const findings: PreflightFinding[] = refusal
      ? [
          {
            check: 'topology-home',
            resource: `plan:${plan.app}`,
            expected: `${plan.regions.primary} serves and every database has the plan's standby`,
            found: refusal,
            fix: 'finish the lifecycle first (switchback status --plan NAME shows what is left), then start the game day',
          },
        ]
      : [];
    const legs = gameDayLegs(plan, { incidentId, mode, reason: input.reason, requestedBy: input.requestedBy });
    const toStart = legsToStart(legs, mode);
    const assessment: GameDayAssessment = {
      decision: findings.length > 0 ? 'block' : 'proceed',
      reasons:
        findings.length > 0
          ? findings.map((f) => `${f.resource}: ${f.found}: ${f.fix}`)
          : [
              ...(resumed ? [`resumes game day ${incidentId}: legs that ended are not run again`] : []),
              ...legs.map(
                (leg) =>
                  `leg ${leg.index}: ${leg.action} (${leg.mode})` +
                  (leg.waitSeconds > 0 ? ` after a ${leg.waitSeconds} s verification window` : '') +
                  (toStart.includes(leg) ? '' : ': planned only (a dry run starts the failover dry run alone)'),
              ),
            ],
      decidedAt: clock.now().toISOString(),
      topology,
      findings,
      legs,
      toStart: findings.length > 0 ? [] : toStart,
      legCount: findings.length > 0 ? 0 : toStart.length,
      resumed,
    };
    // What was settled to take the lock (an orphan's), first among the reasons.
    if (lock.tookOver) assessment.reasons.unshift(lock.tookOver);
    const run = manualRunContext({
      incidentId,
      plan,
      action: 'game-day',
      input: { ...input, mode },
      startedAt: resumed && earlier ? earlier.run.startedAt : startedAt,
      executionArn: event.execution.arn,
      epoch: lock.epoch,
    });
    await ledger.putRun({ ...openingRecord(run, assessment), ...(earlier?.legs ? { legs: earlier.legs } : {}) });
    log.info('game day assessed', { decision: assessment.decision, legs: legs.length, resumed, epoch: lock.epoch });
    await publishDecision(events, run, assessment, assessment.decision === 'proceed' ? 'succeeded' : 'failed');
    return { run, assessment };
  } finally {
    // Each leg takes the lock for its own run; the game day holds it only while it looks.
    if (mode !== 'dry-run') await ledger.releaseLock(plan.app, owner);
  }
};
