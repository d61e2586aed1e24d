import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import type { RunContext } from '../../shared/domain/run';
import { type LambdaHandler, LocalRunner, type LocalRunnerOptions } from '../../sim/local-runner';

/**
 * Helpers shared by the handler tests (test/unit/functions) and the local Lambda's tests: the Lambda context, answers
 * many of them need, a one-handler runtime.
 */

/** The Lambda context of an invocation of `functionName`: the handlers read only its name and request id. */
export const lambdaContext = (functionName: string): Context =>
  ({
    functionName,
    awsRequestId: 'req-1',
    invokedFunctionArn: `arn:aws:lambda:us-west-2:123456789012:function:${functionName}`,
  }) as unknown as Context;

/** Makes PutEvents accept every entry, as a healthy event bus does. */
export const acceptEvents = (eventbridge: AwsClientStub<EventBridgeClient>): void => {
  eventbridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
};

/** Makes the ledger's reads answer that `run` holds its plan's lock (the fencing check of the mutating steps). */
export const holdLock = (dynamo: AwsClientStub<DynamoDBDocumentClient>, run: RunContext): void => {
  dynamo.on(GetCommand).resolves({
    Item: {
      pk: `PLAN#${run.plan}`,
      sk: 'LOCK',
      holder: run.incidentId,
      execution: run.executionArn,
      epoch: run.epoch,
      acquiredAt: run.startedAt,
    },
  });
};

/**
 * A local Lambda runtime for one handler, invoked directly (`runner.invoke(name, event, { viaStateMachine: false })`),
 * whatever its name, with the function timeout given: for tests of what Lambda does around a handler.
 */
export const oneHandlerRuntime = (options: {
  handler: LambdaHandler;
  timeoutMs: number;
  waits: NonNullable<LocalRunnerOptions['waits']>;
}): LocalRunner =>
  new LocalRunner({
    stateMachineArn: 'arn:aws:states:us-west-2:123456789012:stateMachine:switchback-test',
    definition: { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } } as StateMachineDefinition,
    waits: options.waits,
    statusChangeTarget: null,
    functionTimeoutMs: () => options.timeoutMs,
    loadHandler: async () => options.handler,
  });
