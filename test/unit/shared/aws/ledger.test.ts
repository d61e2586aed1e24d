import 'aws-sdk-client-mock-jest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoLedger, LEDGER_KEY_SCHEMA } from '../../../../shared/aws/ledger';
import { ThrottledError } from '../../../../shared/errors';
import { lockOwner } from '../../../support/run-fixtures';

const dynamo = mockClient(DynamoDBDocumentClient);
const named = (name: string): Error => Object.assign(new Error(name), { name });
const now = new Date('2026-11-25T18:00:00.000Z');

const ledger = () =>
  new DynamoLedger({ client: DynamoDBDocumentClient.from(new DynamoDBClient({})), tableName: 'ledger' });

describe('DynamoLedger', () => {
  beforeEach(() => {
    dynamo.reset();
  });

  it('declares string keys pk (partition) and sk (sort) in the shared key schema', () => {
    // Assess
    expect(LEDGER_KEY_SCHEMA).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
  });

  it('throws ThrottledError when DynamoDB throttles the lock write', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(named('ProvisionedThroughputExceededException'));

    // Act
    const acquire = ledger().acquireLock('orders', lockOwner('orders-1'), now);

    // Assess
    await expect(acquire).rejects.toThrow(ThrottledError);
  });

  it('propagates a DynamoDB error that is neither throttling nor a failed condition', async () => {
    // Prepare
    dynamo.on(PutCommand).rejects(named('ResourceNotFoundException'));

    // Act
    const put = ledger().putTopology('orders', { activeRegion: 'us-west-2', databases: [] });

    // Assess
    await expect(put).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('treats a failed condition as a no-op when releasing a lock it does not hold', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(named('ConditionalCheckFailedException'));

    // Act
    const release = ledger().releaseLock('orders', lockOwner('orders-2'));

    // Assess
    await expect(release).resolves.toBeUndefined();
  });

  it('reads the lock with a strongly consistent read when the conditional take fails', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(named('ConditionalCheckFailedException'));
    dynamo.on(GetCommand).resolves({
      Item: {
        pk: 'PLAN#orders',
        sk: 'LOCK',
        holder: 'orders-1',
        execution: lockOwner('orders-1').executionArn,
        epoch: 4,
        acquiredAt: 'x',
      },
    });

    // Act
    const lock = await ledger().acquireLock('orders', lockOwner('orders-1'), now);

    // Assess
    expect(lock).toEqual({
      holder: 'orders-1',
      execution: lockOwner('orders-1').executionArn,
      epoch: 4,
      acquiredAt: 'x',
    });
    expect(dynamo).toHaveReceivedCommandWith(GetCommand, {
      TableName: 'ledger',
      Key: { pk: 'PLAN#orders', sk: 'LOCK' },
      ConsistentRead: true,
    });
  });

  it('returns false from claimNotification when the key was already claimed', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(named('ConditionalCheckFailedException'));

    // Act
    const claimed = await ledger().claimNotification('orders-1', 'promote:started');

    // Assess
    expect(claimed).toBe(false);
  });

  it('throws ThrottledError from claimNotification when DynamoDB throttles', async () => {
    // Prepare
    dynamo.on(UpdateCommand).rejects(named('ThrottlingException'));

    // Act
    const claim = ledger().claimNotification('orders-1', 'promote:started');

    // Assess
    await expect(claim).rejects.toThrow(ThrottledError);
  });
});
