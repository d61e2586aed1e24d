import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type LocalLedger, startLocalLedger } from '../../../sim/local-ledger';

/** What a call gave: the output without its request id (dynalite draws a new one per request), or the error. */
const outcome = async (call: () => Promise<{ $metadata?: object }>): Promise<unknown> => {
  try {
    const { $metadata: _metadata, ...output } = await call();
    return { output };
  } catch (error) {
    const named = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { error: named.name, message: named.message, status: named.$metadata?.httpStatusCode };
  }
};

describe('startLocalLedger', () => {
  it('resolves only once its table is ACTIVE, so that the first item call finds it, however long dynalite creates it', async () => {
    // Prepare: dynalite keeps the table CREATING for 40 ms (0 in drills, where the window is only a timer's turn:
    // a drill's first ledger write, served in process, met ResourceNotFoundException in 1 drill of 400 of a soak)
    const ledger = await startLocalLedger({ tableName: 'ledger-created-test', createTableMs: 40 });

    try {
      // Act: at once, as a drill makes its first call
      const described = await ledger.client.send(new DescribeTableCommand({ TableName: 'ledger-created-test' }));
      const firstPut = await outcome(() =>
        ledger.client.send(new PutCommand({ TableName: 'ledger-created-test', Item: { pk: 'p', sk: 's' } })),
      );

      // Assess
      expect(described.Table?.TableStatus).toBe('ACTIVE');
      expect(firstPut).toEqual({ output: {} });
    } finally {
      await ledger.stop();
    }
  });
});

describe('startLocalLedger handle', () => {
  let ledger: LocalLedger;
  let inProcess: DynamoDBDocumentClient;

  beforeAll(async () => {
    ledger = await startLocalLedger({ tableName: 'ledger-handle-test', region: 'us-west-2' });
    // The same SDK client as the endpoint's, but its HTTP handler replaced by the in-process one (as the drill does).
    const raw = new DynamoDBClient({
      region: 'us-west-2',
      endpoint: ledger.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      requestHandler: { handle: (request: never) => ledger.handle(request) } as never,
    });
    inProcess = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  });

  afterAll(async () => {
    inProcess.destroy();
    await ledger.stop();
  });

  it('answers every call as the loopback endpoint answers it when the same calls go through either', async () => {
    // Prepare: the same sequence for each path, on keys of its own
    const sequence = (client: DynamoDBDocumentClient, key: string) => [
      () => client.send(new PutCommand({ TableName: 'ledger-handle-test', Item: { pk: key, sk: 'A', n: 1 } })),
      () => client.send(new GetCommand({ TableName: 'ledger-handle-test', Key: { pk: key, sk: 'A' } })),
      () =>
        client.send(
          new UpdateCommand({
            TableName: 'ledger-handle-test',
            Key: { pk: key, sk: 'A' },
            UpdateExpression: 'SET n = n + :one',
            ConditionExpression: 'n = :expected',
            ExpressionAttributeValues: { ':one': 1, ':expected': 1 },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      // The condition no longer holds: ConditionalCheckFailedException, as DynamoDB answers it
      () =>
        client.send(
          new PutCommand({
            TableName: 'ledger-handle-test',
            Item: { pk: key, sk: 'A' },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      // A table that does not exist: ResourceNotFoundException
      () => client.send(new GetCommand({ TableName: 'no-such-table', Key: { pk: key, sk: 'A' } })),
      // An invalid request dynalite validates: ValidationException naming the problem
      () =>
        client.send(new UpdateCommand({ TableName: 'ledger-handle-test', Key: { pk: key }, UpdateExpression: 'SET' })),
    ];
    const run = async (client: DynamoDBDocumentClient, key: string) => {
      const results: unknown[] = [];
      for (const call of sequence(client, key)) results.push(await outcome(call));
      return JSON.parse(JSON.stringify(results).replaceAll(key, '<key>'));
    };

    // Act
    const overHttp = await run(ledger.client, 'http');
    const handled = await run(inProcess, 'handled');

    // Assess
    expect(handled).toEqual(overHttp);
    expect(handled[2]).toEqual({ output: { Attributes: { pk: '<key>', sk: 'A', n: 2 } } });
    expect(handled[3]).toMatchObject({ error: 'ConditionalCheckFailedException', status: 400 });
    expect(handled[4]).toMatchObject({ error: 'ResourceNotFoundException', status: 400 });
    expect(handled[5]).toMatchObject({ error: 'ValidationException', status: 400 });
  });
});
