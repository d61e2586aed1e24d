import type { LedgerPort } from '../domain/ports';
import { NotificationRejectedError } from '../errors';
import type { SlackSettings } from '../plan/schema';
import type { Log } from '../runtime/logger';
import type { SlackSender } from './delivery';
import type { SlackMessage } from './render';

/** What a message that stands alone needs: the ledger's record of what was sent, a Slack connector, a log. */
export interface PostOnceDeps {
  ledger: Pick<LedgerPort, 'getNotificationState' | 'claimNotification'>;
  slack: { connect(settings: SlackSettings, plan: string): Promise<SlackSender> };
  log: Log;
}

export type PostOnceResult = { status: 'sent' | 'already-sent' } | { status: 'rejected'; code: string };

/**
 * Posts one message that stands alone (no incident message to update: a readiness change, a failed restore test)
 * once per `thread` and `key`: webhook: sent; bot: posted in the plan's channel. The key is recorded only once
 * Slack took the message, so a redelivered event posts nothing and a failed delivery is retried (Lambda's retry).
 * Slack refusing for good (revoked token, unknown channel) is logged and answered `rejected`, never retried.
 *
 * @param render - builds the message; called only when it was not sent yet
 */
export const postOnce = async (
  deps: PostOnceDeps,
  target: { settings: SlackSettings; plan: string; thread: string; key: string },
  render: () => SlackMessage,
): Promise<PostOnceResult> => {
  const { settings, plan, thread, key } = target;
  if ((await deps.ledger.getNotificationState(thread))?.sentKeys.includes(key)) return { status: 'already-sent' };
  const message = render();
  try {
    const sender = await deps.slack.connect(settings, plan);
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
  return { status: 'sent' };
};
