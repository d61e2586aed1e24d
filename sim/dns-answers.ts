import type { Plan } from '../shared/plan/schema';
import type { Resolution } from './models/route53';

/** What DNS answers for one record of the plan when the drill ends: the simulated Route 53's data plane. */
export interface DnsAnswer {
  /** `name TYPE`, as the plan names the record. */
  record: string;
  /** The region the answer points at; null when DNS answers nothing or no regional endpoint. */
  region: string | null;
  values: string[];
  /** Every record of the name was unhealthy: Route 53 answers as if all were healthy (failover: the PRIMARY). */
  failedOpen: boolean;
}

/**
 * The drill's own check of what a run claims, in DNS: the answers for every record of the plan when the drill ends,
 * and, when the run says it recovered, each record that does not answer the region it says serves. The product's
 * verdict rests on its own reads (the databases, the routing change it made); this reads what users would reach.
 */
export interface DnsCheck {
  answers: DnsAnswer[];
  /** Empty unless the run says it recovered while DNS answers another region (or nothing) for a record. */
  disagreements: string[];
}

export const checkDns = (
  plan: Plan,
  resolve: (name: string, type: string) => Resolution | undefined,
  claim: { outcome: string; activeRegion: string },
): DnsCheck => judgeDns(readDnsAnswers(plan, resolve), claim);

/** What DNS answers now for every record of the plan. */
export const readDnsAnswers = (
  plan: Plan,
  resolve: (name: string, type: string) => Resolution | undefined,
): DnsAnswer[] =>
  plan.dns.flatMap((zone) =>
    zone.records.map((record): DnsAnswer => {
      const answer = resolve(record.name, record.type);
      return {
        record: `${record.name} ${record.type}`,
        region: answer?.region ?? null,
        values: answer?.values ?? [],
        failedOpen: answer?.failedOpen ?? false,
      };
    }),
  );

/** The answers against a run's claim: each record that does not answer the region it says serves, if it recovered. */
export const judgeDns = (answers: DnsAnswer[], claim: { outcome: string; activeRegion: string }): DnsCheck => {
  const disagreements =
    claim.outcome === 'recovered'
      ? answers
          .filter((answer) => answer.region !== claim.activeRegion)
          .map(
            (answer) =>
              `the run says ${claim.activeRegion} serves, but DNS answers ${answer.region === null ? answer.values.join(', ') || 'nothing' : answer.region} for ${answer.record}${answer.failedOpen ? ' (no record of it is healthy: Route 53 answers as if all were)' : ''}`,
          )
      : [];
  return { answers, disagreements };
};

/**
 * What the drill's DNS check found against each leg's claim when that leg ended (a game day's failover before its
 * failback), less what it found at the drill's end: `after the failover leg <incident>: the run says ...`.
 */
export const legDnsDisagreements = (report: {
  dns?: DnsCheck;
  legs: { action: string; incidentId: string; dns?: DnsCheck }[];
}): string[] => {
  const atEnd = new Set(report.dns?.disagreements ?? []);
  return report.legs.flatMap((leg) =>
    (leg.dns?.disagreements ?? [])
      .filter((text) => !atEnd.has(text))
      .map((text) => `after the ${leg.action} leg ${leg.incidentId}: ${text}`),
  );
};
