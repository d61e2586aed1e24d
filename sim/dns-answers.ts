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
): DnsCheck => {
  const answers = plan.dns.flatMap((zone) =>
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
