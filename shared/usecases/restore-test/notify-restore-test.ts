import type { RestoreTestRecord } from '../../domain/restore-test';
import { type PostOnceDeps, type PostOnceResult, postOnce } from '../../notify/post-once';
import type { SlackMessage } from '../../notify/render';
import type { PlanRegistry } from '../../plan/registry';

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
 * Posts a failed restore test to the plan's Slack channel, once per test and database. Delivery is retried as the
 * failover's notifier retries it: the sender's retry policy within this invocation (shared/notify/delivery.ts),
 * then Lambda's asynchronous retries, since the message is recorded as sent only once Slack took it (a redelivered
 * event finds it recorded and posts nothing). Slack refusing for good (revoked token, unknown channel) is logged
 * and not retried. Passed tests post nothing: the ledger, metrics and alarms carry them.
 */
export const notifyRestoreTestFailed = async (
  record: RestoreTestRecord,
  deps: PostOnceDeps & { plans: PlanRegistry },
): Promise<PostOnceResult | { status: 'no-slack' }> => {
  const settings = deps.plans.get(record.plan).notifications.slack;
  if (!settings) return { status: 'no-slack' };
  const thread = `restore-test:${record.testId}:${record.databaseId}`;
  const posted = await postOnce(deps, { settings, plan: record.plan, thread, key: 'failed' }, () =>
    renderRestoreTestFailed(record),
  );
  if (posted.status === 'sent') deps.log.info('restore test failure posted', { database: record.databaseId });
  return posted;
};
