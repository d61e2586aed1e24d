import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { RestoreTestRecord } from '../domain/restore-test';
import { config } from '../runtime/config';
import { awsErrorName, toSwitchbackError } from './aws-errors';
import { queryFirst } from './query-first';
import { dynamodbClient } from './sdk/dynamodb';

const planKey = (plan: string) => `PLAN#${plan}`;
/** Sort key prefix of restore-test records: `RESTORETEST#<startedAt>#<testId>#<database>`, so key order is time order. */
const PREFIX = 'RESTORETEST#';

/** What restore tests keep in the ledger: one record per database per test, the evidence. */
export interface RestoreTestLedgerPort {
  putRestoreTest(record: RestoreTestRecord): Promise<void>;
  /**
   * Writes the record only if none is kept for that test and database (same start, test id and database): true when
   * written. What a late writer may not overwrite: the record of a test the step itself recorded.
   */
  putRestoreTestIfAbsent(record: RestoreTestRecord): Promise<boolean>;
  /** A plan's restore-test records, newest first. */
  listRestoreTests(plan: string, limit: number): Promise<RestoreTestRecord[]>;
}

/** Restore-test records in the ledger table (the same table and keys as shared/aws/ledger.ts). */
export class DynamoRestoreTestLedger implements RestoreTestLedgerPort {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(options: { client?: DynamoDBDocumentClient; tableName?: string } = {}) {
    this.#client = options.client ?? dynamodbClient();
    this.#tableName = options.tableName ?? config().LEDGER_TABLE;
  }

  /** Writes (or, on a redrive, overwrites) the record of one database's test. */
  async putRestoreTest(record: RestoreTestRecord): Promise<void> {
    try {
      await this.#client.send(new PutCommand({ TableName: this.#tableName, Item: this.#item(record) }));
    } catch (error) {
      throw toSwitchbackError('dynamodb', 'PutItem', error);
    }
  }

  async putRestoreTestIfAbsent(record: RestoreTestRecord): Promise<boolean> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: this.#item(record),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (awsErrorName(error) === 'ConditionalCheckFailedException') return false;
      throw toSwitchbackError('dynamodb', 'PutItem', error);
    }
  }

  #item(record: RestoreTestRecord): Record<string, unknown> {
    return {
      ...record,
      pk: planKey(record.plan),
      sk: `${PREFIX}${record.startedAt}#${record.testId}#${record.databaseId}`,
    };
  }

  async listRestoreTests(plan: string, limit: number): Promise<RestoreTestRecord[]> {
    try {
      const items = await queryFirst(
        this.#client,
        {
          TableName: this.#tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': planKey(plan), ':prefix': PREFIX },
          ScanIndexForward: false,
        },
        limit,
      );
      return items.map(({ pk: _pk, sk: _sk, ...rest }) => rest as unknown as RestoreTestRecord);
    } catch (error) {
      throw toSwitchbackError('dynamodb', 'Query', error);
    }
  }
}
