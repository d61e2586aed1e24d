import type { Plan } from './schema';

// What code that runs with a validated plan derives from it, kept apart from the schema (./schema.ts): a module that
// imports anything of the schema's module carries the whole schema, with the zod it uses, into its bundle (the
// schemas are built at module scope), and the functions receive plans already validated at package time.

/**
 * RDS keeps `LatestRestorableTime` about 5 minutes behind now (aws-facts.md: RDS User Guide, "Restoring a DB
 * instance to a specified time"): a backup age limit below this cannot be met, and every run would warn.
 */
export const RESTORABLE_TIME_LAG_SECONDS = 300;

/** The default backup age limit's floor: twice that lag, so that one late log upload does not warn. */
export const DEFAULT_BACKUP_MAX_AGE_SECONDS = 2 * RESTORABLE_TIME_LAG_SECONDS;

/** The backup age limit in force: the plan's, else the larger of its RPO budget and what RDS can meet (600 s). */
export const backupMaxAgeSeconds = (plan: Plan): number =>
  plan.backups.maxAgeSeconds ?? Math.max(plan.budgets.rpoSeconds, DEFAULT_BACKUP_MAX_AGE_SECONDS);

/**
 * The name of the alarm on the plan's `Switchback/PrimaryReachable` metric, in the standby region
 * (scripts/plan-resources.js proberResources): one per plan, so the alarm intake finds the plan by it.
 */
export const proberAlarmName = (plan: Pick<Plan, 'app'>): string => `switchback-prober-${plan.app}`;
