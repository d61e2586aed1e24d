/**
 * The poll policy: how long the state machine's Wait states ("Wait For Promotion", "Wait For DNS Sync") wait
 * before the next check.
 *
 * The trade-off. A check that comes late adds its delay to the RTO: when the database becomes writable right
 * after a check, the run only notices one wait later, so the overshoot is at most one `pollSeconds`. A check
 * that comes early costs Step Functions history events and state transitions: each poll is about 9 events
 * (Choice entered/exited, Wait entered/exited, Task entered/scheduled/started/succeeded/exited), and a Standard
 * execution holds at most 25,000 events (aws-facts.md: Step Functions quotas). The drill benchmark asks for
 * RTO actual / critical-path lower bound <= 1.02, so the overshoot must stay near 1% of the time spent.
 *
 * So the wait grows with the elapsed time: about 1% of it, never below 1 s (Wait takes whole seconds,
 * aws-facts.md: Step Functions quotas) and never above a cap. Early on, when promotions that were nearly done
 * finish, we check every second; an RDS promotion that takes "several minutes or longer" (aws-facts.md: RDS
 * User Guide, "Promoting a read replica") settles at the 5 s cap after about 8 minutes. A 30-minute promotion
 * then takes about 490 polls, about 4,400 events per database: the Map runs the databases in one execution,
 * so a plan with up to 4 databases still fits in 25,000 events with room for the rest of the run.
 * DNS propagation is designed for <= 60 s (aws-facts.md: Route 53 API, GetChange), so its cap is lower (3 s).
 */

/** What is being polled: a database promotion or a Route 53 change. */
export type PollTarget = 'promotion' | 'dns';

/** Bounds of the wait, in whole seconds, per target. */
export const POLL_BOUNDS: Readonly<Record<PollTarget, { min: number; max: number }>> = {
  promotion: { min: 1, max: 5 },
  dns: { min: 1, max: 3 },
};

/** The share of the elapsed time a wait may add (the RTO overshoot budget). */
export const POLL_FRACTION = 0.01;

/**
 * Seconds the next Wait state should wait: about 1% of the time elapsed since `startedAt`, rounded up to a whole
 * second and clamped to the target's bounds. A `startedAt` in the future or unreadable counts as no time elapsed.
 *
 * @param target - `'promotion'` (1-5 s) or `'dns'` (1-3 s)
 * @param startedAt - when the promotion or the DNS change began (ISO-8601)
 * @param now - the current time
 */
export const pollSeconds = (target: PollTarget, startedAt: string, now: Date): number => {
  const { min, max } = POLL_BOUNDS[target];
  const elapsedMs = now.getTime() - new Date(startedAt).getTime();
  const elapsedSeconds = Number.isFinite(elapsedMs) ? Math.max(0, elapsedMs / 1000) : 0;
  const wait = Math.ceil(elapsedSeconds * POLL_FRACTION);
  return Math.min(max, Math.max(min, wait));
};
