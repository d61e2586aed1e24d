import type { FieldIssue } from '../errors';
import type { Plan } from './schema';
import { DEFAULT_BACKUP_MAX_AGE_SECONDS, RESTORABLE_TIME_LAG_SECONDS } from './settings';

/**
 * Settings of a valid plan that AWS cannot honour: not errors (the plan deploys and runs), but every run would warn
 * about them. `switchback plan validate` prints them as warnings.
 */
export const planWarnings = (plan: Plan): FieldIssue[] => {
  const warnings: FieldIssue[] = [];
  const maxAge = plan.backups.maxAgeSeconds;
  if (maxAge !== undefined && maxAge < RESTORABLE_TIME_LAG_SECONDS) {
    warnings.push({
      path: 'backups.maxAgeSeconds',
      message:
        `${maxAge} s cannot be met: RDS keeps LatestRestorableTime about ${RESTORABLE_TIME_LAG_SECONDS} s behind ` +
        `now (aws-facts.md: RDS User Guide), so every run would warn; use at least ${DEFAULT_BACKUP_MAX_AGE_SECONDS}, ` +
        `or leave it out (default: the larger of budgets.rpoSeconds and ${DEFAULT_BACKUP_MAX_AGE_SECONDS} s)`,
    });
  }
  return warnings;
};
