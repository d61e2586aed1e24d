import type { LedgerPort } from '../../domain/ports';
import type { RestoreTestRecord } from '../../domain/restore-test';
import type { SlackSender } from '../../notify/delivery';
import type { SlackMessage } from '../../notify/render';
import type { PlanRegistry } from '../../plan/registry';
import type { SlackSettings } from '../../plan/schema';
import type { Log } from '../../runtime/logger';

/** The Slack message of a failed restore test: which database, why, and whether the throwaway was deleted. */
export const renderRestoreTestFailed = (record: RestoreTestRecord): SlackMessage => {
  const why = record.failure
    ? `${record.failure.error}: ${record.failure.cause}`
    : (record.validation.detail ?? 'validation failed');
  const cleanup = record.cleanedUpAt
    ? `throwaway deleted at ${record.cleanedUpAt}`
    : `throwaway ${record.identifier} NOT deleted`;
  const text = `Restore test FAILED: ${record.plan}/${record.databaseId} (${record.region}): ${why}; ${cleanup}.`;
  return {
    text,
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `:x: *Restore test failed* ${record.plan}/${record.databaseId} in ${record.region}\n${why}\n${cleanup} (test ${record.testId})`,
        },
      },
    ],
  } as SlackMessage;
};

/**
 * Posts a failed restore test to the plan's Slack channel, once per test and database (a redelivered event is
 * claimed already). Passed tests post nothing: the ledger, metrics and alarms carry them.
 */
export const notifyRestoreTestFailed = async (
  record: RestoreTestRecord,
  deps: {
    plans: PlanRegistry;
    ledger: Pick<LedgerPort, 'claimNotification'>;
    slack: { connect(settings: SlackSettings, plan: string): Promise<SlackSender> };
    log: Log;
  },
): Promise<{ status: 'sent' | 'already-sent' | 'no-slack' }> => {
  const settings = deps.plans.get(record.plan).notifications.slack;
  if (!settings) return { status: 'no-slack' };
  const claim = `restore-test:${record.testId}:${record.databaseId}`;
  if (!(await deps.ledger.claimNotification(claim, 'failed'))) return { status: 'already-sent' };
  const message = renderRestoreTestFailed(record);
  const sender = await deps.slack.connect(settings, record.plan);
  if (sender.kind === 'webhook') await sender.send(message);
  else await sender.post(settings.channel as string, message);
  deps.log.info('restore test failure posted', { database: record.databaseId });
  return { status: 'sent' };
};
