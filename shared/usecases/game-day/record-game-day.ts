import { gameDayOutcome } from '../../domain/game-day';
import { DETAIL_TYPES, type LegRecord, type RunContext, type RunRecord } from '../../domain/run';
import { phaseTiming, publishRunbookEnd, type RecordStepDeps } from '../publish-runbook-end';
import type { GameDayAssessment } from './assess-game-day';

export interface RecordGameDayEvent {
  run: RunContext;
  assessment: GameDayAssessment;
}

export interface RecordGameDayResult {
  outcome: RunRecord['outcome'];
  legs: LegRecord[];
}

export type RecordGameDayDeps = RecordStepDeps<'getRun' | 'putRun'>;

/**
 * "Record Game Day": the game day's one record, from its legs' own records: each leg's outcome, times, RTO and RPO;
 * the game day's RTO is its failover's (the planned outage), its RPO the worst of its failover's and failback's (the
 * data at risk in the two moves). Recovered when every leg it started did its work; blocked when refused before the
 * first leg. A leg that stopped fails the execution before this step (on-run-failed records it, with the redrive).
 */
export const recordGameDay = async (
  event: RecordGameDayEvent,
  deps: RecordGameDayDeps,
): Promise<RecordGameDayResult> => {
  const { run, assessment } = event;
  const endedAt = deps.clock.now().toISOString();
  const legs: LegRecord[] = [];
  const records = await Promise.all(assessment.legs.map((leg) => deps.ledger.getRun(run.plan, leg.name)));
  const fencedByAnother: string[] = [];
  for (const [index, leg] of assessment.legs.entries()) {
    const record = records[index];
    const planned = !assessment.toStart.some((each) => each.name === leg.name);
    // A fence leg with no record of its own that a later leg followed: its fence found the plan's lock held by
    // another fence (the fence retry's), which fenced in its place (Check Leg waited for it: check-game-day-leg.ts).
    const skipped = !record && leg.action === 'fence' && records.slice(index + 1).some(Boolean);
    if (skipped) fencedByAnother.push(leg.name);
    legs.push({
      action: leg.action,
      incidentId: leg.name,
      outcome: record?.outcome ?? (skipped ? 'skipped' : 'not-started'),
      ...(record ? { startedAt: record.run.startedAt, endedAt: record.endedAt } : {}),
      ...(record?.rto ? { rto: record.rto } : {}),
      ...(record?.rpo ? { rpo: record.rpo } : {}),
      ...(planned ? { planned: true } : {}),
    });
  }
  const outcome = assessment.decision === 'block' ? 'blocked' : gameDayOutcome(legs, assessment.toStart.length);
  const failover = legs.find((leg) => leg.action === 'failover');
  const rpos = legs.filter((leg) => leg.action === 'failover' || leg.action === 'failback').flatMap((l) => l.rpo ?? []);
  const worstRpo = rpos.sort((a, b) => b.actualSeconds - a.actualSeconds)[0];
  const record: RunRecord = {
    run,
    outcome,
    phases: [phaseTiming('decide', run.startedAt, assessment.decidedAt)],
    ...(failover?.rto ? { rto: failover.rto } : {}),
    ...(worstRpo ? { rpo: worstRpo } : {}),
    actions: [],
    warnings: legs
      .filter((leg) => leg.outcome === 'not-started' && !leg.planned)
      .map((leg) => `${leg.incidentId}: not started`),
    reasons: [
      ...assessment.reasons,
      ...legs.map((leg) =>
        fencedByAnother.includes(leg.incidentId)
          ? `${leg.incidentId}: skipped: another fence (the fence retry's) held the plan's lock when it asked, and fenced in its place`
          : `${leg.incidentId}: ${leg.planned ? 'planned only' : leg.outcome}`,
      ),
    ],
    endedAt,
    legs,
    ...(assessment.findings.length > 0 ? { findings: assessment.findings } : {}),
  };
  await publishRunbookEnd(deps, record, { phase: 'decide', facts: [] }, DETAIL_TYPES.runBlocked);
  deps.log.info('game day recorded', { outcome, legs: legs.length });
  return { outcome, legs };
};
