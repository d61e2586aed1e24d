/**
 * The poll policy: how long the state machine's Wait states ("Wait For Promotions", "Wait For DNS Sync") wait
 * before the next check.
 *
 * The trade-off. A check that comes late adds its delay to the RTO: when the last database becomes writable right
 * after a check, the run only notices one wait later, so the overshoot is at most one `pollSeconds`. A check
 * that comes early costs Step Functions history events and state transitions: each poll is 9 events
 * (Choice entered/exited, Wait entered/exited, Task entered/scheduled/started/succeeded/exited), and a Standard
 * execution holds at most 25,000 events (aws-facts.md: Step Functions quotas). The targets (`npm run bench`,
 * long-promotion): a plan with 10 databases promoting for 60 minutes and a DNS change taking 15 minutes to reach
 * INSYNC ends within 6,250 events (a quarter of the quota), and its RTO within 2% of the critical-path bound.
 *
 * So the wait is a share of the elapsed time: 1.2% of it, rounded up to a whole second (Wait takes whole seconds),
 * never below a floor and never above 120 s. The overshoot of each polled phase is then at most 1.2% of that
 * phase's duration (plus the 1 s rounding), so promotion and DNS together stay within about 1.2% of the RTO,
 * which leaves the rest of the 2% to the fixed steps. The number of polls grows with the logarithm of the
 * duration, not linearly: about 300 polls for a 60-minute promotion and 210 for a 15-minute DNS change, so
 * about 4,700 events for the whole run; the state machine checks all databases in one task per poll
 * (statemachines/failover.asl.json), so the count does not grow with the number of databases.
 * The floor: an RDS promotion takes "several minutes or longer" (aws-facts.md: RDS User Guide, "Promoting a read
 * replica"), so 2 s; DNS propagation is designed for <= 60 s (aws-facts.md: Route 53 API, GetChange), so 1 s.
 * The 120 s cap only matters after 2.8 hours: a promotion that long is noticed within 2 minutes.
 *
 * A poll of the promotions also shares the RDS API's request rate: RDS allows each account, in each Region, a burst of
 * 300 requests and then 12 a second, for every caller of the account together (RDS User Guide, "Request throttling
 * for the Amazon RDS API"). A plan at the size limits (40 databases) made up to 80 RDS reads per poll (an Aurora
 * database took two), which at one poll every 2 s was over three times that rate: RDS throttled the run, and would
 * have throttled the account's other callers, for the first minutes of the promotions. So a poll that makes `rdsReads`
 * reads waits at least long enough for them to average RDS_POLL_READS_PER_SECOND. The RDS adapter now reads all of a
 * poll's databases of one kind in one request (RDS_BATCH_SIZE), so a poll makes at most three, and this bound only
 * binds for a plan with more databases than a request names.
 */

/**
 * RDS API requests a second that the promotion polls may average: half of RDS's default 12 a second per account
 * and Region, leaving the other half to the run's other steps and the account's other callers.
 */
export const RDS_POLL_READS_PER_SECOND = 6;

/**
 * Most identifiers one RDS read names when the RDS adapter sends the reads a handler makes at once as one request per
 * Region (shared/aws/rds.ts): DescribeDBInstances and DescribeDBClusters return at most 100 records a page
 * (MaxRecords 20-100, RDS API Reference), so a batch fits one page.
 */
export const RDS_BATCH_SIZE = 100;

/** What is being polled: a database promotion or a Route 53 change. */
export type PollTarget = 'promotion' | 'dns';

/** Bounds of the wait, in whole seconds, per target. */
export const POLL_BOUNDS: Readonly<Record<PollTarget, { min: number; max: number }>> = {
  promotion: { min: 2, max: 120 },
  dns: { min: 1, max: 120 },
};

/** The share of the elapsed time a wait may add (the RTO overshoot budget of a polled phase). */
export const POLL_FRACTION = 0.012;

/**
 * Seconds the next Wait state should wait: 1.2% of the time elapsed since `startedAt`, rounded up to a whole
 * second, and at least what the next poll's RDS reads need to average RDS_POLL_READS_PER_SECOND; clamped to the
 * target's bounds. A `startedAt` in the future or unreadable counts as no time elapsed.
 *
 * @param target - `'promotion'` (2-120 s) or `'dns'` (1-120 s)
 * @param startedAt - when the promotion or the DNS change began (ISO-8601)
 * @param now - the current time
 * @param rdsReads - the RDS API requests the next poll makes (the databases it still reads)
 */
export const pollSeconds = (target: PollTarget, startedAt: string, now: Date, rdsReads = 0): number => {
  const { min, max } = POLL_BOUNDS[target];
  const elapsedMs = now.getTime() - new Date(startedAt).getTime();
  const elapsedSeconds = Number.isFinite(elapsedMs) ? Math.max(0, elapsedMs / 1000) : 0;
  const wait = Math.max(Math.ceil(elapsedSeconds * POLL_FRACTION), Math.ceil(rdsReads / RDS_POLL_READS_PER_SECOND));
  return Math.min(max, Math.max(min, wait));
};
