import {
  ANSWER_COMPARED_TYPES,
  type DnsAnswerReading,
  dnsName,
  judgeDnsAnswer,
  type RecordPairTargets,
  type RecordTarget,
  recordLabel,
  recordTarget,
} from '../domain/dns-answers';
import { HEALTHY_CHECKER_SHARE, type HealthCheckStatus } from '../domain/health-checks';
import type { DnsAnswerPort, FailoverRecordSet, LedgerPort, Route53ReadPort } from '../domain/ports';
import { recordTargetsByReadiness } from '../domain/readiness';
import type { VerificationResult } from '../domain/run';
import type { Plan } from '../plan/schema';
import type { Clock } from '../runtime/clock';
import type { Log } from '../runtime/logger';

export interface DnsAnswerDeps {
  route53: Pick<Route53ReadPort, 'listFailoverRecords'> & {
    getHealthCheckStatus(id: string): Promise<HealthCheckStatus | undefined>;
  };
  dns: DnsAnswerPort;
  /**
   * The plan's last readiness (the ledger), read by a plan whose live path calls no Route 53 API: what its records
   * make DNS answer, as readiness read them (recordTargetsByReadiness).
   */
  ledger: Pick<LedgerPort, 'listReadiness'>;
  clock: Clock;
  log: Log;
  /** Waits between looks (checkDnsAnswersSettled); defaults to a timer. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * How long a verify step looks again at answers that are not yet the serving record's before it fails the run: each
 * of Route 53's checkers reports its last look at an endpoint, one every 30 s by default (Route 53 API,
 * HealthCheckConfig RequestInterval), so an endpoint that has just come up (its database promoted a minute ago) is
 * seen by them within 30 s. Both verify functions have 50 s (serverless.yml), their states 60 s.
 */
export const DNS_SETTLE = { everySeconds: 10, forSeconds: 30 } as const;

type Check = VerificationResult['checks'][number];

/** What the DNS check found: checks, warnings (could not compare: a person looks) and failures (users do not reach it). */
export interface DnsAnswerFindings {
  checks: Check[];
  warnings: string[];
  failures: string[];
}

/** A record of a pair as a look compares it: what it makes DNS answer, and its health check (Route 53's API only). */
interface PairRecord {
  setIdentifier: string;
  target: RecordTarget;
  healthCheckId?: string;
}

/** What readiness kept of a plan's records, or why there is nothing to compare with. */
type KeptRecords = { at: string; pairs: RecordPairTargets[] } | { notCompared: string };

/**
 * The records read in one verify step: each record pair by zone, name and type (Route 53's API), or the plan's last
 * readiness (a plan whose live path calls no Route 53 API). Its looks (and Verify Failback's role check) share them,
 * for the records do not change while it verifies; each look asks DNS and the health checks again.
 */
export class RecordReads {
  readonly pairs = new Map<string, Promise<FailoverRecordSet[]>>();
  kept?: Promise<KeptRecords>;
}

/** A record pair's key in RecordReads. */
const pairKey = (zone: string, pair: { name: string; type: string }): string => `${zone} ${pair.name} ${pair.type}`;

/** A record pair's records, read once per RecordReads (ListResourceRecordSets, Route 53's API in us-east-1). */
export const readRecordPair = (
  reads: RecordReads,
  route53: DnsAnswerDeps['route53'],
  zone: string,
  pair: { name: string; type: string },
): Promise<FailoverRecordSet[]> => {
  const key = pairKey(zone, pair);
  let read = reads.pairs.get(key);
  if (!read) {
    read = route53.listFailoverRecords(zone, pair.name, pair.type);
    reads.pairs.set(key, read);
  }
  return read;
};

const errorText = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/** The plan's records as its last readiness kept them (the ledger, no Route 53 API), read once per RecordReads. */
const keptRecords = (plan: Plan, deps: DnsAnswerDeps, reads: RecordReads): Promise<KeptRecords> => {
  reads.kept ??= deps.ledger.listReadiness(plan.app, 1).then(
    ([last]): KeptRecords => recordTargetsByReadiness(plan, last, deps.clock.now()),
    (error: unknown): KeptRecords => ({
      notCompared: `the plan's last readiness could not be read (${errorText(error)})`,
    }),
  );
  return reads.kept;
};

/** What a plan's switch changed, as a verify failure says it: DNS should follow it. */
const SWITCHED: Readonly<Record<Plan['dnsSwitch']['method'], string>> = {
  'route53-records': 'the records are switched',
  'arc-routing-control': 'the routing controls are switched',
  'alarm-health-check': 'the switch alarm is set',
};

/** A record's target with an alias resolved: the values DNS answers for it. */
const resolveTarget = async (
  target: RecordTarget,
  type: string,
  dns: DnsAnswerPort,
): Promise<{ values: string[]; alias?: string }> =>
  'alias' in target ? { values: await dns.answer(target.alias, type), alias: target.alias } : target;

/**
 * What users reach through each record pair of a `route53-records` plan once it is switched: toward `standby` after a
 * failover, toward `primary` after a failback. For each pair it reads the records (Route 53's API), asks the zone's
 * name servers (DNS, no API) and, when the serving record has a health check, what Route 53's checkers see of it:
 * - DNS answers another record, or nothing: a failure (the records are switched, users are not);
 * - DNS answers the serving record while its health check fails: a failure, for Route 53 answers it only because no
 *   record of the pair is healthy (it fails open), and answers the other record once that one's check passes, or the
 *   fence changes it (Route 53 Developer Guide, "How Amazon Route 53 chooses records when health checking is
 *   configured");
 * - a read that fails: a warning (could not compare), never a pass.
 * Plans that switch DNS with ARC routing controls or a switch alarm call no Route 53 API on their live path (it runs
 * without us-east-1): their records are the ones the plan's last readiness read (recordTargetsByReadiness), but a
 * pair the step read through Route 53's API itself (Verify Failback reads the records the fence pointed at
 * maintenance) counts as read now; no health check is read. Without a current readiness that kept them, their answers
 * are not compared: a warning.
 */
export const checkDnsAnswers = async (
  plan: Plan,
  toward: 'standby' | 'primary',
  deps: DnsAnswerDeps,
  reads: RecordReads = new RecordReads(),
): Promise<DnsAnswerFindings> => {
  const findings: DnsAnswerFindings = { checks: [], warnings: [], failures: [] };
  const method = plan.dnsSwitch.method;
  let kept: RecordPairTargets[] | undefined;
  let keptAt: string | undefined;
  if (method !== 'route53-records') {
    const found = await keptRecords(plan, deps, reads);
    if ('notCompared' in found) {
      const why = `an ${method} plan's verify calls no Route 53 API (us-east-1) and ${found.notCompared}`;
      deps.log.warn('dns answers not compared', { plan: plan.app, why });
      findings.checks.push({ name: 'dns answers', ok: false, detail: `not compared: ${why}` });
      findings.warnings.push(
        `could not compare what DNS answers for plan ${plan.app}'s records: ${why}; check with dig, and run ` +
          `the plan's readiness (switchback readiness --plan ${plan.app} --record) so that the next run compares them`,
      );
      return findings;
    }
    kept = found.pairs;
    keptAt = found.at;
  }
  /** A pair's records, and when readiness read them (kept records only): its run, or an earlier one it carried. */
  const recordsOf = async (
    zone: string,
    pair: { name: string; type: string },
  ): Promise<{ records: PairRecord[]; readAt?: string } | undefined> => {
    const readNow = reads.pairs.get(pairKey(zone, pair));
    if (kept && readNow) {
      // Read from Route 53 in this step (Verify Failback reads the records a fence edited, which its Flip DNS Back
      // gave their values back since readiness read them): what they say now, with no health check to read.
      const records = await readNow;
      return {
        records: records.map((record) => ({ setIdentifier: record.setIdentifier, target: recordTarget(record) })),
      };
    }
    if (kept) {
      const stored = kept.find(
        (each) => each.hostedZoneId === zone && dnsName(each.name) === dnsName(pair.name) && each.type === pair.type,
      );
      return stored && { records: stored.records, readAt: stored.readAt ?? keptAt };
    }
    const records = await readRecordPair(reads, deps.route53, zone, pair);
    return {
      records: records.map((record) => ({
        setIdentifier: record.setIdentifier,
        target: recordTarget(record),
        ...(typeof record.rest.HealthCheckId === 'string' ? { healthCheckId: record.rest.HealthCheckId } : {}),
      })),
    };
  };
  const region = { serving: plan.regions[toward], other: plan.regions[toward === 'standby' ? 'primary' : 'standby'] };
  const pairs = plan.dns.flatMap((zone) => zone.records.map((pair) => ({ zone: zone.hostedZoneId, pair })));
  // Records often share a health check (one per regional endpoint): each is read once. GetHealthCheckStatus has a
  // quota of its own, 1 request a second for the whole account (Route 53 Developer Guide, "Throttling for Amazon
  // Route 53 API requests").
  const statuses = new Map<string, ReturnType<DnsAnswerDeps['route53']['getHealthCheckStatus']>>();
  const healthCheckStatus = (id: string) => {
    let status = statuses.get(id);
    if (!status) {
      status = deps.route53.getHealthCheckStatus(id);
      statuses.set(id, status);
    }
    return status;
  };
  const results = await Promise.all(
    pairs.map(async ({ zone, pair }): Promise<DnsAnswerFindings> => {
      const found: DnsAnswerFindings = { checks: [], warnings: [], failures: [] };
      const label = recordLabel(pair.name, pair.type);
      const name = `dns answer ${label}`;
      if (!ANSWER_COMPARED_TYPES.has(pair.type)) {
        deps.log.info('dns answer not compared', { record: label });
        return found;
      }
      const [servingSet, otherSet] =
        toward === 'standby'
          ? [pair.standbySetIdentifier, pair.primarySetIdentifier]
          : [pair.primarySetIdentifier, pair.standbySetIdentifier];
      const couldNot = (check: string, what: string, error: unknown) => {
        const text = errorText(error);
        deps.log.warn('dns answer not compared', { record: label, what, error: text });
        found.checks.push({ name: check, ok: false, detail: `not compared: ${what} failed (${text})` });
        found.warnings.push(
          `could not compare what DNS answers for ${label}: ${what} failed (${text}); check with dig`,
        );
      };
      let records: PairRecord[];
      let asRead = '';
      try {
        const read = await recordsOf(zone, pair);
        if (!read) throw new Error(`the plan's readiness at ${keptAt} did not read them`);
        records = read.records;
        if (read.readAt) asRead = ` (the records as the plan's readiness read them at ${read.readAt})`;
      } catch (error) {
        couldNot(
          name,
          kept ? "reading the records (the plan's readiness)" : "reading the records (Route 53's API)",
          error,
        );
        return found;
      }
      const serving = records.find((record) => record.setIdentifier === servingSet);
      const other = records.find((record) => record.setIdentifier === otherSet);
      if (!serving) {
        found.checks.push({ name, ok: false, detail: `no record "${servingSet}" of ${label} in ${zone}${asRead}` });
        found.failures.push(
          `${label}: no record "${servingSet}" in ${zone}${asRead}: DNS cannot answer ${region.serving}`,
        );
        return found;
      }
      let reading: DnsAnswerReading;
      try {
        const [answered, servingTarget, otherTarget] = await Promise.all([
          deps.dns.answer(pair.name, pair.type),
          resolveTarget(serving.target, pair.type, deps.dns),
          other ? resolveTarget(other.target, pair.type, deps.dns) : undefined,
        ]);
        reading = {
          name: pair.name,
          type: pair.type,
          serving: { setIdentifier: servingSet, region: region.serving, ...servingTarget },
          ...(otherTarget ? { other: { setIdentifier: otherSet, region: region.other, ...otherTarget } } : {}),
          answered,
        };
      } catch (error) {
        couldNot(name, `asking ${label}'s name servers`, error);
        return found;
      }
      const verdict = judgeDnsAnswer(reading);
      found.checks.push({ name, ok: verdict.ok, detail: `${verdict.detail}${asRead}` });
      const { healthCheckId } = serving;
      if (!verdict.ok) {
        found.failures.push(
          `${verdict.detail}${asRead}: ${SWITCHED[method]}, what users reach is not; ` +
            (kept
              ? // The serving record answers once its health check (the routing control's, or the one the switch
                // alarm fails for the other record) passes: readiness checks that wiring.
                `check with dig ${pair.name} ${pair.type}, that the domain delegates to hosted zone ${zone}'s name servers, ` +
                `and that the plan's readiness finds its records in place (switchback readiness --plan ${plan.app})`
              : // Without a health check Route 53 answers the PRIMARY record whatever happens: another answer comes
                // from another zone than the plan's.
                reading.answered.length === 0 || healthCheckId === undefined
                ? `check that the domain delegates to hosted zone ${zone}'s name servers`
                : `make ${region.serving}'s endpoint pass its Route 53 health check (${healthCheckId}), then check with dig ${pair.name} ${pair.type}`),
        );
        return found;
      }
      if (healthCheckId === undefined) return found;
      try {
        const status = await healthCheckStatus(healthCheckId);
        if (!status || status.checkers === 0) return found;
        const healthy = status.healthyCheckers / status.checkers > HEALTHY_CHECKER_SHARE;
        const seen = `${status.healthyCheckers} of ${status.checkers} checkers reach it${status.failure ? ` ("${status.failure}")` : ''}`;
        found.checks.push({ name: `health check ${label}`, ok: healthy, detail: `${healthCheckId}: ${seen}` });
        if (!healthy) {
          found.failures.push(
            `${label}: DNS answers ${region.serving} only because no record of the pair is healthy (Route 53 fails open): ` +
              `health check ${healthCheckId} fails (${seen}); once ${region.other}'s record passes or is fenced, ` +
              `DNS answers that instead: make ${region.serving}'s endpoint pass its health check`,
          );
        }
      } catch (error) {
        couldNot(`health check ${label}`, `reading health check ${healthCheckId}`, error);
      }
      return found;
    }),
  );
  for (const result of results) {
    findings.checks.push(...result.checks);
    findings.warnings.push(...result.warnings);
    findings.failures.push(...result.failures);
  }
  return findings;
};

/**
 * checkDnsAnswers (or what it found already: `first`), and while it finds failures, again every
 * DNS_SETTLE.everySeconds for at most DNS_SETTLE.forSeconds: what it found last. The records are read once (`reads`);
 * a read that failed (a warning) is not a reason to look again.
 */
export const checkDnsAnswersSettled = async (
  plan: Plan,
  toward: 'standby' | 'primary',
  deps: DnsAnswerDeps,
  first?: DnsAnswerFindings,
  reads: RecordReads = new RecordReads(),
): Promise<DnsAnswerFindings> => {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let findings = first ?? (await checkDnsAnswers(plan, toward, deps, reads));
  for (let waited = 0; findings.failures.length > 0 && waited < DNS_SETTLE.forSeconds; ) {
    deps.log.info('dns answers not yet switched: looking again', { failures: findings.failures.length, waited });
    await sleep(DNS_SETTLE.everySeconds * 1000);
    waited += DNS_SETTLE.everySeconds;
    findings = await checkDnsAnswers(plan, toward, deps, reads);
  }
  return findings;
};
