/**
 * What a readiness finding found, as people read it (the CLI, the HTML reports, Slack): with when it was read, for a
 * record finding an earlier run made and a later one carried while Route 53's API did not answer (`readAt`,
 * shared/domain/readiness.ts). Its own module: the notifier renders findings without loading readiness's checks.
 */
export const foundAsRead = (finding: { found: string; readAt?: string }): string =>
  finding.readAt
    ? `${finding.found} (as read at ${finding.readAt}; Route 53's API has not answered since)`
    : finding.found;
