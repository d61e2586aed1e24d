import type { Context } from 'aws-lambda';
import { DynamoLedger } from '../shared/aws/ledger';
import { secretsManagerClient } from '../shared/aws/sdk/secrets-manager';
import { ssmClient } from '../shared/aws/sdk/ssm';
import type { ReadinessChange } from '../shared/domain/readiness';
import type { RestoreTestRecord } from '../shared/domain/restore-test';
import { MalformedEventError } from '../shared/errors';
import { slackConnector } from '../shared/notify/connector';
import { isReadinessChangedEvent, parseReadinessChanged } from '../shared/notify/readiness';
import { type NotifyEvent, parseNotifyEvent } from '../shared/notify/state';
import { config } from '../shared/runtime/config';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { plans } from '../shared/runtime/plans';
import { onColdStart } from '../shared/runtime/warm';
import { type NotifyResult, notifyIncident } from '../shared/usecases/notify-incident';
import { notifyReadiness } from '../shared/usecases/notify-readiness';
import { notifyRestoreTestFailed } from '../shared/usecases/restore-test/notify-restore-test';
import { RESTORE_TEST_DETAIL_TYPES } from '../shared/usecases/restore-test/record-restore-test';
import { parseStepInput } from '../shared/usecases/step-inputs';
import * as z from '../shared/zod';

/** The fields of a restore test's record that its Slack message reads (record-restore-test writes them all). */
const restoreTestEventSchema = z.object({
  detail: z.looseObject({
    plan: z.string().check(z.minLength(1)),
    testId: z.string().check(z.minLength(1)),
    databaseId: z.string().check(z.minLength(1)),
    region: z.string().check(z.minLength(1)),
    identifier: z.string().check(z.minLength(1)),
    validation: z.looseObject({}),
  }),
});

/** What the notifier does with a restore test's event. */
type RestoreNotice = { status: 'sent' | 'already-sent' | 'no-slack' } | { status: 'dropped'; reason: string };

/** Time kept back from the Lambda timeout for the ledger write after Slack answered. */
const SAFETY_MARGIN_MS = 2000;

let ledger: DynamoLedger | undefined;
onColdStart(() => {
  ledger = undefined;
});

/**
 * Slack notifier, behind an EventBridge rule on source "switchback" (async: retries, then the DLQ). Never a step
 * of the failover. Incident events update the incident's message; a "Readiness Changed" event is one message. An event it cannot read is dropped with a log line: retrying cannot fix it.
 */
export const handler = lambdaHandler(
  async (event: unknown, context: Context): Promise<NotifyResult | RestoreNotice> => {
    const left =
      typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : Infinity;
    ledger ??= new DynamoLedger();
    const slack = () =>
      slackConnector({
        clients: { secretsManager: secretsManagerClient, ssm: ssmClient },
        log: logger,
        deadline: Date.now() + left - SAFETY_MARGIN_MS,
      });
    const detailType = (event as { 'detail-type'?: unknown } | null)?.['detail-type'];
    if (detailType === RESTORE_TEST_DETAIL_TYPES.passed) {
      return { status: 'dropped', reason: 'passed restore tests post nothing' };
    }
    if (detailType === RESTORE_TEST_DETAIL_TYPES.failed) {
      const record = parseStepInput('Restore Test Failed event', restoreTestEventSchema, event)
        .detail as unknown as RestoreTestRecord;
      logger.appendKeys({ plan: record.plan, testId: record.testId, database: record.databaseId });
      return notifyRestoreTestFailed(record, { plans: plans(), ledger, log: logger, slack: slack() });
    }
    if (isReadinessChangedEvent(event)) {
      let change: ReadinessChange;
      try {
        change = parseReadinessChanged(event);
      } catch (error) {
        if (!(error instanceof MalformedEventError)) throw error;
        logger.warn('malformed switchback event dropped', { issues: error.issues });
        return { status: 'dropped', reason: error.message };
      }
      logger.appendKeys({ plan: change.plan });
      return notifyReadiness(change, { plans: plans(), ledger, log: logger, slack: slack() });
    }
    let parsed: NotifyEvent;
    try {
      parsed = parseNotifyEvent(event);
    } catch (error) {
      if (!(error instanceof MalformedEventError)) throw error;
      logger.warn('malformed switchback event dropped', { issues: error.issues });
      return { status: 'dropped', reason: error.message };
    }
    const { run } = parsed.detail;
    logger.appendKeys({ plan: run.plan, incidentId: run.incidentId, executionArn: run.executionArn });
    return notifyIncident(parsed, {
      plans: plans(),
      ledger,
      log: logger,
      reportBaseUrl: config().REPORT_BASE_URL,
      slack: slack(),
    });
  },
);
