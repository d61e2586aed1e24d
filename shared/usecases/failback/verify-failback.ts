import { describeTarget, recordTarget, sameTarget } from '../../domain/dns-answers';
import type { FailbackResult } from '../../domain/failback';
import type { DnsAnswerPort, EventsPort, FailoverRecordSet, LedgerPort, RdsPort } from '../../domain/ports';
import type { RunContext, VerificationResult } from '../../domain/run';
import { describeCopy } from '../../domain/topology';
import { VerificationFailedError } from '../../errors';
import type { PlanRegistry } from '../../plan/registry';
import type { FailoverRecord } from '../../plan/schema';
import type { Clock } from '../../runtime/clock';
import type { Log } from '../../runtime/logger';
import {
  checkDnsAnswers,
  checkDnsAnswersSettled,
  type DnsAnswerDeps,
  type DnsAnswerFindings,
  RecordReads,
  readRecordPair,
} from '../check-dns-answers';
import { isGlobalFailoverRunning } from '../database-state';
import { publishPhase } from '../flip-dns';
import { markPhaseReached } from '../mark-phase';

export interface VerifyFailbackDeps {
  plans: PlanRegistry;
  rds: Pick<RdsPort, 'describeInstance' | 'describeGlobalCluster'>;
  /** The records, and the serving record's health check (what DNS answers is judged by it). */
  route53: DnsAnswerDeps['route53'];
  /** What the records' zones answer (DNS, no API). */
  dns: DnsAnswerPort;
  /** Waits before DNS answers are looked at again (DNS_SETTLE); defaults to a timer. */
  sleep?: (ms: number) => Promise<void>;
  events: EventsPort;
  /** To mark the verify phase as reached, and (DnsAnswerDeps) the plan's last readiness. */
  ledger: Pick<LedgerPort, 'markPhase' | 'listReadiness'>;
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
 * routing controls back already); no record the fence pointed at maintenance still answers it (every plan: an ARC or
 * alarm plan reads those records through Route 53's API); and what DNS answers for each pair is the primary region's
 * record, not by failing open (checkDnsAnswers, looked at again for DNS_SETTLE; a read that fails is a warning; an ARC
 * or alarm plan's other records as its last readiness read them). A dry run changed nothing and checks nothing.
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
  let dns: DnsAnswerFindings | undefined;
  if (run.mode !== 'dry-run') {
    const plan = deps.plans.get(run.plan);
    for (const result of results) checks.push(await checkWriter(result, deps));
    // Each pair's records are read once, for its role here and for what DNS answers below.
    const reads = new RecordReads();
    const byRecords = plan.dnsSwitch.method === 'route53-records';
    for (const zone of plan.dns) {
      for (const pair of zone.records) {
        // A plan that switches with ARC or an alarm reads only the records its fence edits (Route 53's API).
        if (!byRecords && pair.fence?.method !== 'maintenance-target') continue;
        const records = await readRecordPair(reads, deps.route53, zone.hostedZoneId, pair);
        const primary = records.find((r) => r.setIdentifier === pair.primarySetIdentifier);
        if (byRecords) {
          const role = primary?.failover ?? 'missing';
          checks.push({
            name: `dns ${pair.name} ${pair.type}`,
            ok: role === 'PRIMARY',
            detail: `${pair.primarySetIdentifier} is ${role}`,
          });
        }
        const check = unfenced(pair, primary);
        if (check) checks.push(check);
      }
    }
    // Looked at again for a while only when everything else stands (DNS_SETTLE). A plan that switches with ARC or an
    // alarm: compared with its records as its last readiness read them (checkDnsAnswers).
    dns = checks.every((check) => check.ok)
      ? await checkDnsAnswersSettled(plan, 'primary', deps, undefined, reads)
      : await checkDnsAnswers(plan, 'primary', deps, reads);
  }
  const failures = [
    ...checks.filter((check) => !check.ok).map((check) => `${check.name}: ${check.detail}`),
    ...(dns?.failures ?? []),
  ];
  // What DNS answers is checked after the records' roles; a read that failed there is a warning, not a failure.
  checks.push(...(dns?.checks ?? []));
  const warnings = dns?.warnings ?? [];
  const endedAt = deps.clock.now().toISOString();
  await publishPhase(deps.events, {
    run,
    phase: 'verify',
    status: failures.length > 0 ? 'failed' : 'succeeded',
    at: endedAt,
    facts: [...checks.map((check) => `${check.ok ? '✓' : '✗'} ${check.name}: ${check.detail}`), ...warnings],
  });
  if (failures.length > 0) throw new VerificationFailedError(failures);
  deps.log.info('failback verified', { checks: checks.length, warnings: warnings.length });
  return { startedAt, endedAt, checks, warnings };
};

/**
 * A record the fence pointed at maintenance that did not get its values back (the fence kept none: a fence attempt
 * that changed it and failed before recording what it replaced). DNS answers what the record says, so the answer check
 * would pass: the primary region would serve the maintenance page. Undefined for a pair without such a fence.
 */
const unfenced = (pair: FailoverRecord, primary: FailoverRecordSet | undefined): Check | undefined => {
  const fence = pair.fence;
  if (!primary || fence?.method !== 'maintenance-target') return undefined;
  const fenced = sameTarget(pair.type, recordTarget(primary), { values: [fence.value] });
  return {
    name: `unfenced ${pair.name} ${pair.type}`,
    ok: !fenced,
    detail: fenced
      ? `${pair.primarySetIdentifier} still answers ${fence.value}, the fence's maintenance target: give it its values back (aws route53 change-resource-record-sets) and redrive`
      : `${pair.primarySetIdentifier} answers ${describeTarget(recordTarget(primary))}`,
  };
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
