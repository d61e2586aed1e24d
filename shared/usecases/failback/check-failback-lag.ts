import { decideLag, type FailbackTarget, type LagDecision, type LagReading } from '../../domain/failback';
import type { EventsPort, RdsPort, ReplicaLagPort } from '../../domain/ports';
import { DETAIL_TYPES, type RunContext } from '../../domain/run';
import type { PlanRegistry } from '../../plan/registry';
import type { Clock } from '../../runtime/clock';
import type { Log } from '../../runtime/logger';

export interface CheckFailbackLagDeps {
  plans: PlanRegistry;
  rds: Pick<RdsPort, 'describeGlobalCluster' | 'describeInstance'>;
  replicaLag: ReplicaLagPort;
  events: EventsPort;
  clock: Clock;
  log: Log;
}

export interface CheckFailbackLagInput {
  run: RunContext;
  targets: FailbackTarget[];
  /** The previous check, when the ASL loops back after a Wait (it carries the bound). */
  previous?: Pick<LagDecision, 'waitUntil' | 'checks'>;
  /**
   * What Pause Writes did (its result): with a write pause, an RDS lag counts only from a minute that began after it
   * took effect (`at`), so a 0 read before the pause (a quiet minute) never stands for the writes made until then.
   * Without one (no `parameter`), or in a dry run (nothing paused), the newest reading counts.
   */
  pause?: { at: string; parameter: unknown };
}

/**
 * "Check Failback Lag": reads each target's lag in its own region (the plan's primary region, where the standby
 * publishes it): RDS `ReplicaLag`, Aurora `AuroraGlobalDBRPOLag` and the secondary's synchronization status. It
 * proceeds when every lag is cleared (domain/failback.ts lagCleared), waits `failback.pollSeconds` otherwise, and
 * blocks once `failback.maxLagWaitSeconds` have passed since the first check. It changes nothing.
 */
export const checkFailbackLag = async (
  input: CheckFailbackLagInput,
  deps: CheckFailbackLagDeps,
): Promise<LagDecision> => {
  const { run, targets, previous } = input;
  const settings = deps.plans.get(run.plan).failback;
  const now = deps.clock.now();
  const waitUntil = previous?.waitUntil ?? new Date(now.getTime() + settings.maxLagWaitSeconds * 1000).toISOString();
  const since = input.pause?.parameter && run.mode !== 'dry-run' ? new Date(input.pause.at) : undefined;
  const readings = await Promise.all(targets.map((target) => readLag(target, deps, now, since)));
  const decision = decideLag(readings, {
    now,
    waitUntil,
    pollSeconds: settings.pollSeconds,
    checks: (previous?.checks ?? 0) + 1,
    maxChecks: Math.ceil(settings.maxLagWaitSeconds / settings.pollSeconds) + 1,
    targets,
  });
  deps.log.info('failback lag checked', { decision: decision.decision, checks: decision.checks });
  if (decision.decision !== 'wait') {
    await deps.events.publish(DETAIL_TYPES.phaseChanged, {
      run,
      phase: 'decide',
      status: decision.decision === 'proceed' ? 'succeeded' : 'failed',
      at: decision.checkedAt,
      facts: readings.map(lagFact),
      lagSeconds: readings.some((r) => r.lagSeconds === null)
        ? null
        : Math.max(0, ...readings.map((r) => r.lagSeconds ?? 0)),
    });
  }
  return decision;
};

const lagFact = (reading: LagReading): string =>
  `${reading.databaseId}: lag ${reading.lagSeconds === null ? 'unknown' : `${reading.lagSeconds} s`}` +
  (reading.synchronizationStatus ? ` (${reading.synchronizationStatus})` : '');

const readLag = async (
  target: FailbackTarget,
  deps: CheckFailbackLagDeps,
  now: Date,
  since: Date | undefined,
): Promise<LagReading> => {
  const { region, identifier } = target.to;
  if (target.kind === 'rds-read-replica') {
    const lag = await deps.replicaLag.rdsReplicaLagSeconds(region, identifier, now, since);
    if (lag === undefined) {
      // No datapoint: an instance that no longer replicates was promoted by an earlier attempt of this failback.
      const instance = await deps.rds.describeInstance(region, identifier);
      if (instance && !instance.replicationSource) {
        return { databaseId: target.id, kind: target.kind, lagSeconds: null, alreadyPromoted: true };
      }
    }
    return { databaseId: target.id, kind: target.kind, lagSeconds: lag ?? null };
  }
  const [global, lag] = await Promise.all([
    deps.rds.describeGlobalCluster(region, target.globalCluster ?? ''),
    deps.replicaLag.auroraRpoLagSeconds(region, identifier, now),
  ]);
  const member = global?.members.find((m) => m.clusterIdentifier === identifier);
  return {
    databaseId: target.id,
    kind: target.kind,
    lagSeconds: lag ?? null,
    synchronizationStatus: member ? (member.synchronizationStatus ?? 'connected') : 'not a member',
  };
};
