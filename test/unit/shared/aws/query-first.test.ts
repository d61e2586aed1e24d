import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { queryFirst } from '../../../../shared/aws/query-first';

const dynamo = mockClient(DynamoDBDocumentClient);
const client = () => DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-west-2' }));
const input = {
  TableName: 'ledger',
  KeyConditionExpression: 'pk = :pk',
  ExpressionAttributeValues: { ':pk': 'PLAN#orders' },
};
const items = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ sk: `item-${from + i}` }));

describe('queryFirst', () => {
  beforeEach(() => {
    dynamo.reset();
  });

  it('reads on from where a page ended (1 MB each) until it has as many items as asked for, then stops', async () => {
    // Prepare: pages of 3 items each, cut short by their size, then more; each request as it was sent (the paginator
    // reuses one input object for every page)
    const pages = [
      { Items: items(0, 3), LastEvaluatedKey: { sk: 'item-2' } },
      { Items: items(3, 3), LastEvaluatedKey: { sk: 'item-5' } },
      { Items: items(6, 3), LastEvaluatedKey: { sk: 'item-8' } },
    ];
    const sent: Record<string, unknown>[] = [];
    dynamo.on(QueryCommand).callsFake((request: Record<string, unknown>) => {
      sent.push(structuredClone(request));
      return pages.shift();
    });

    // Act
    const found = await queryFirst(client(), input, 5);

    // Assess: five items, from two pages; the second page started where the first ended; no third page read
    expect(found.map((item) => item.sk)).toEqual(['item-0', 'item-1', 'item-2', 'item-3', 'item-4']);
    expect(sent).toEqual([
      { ...input, Limit: 5 },
      { ...input, Limit: 5, ExclusiveStartKey: { sk: 'item-2' } },
    ]);
  });

  it('returns what there is when the query has fewer items than asked for', async () => {
    // Prepare
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: items(0, 2), LastEvaluatedKey: { sk: 'item-1' } })
      .resolvesOnce({ Items: items(2, 1) });

    // Act
    const found = await queryFirst(client(), input, 10);

    // Assess
    expect(found.map((item) => item.sk)).toEqual(['item-0', 'item-1', 'item-2']);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(2);
  });

  it('passes an error of any page on', async () => {
    // Prepare
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: items(0, 1), LastEvaluatedKey: { sk: 'item-0' } })
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' }));

    // Act and assess
    await expect(queryFirst(client(), input, 5)).rejects.toThrow('Rate exceeded');
  });
});
