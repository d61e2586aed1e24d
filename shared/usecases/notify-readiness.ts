import type { LedgerPort } from '../domain/ports';
import type { ReadinessChange } from '../domain/readiness';
import { NotificationRejectedError, PlanNotFoundError } from '../errors';
import type { SlackSender } from '../notify/delivery';
import { renderReadinessChange } from '../notify/readiness';
import type { Plan, SlackSettings } from '../plan/schema';
import type { Log } from '../runtime/logger';
import type { NotifyResult } from './notify-incident';

export interface NotifyReadinessDeps {
  plans: { get(name: string): Plan };
  ledger: Pick<LedgerPort, 'getNotificationState' | 'claimNotification'>;
  slack: { connect(settings: SlackSettings, plan: string): Promise<SlackSender> };
  log: Log;
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
  const thread = readinessThread(plan.app);
  const key = `readiness:${change.at}`;
  if ((await deps.ledger.getNotificationState(thread))?.sentKeys.includes(key)) {
    deps.log.info('notification already sent', { key });
    return { status: 'already-sent', key };
  }
  const message = renderReadinessChange(change);
  try {
    const sender = await deps.slack.connect(settings, plan.app);
    if (sender.kind === 'webhook') await sender.send(message);
    // The plan schema requires a channel for bot delivery.
    else await sender.post(settings.channel as string, message);
  } catch (error) {
    if (!(error instanceof NotificationRejectedError)) throw error;
    deps.log.error('slack refused notifications', {
      code: error.code,
      fix: error.message,
      delivery: settings.delivery,
    });
    return { status: 'rejected', code: error.code };
  }
  await deps.ledger.claimNotification(thread, key);
  deps.log.info('notification sent', { key, delivery: settings.delivery });
  return { status: 'sent', key };
};
