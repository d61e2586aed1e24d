import type { ReadinessChange } from '../domain/readiness';
import { PlanNotFoundError } from '../errors';
import { type PostOnceDeps, postOnce } from '../notify/post-once';
import { renderReadinessChange } from '../notify/readiness';
import type { Plan } from '../plan/schema';
import type { NotifyResult } from './notify-incident';

export interface NotifyReadinessDeps extends PostOnceDeps {
  plans: { get(name: string): Plan };
}

/** The notifier keeps a plan's readiness messages as it keeps an incident's: keyed apart from any incident id. */
const readinessThread = (plan: string): string => `readiness-${plan}`;

/**
 * One Slack message for a readiness change of a plan (webhook: posted; bot: posted in the plan's channel). A
 * redelivered event posts nothing (its key is recorded once Slack took it). Slack refusing for good is logged and
 * the function returns normally, as for incidents.
 */
export const notifyReadiness = async (change: ReadinessChange, deps: NotifyReadinessDeps): Promise<NotifyResult> => {
  let plan: Plan;
  try {
    plan = deps.plans.get(change.plan);
  } catch (error) {
    if (!(error instanceof PlanNotFoundError)) throw error;
    deps.log.error('event for an unknown plan dropped', { errorMessage: error.message });
    return { status: 'dropped', reason: error.message };
  }
  const settings = plan.notifications.slack;
  if (!settings) return { status: 'no-slack' };
  const key = `readiness:${change.at}`;
  const posted = await postOnce(deps, { settings, plan: plan.app, thread: readinessThread(plan.app), key }, () =>
    renderReadinessChange(change),
  );
  if (posted.status === 'rejected') return posted;
  deps.log.info(posted.status === 'sent' ? 'notification sent' : 'notification already sent', {
    key,
    ...(posted.status === 'sent' ? { delivery: settings.delivery } : {}),
  });
  return { status: posted.status, key };
};
