import type { FailbackResult } from '../../domain/failback';
import type { EventsPort, LedgerPort, RdsPort, Route53Port } from '../../domain/ports';
import type { RunContext, VerificationResult } from '../../domain/run';
import { describeCopy } from '../../domain/topology';
import { VerificationFailedError } from '../../errors';
import type { PlanRegistry } from '../../plan/registry';
import type { Clock } from '../../runtime/clock';
import type { Log } from '../../runtime/logger';
import { isGlobalFailoverRunning } from '../database-state';
import { publishPhase } from '../flip-dns';
import { markPhaseReached } from '../mark-phase';

export interface VerifyFailbackDeps {
  plans: PlanRegistry;
  rds: Pick<RdsPort, 'describeInstance' | 'describeGlobalCluster'>;
  route53: Pick<Route53Port, 'listFailoverRecords'>;
  events: EventsPort;
  ledger: Pick<LedgerPort, 'markPhase'>;
  clock: Clock;
  log: Log;
}

export interface VerifyFailbackInput {
  run: RunContext;
  results: FailbackResult[];
}

type Check = VerificationResult['checks'][number];

/**
 * "Verify Failback": reads back what the failback changed. Each database's writer in the plan's primary region
 * writes (RDS: `available` and no longer a replica; Aurora: the global cluster's writer, no switchover running);
 * with `route53-records`, each pair's record for the primary region is PRIMARY again (ARC plans: Flip DNS read the
 * routing controls back already). A dry run changed nothing and checks nothing.
 *
 * @throws VerificationFailedError naming each failed check
 */
export const verifyFailback = async (
  input: VerifyFailbackInput,
  deps: VerifyFailbackDeps,
): Promise<VerificationResult> => {
  const { run, results } = input;
  const startedAt = deps.clock.now().toISOString();
  await markPhaseReached(deps, run, 'verify', startedAt);
  await publishPhase(deps.events, { run, phase: 'verify', status: 'started', at: startedAt });
  const checks: Check[] = [];
  if (run.mode !== 'dry-run') {
    const plan = deps.plans.get(run.plan);
    for (const result of results) checks.push(await checkWriter(result, deps));
    if (plan.dnsSwitch.method === 'route53-records') {
      for (const zone of plan.dns) {
        for (const pair of zone.records) {
          const records = await deps.route53.listFailoverRecords(zone.hostedZoneId, pair.name, pair.type);
          const role = records.find((r) => r.setIdentifier === pair.primarySetIdentifier)?.failover ?? 'missing';
          checks.push({
            name: `dns ${pair.name} ${pair.type}`,
            ok: role === 'PRIMARY',
            detail: `${pair.primarySetIdentifier} is ${role}`,
          });
        }
      }
    }
  }
  const failures = checks.filter((check) => !check.ok).map((check) => `${check.name}: ${check.detail}`);
  const endedAt = deps.clock.now().toISOString();
  await publishPhase(deps.events, {
    run,
    phase: 'verify',
    status: failures.length > 0 ? 'failed' : 'succeeded',
    at: endedAt,
    facts: checks.map((check) => `${check.ok ? '✓' : '✗'} ${check.name}: ${check.detail}`),
  });
  if (failures.length > 0) throw new VerificationFailedError(failures);
  deps.log.info('failback verified', { checks: checks.length });
  return { startedAt, endedAt, checks, warnings: [] };
};

const checkWriter = async (result: FailbackResult, deps: VerifyFailbackDeps): Promise<Check> => {
  const name = `${result.databaseId} writes in ${result.writer.region}`;
  const where = describeCopy(result.writer);
  if (result.kind === 'rds-read-replica') {
    const instance = await deps.rds.describeInstance(result.writer.region, result.writer.identifier);
    const ok = instance?.status === 'available' && !instance.replicationSource;
    const found = !instance ? 'not found' : instance.replicationSource ? 'still a read replica' : instance.status;
    return { name, ok, detail: `${where}: ${found}` };
  }
  const global = await deps.rds.describeGlobalCluster(result.writer.region, result.globalCluster ?? '');
  const member = global?.members.find((m) => m.clusterIdentifier === result.writer.identifier);
  const ok = Boolean(member?.isWriter) && !(global && isGlobalFailoverRunning(global));
  return { name, ok, detail: `${where}: ${member?.isWriter ? 'the writer' : 'not the writer'}` };
};
