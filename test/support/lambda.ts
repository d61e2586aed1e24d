import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import type { RunContext } from '../../shared/domain/run';

/** Helpers shared by the handler tests (test/unit/functions): the Lambda context and answers many of them need. */

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
