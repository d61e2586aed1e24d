import { type DynamoDBDocumentClient, paginateQuery, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';

/**
 * The first `limit` items of a Query, in its order. A Query answers at most 1 MB of items a page (DynamoDB Developer
 * Guide, "Paginating table query results"), whatever its Limit: this reads on from where each page ended (the SDK's
 * paginator) until it has `limit` items or the query has no more. Readiness items of a plan at the size limits are
 * some 70 KB: fourteen of them fill a page.
 */
export const queryFirst = async (
  client: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'>,
  limit: number,
): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  if (limit <= 0) return items;
  for await (const page of paginateQuery({ client, pageSize: limit }, { ...input })) {
    for (const item of page.Items ?? []) {
      items.push(item);
      if (items.length === limit) return items;
    }
  }
  return items;
};
