import { EmfMetrics } from '../shared/aws/metrics';
import { DynamoRestoreTestLedger } from '../shared/aws/restore-test-ledger';
import { EmfRestoreTestMetrics } from '../shared/aws/restore-test-metrics';
import { StepFunctionsExecutions } from '../shared/aws/workflow';
import { formatIssues } from '../shared/errors';
import { toFieldIssues } from '../shared/field-issues';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { plans } from '../shared/runtime/plans';
import { runbookAdapters } from '../shared/runtime/step-adapters';
import { onColdStart } from '../shared/runtime/warm';
import { parseInput, type RunFailureResult, recordRunFailure } from '../shared/usecases/record-run-failure';
import {
  recordUnfinishedRestoreTest,
  type UnfinishedTestResult,
} from '../shared/usecases/restore-test/record-unfinished-test';
import * as z from '../shared/zod';

/** EventBridge "Step Functions Execution Status Change" for a stopped execution. */
const executionStoppedEventSchema = z.object({
  source: z.literal('aws.states'),
  'detail-type': z.literal('Step Functions Execution Status Change'),
  time: z.string().check(z.minLength(1)),
  detail: z.object({
    executionArn: z.string().check(z.minLength(1)),
    name: z.string().check(z.minLength(1)),
    status: z.enum(['FAILED', 'TIMED_OUT', 'ABORTED']),
    input: z.nullish(z.string()),
    error: z.nullish(z.string()),
    cause: z.nullish(z.string()),
    startDate: z.nullish(z.number()),
    stopDate: z.nullish(z.number()),
  }),
});

// Whether Step Functions would redrive the failed execution (DescribeExecution; any runbook's: it takes the ARN).
const adapters = runbookAdapters(() => ({
  metrics: new EmfMetrics(),
  executions: new StepFunctionsExecutions(),
}));
const defaultDeps = () => {
  const shared = adapters();
  // A failover or failback that failed in verify is recorded in the topology as it stands (recordMoveThatHappened).
  return { ...shared, topology: shared.ledger, plans: plans() };
};
let restoreTestAdapters: { ledger: DynamoRestoreTestLedger; metrics: EmfRestoreTestMetrics } | undefined;
onColdStart(() => {
  restoreTestAdapters = undefined;
});
const restoreTestDeps = () => {
  restoreTestAdapters ??= { ledger: new DynamoRestoreTestLedger(), metrics: new EmfRestoreTestMetrics() };
  return { ...adapters(), ...restoreTestAdapters, plans: plans() };
};

/**
 * Records a runbook execution that failed, timed out or was aborted, releases its lock and says how to redrive it;
 * for a restore test, records each database's test that the execution ended before recording. An event it cannot
 * read is dropped with a warning, not thrown: EventBridge would retry it for 24 h.
 */
export const handler = lambdaHandler(async (event: unknown): Promise<RunFailureResult | UnfinishedTestResult> => {
  const parsed = executionStoppedEventSchema.safeParse(event);
  if (!parsed.success) {
    const issues = toFieldIssues(parsed.error, event);
    logger.warn('malformed execution status event ignored', { issues });
    return { status: 'ignored', reason: `malformed execution status event:\n${formatIssues(issues)}` };
  }
  const { detail, time } = parsed.data;
  logger.appendKeys({ executionArn: detail.executionArn, incidentId: detail.name });
  const input = parseInput(detail.input);
  if (input?.action === 'restore-test') return recordUnfinishedRestoreTest(detail, input, time, restoreTestDeps());
  return recordRunFailure(detail, time, defaultDeps());
});
