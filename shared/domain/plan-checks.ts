import type { Plan } from '../plan/schema';
import { planResources } from './plan-resources';

/**
 * Checks of plans together (one deployment) and of a plan against what AWS can do at best. Pure: the CLI
 * (`switchback plan validate`) and packaging (scripts/plan-resources.js) run them over loaded plans.
 */

/** A plan as loaded, with where it came from (its file), to name both places of a conflict. */
export interface PlanEntry {
  source: string;
  plan: Plan;
}

/** One problem, at one place (a plan file and a field path), in words a plan author can act on. */
export interface PlanCheckIssue {
  source: string;
  path: string;
  message: string;
}

/**
 * The fastest recovery the published figures allow, from where the product counts RTO (the alarm's first breaching
 * datapoint) to verified recovery, per term (aws-facts.md):
 * - detection: one alarm period, 60 s: Route 53 HealthCheckStatus has 1-minute resolution (Route 53 Developer Guide,
 *   "Monitoring health checks using CloudWatch"), and the alarm cannot fire before its first period ends;
 * - promotion: the slowest kind of database in the plan at its fastest: an RDS read replica promotes in "several
 *   minutes or longer" (RDS User Guide, "Promoting a read replica"), taken as 120 s; an Aurora global failover gives
 *   a new primary "within a few minutes" (Aurora User Guide), taken as 60 s;
 * - DNS: the change reaching INSYNC, designed for <= 60 s (Route 53 API, GetChange), observed 60-130 s: 60 s.
 * These are floors, not forecasts: a budget below them cannot be met by any run.
 */
export const FASTEST_PROMOTION_SECONDS: Record<Plan['databases'][number]['kind'], number> = {
  'rds-read-replica': 120,
  'aurora-global': 60,
};
export const ALARM_PERIOD_SECONDS = 60;
export const DNS_PROPAGATION_SECONDS = 60;

export const fastestRecovery = (
  plan: Plan,
): { detectionSeconds: number; promotionSeconds: number; dnsSeconds: number; seconds: number } => {
  const promotionSeconds = Math.max(0, ...plan.databases.map((db) => FASTEST_PROMOTION_SECONDS[db.kind]));
  const seconds = ALARM_PERIOD_SECONDS + promotionSeconds + DNS_PROPAGATION_SECONDS;
  return { detectionSeconds: ALARM_PERIOD_SECONDS, promotionSeconds, dnsSeconds: DNS_PROPAGATION_SECONDS, seconds };
};

/** A plan whose RTO budget is below its own fastest possible recovery. */
export const rtoFloorIssues = (entries: readonly PlanEntry[]): PlanCheckIssue[] =>
  entries.flatMap(({ source, plan }) => {
    const fastest = fastestRecovery(plan);
    if (plan.budgets.rtoSeconds >= fastest.seconds) return [];
    return [
      {
        source,
        path: 'budgets.rtoSeconds',
        message:
          `${plan.budgets.rtoSeconds} s is below this plan's fastest possible recovery, ${fastest.seconds} s ` +
          `(detection ${fastest.detectionSeconds} s + promotion ${fastest.promotionSeconds} s + DNS ${fastest.dnsSeconds} s, ` +
          'published AWS figures): raise the budget to at least that',
      },
    ];
  });

/**
 * Resources named twice: by two plans, or twice in one plan (a database, a record by zone, name, type and set
 * identifier, an alarm). Compared the way AWS compares them (planResources). Both places are named.
 */
export const overlapIssues = (entries: readonly PlanEntry[]): PlanCheckIssue[] => {
  const seen = new Map<string, { entry: PlanEntry; path: string }>();
  const issues: PlanCheckIssue[] = [];
  for (const entry of entries) {
    // A plan names its Aurora global cluster once, and a record's two set identifiers differ (schema).
    for (const resource of planResources(entry.plan)) {
      const first = seen.get(resource.key);
      if (!first) {
        seen.set(resource.key, { entry, path: resource.path });
        continue;
      }
      const there =
        first.entry === entry ? first.path : `${first.path} of plan ${first.entry.plan.app} (${first.entry.source})`;
      issues.push({
        source: entry.source,
        path: resource.path,
        message: `${resource.label} is also named at ${there}: one resource belongs to one plan, once (two runs would act on it)`,
      });
    }
  }
  return issues;
};

/** One deployment serves the plans of one standby region (it is deployed there): every plan must share it. */
export const standbyRegionIssues = (entries: readonly PlanEntry[]): PlanCheckIssue[] => {
  const first = entries[0];
  if (!first) return [];
  return entries
    .filter(({ plan }) => plan.regions.standby !== first.plan.regions.standby)
    .map(({ source, plan }) => ({
      source,
      path: 'regions.standby',
      message:
        `${plan.regions.standby} differs from ${first.plan.regions.standby} (plan ${first.plan.app}, ${first.source}): ` +
        'one deployment serves the plans of one standby region; deploy once per standby region, each with its own plans folder',
    }));
};

/** `plans/x.yml: budgets.rtoSeconds: …` */
export const formatPlanIssue = (issue: PlanCheckIssue): string => `${issue.source}: ${issue.path}: ${issue.message}`;
