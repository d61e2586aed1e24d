import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LEDGER_ATTRIBUTE_DEFINITIONS, LEDGER_KEY_SCHEMA } from '../shared/aws/ledger';

// dynalite ships no types; this is the part of its API used here.
interface DynaliteServer {
  listen(port: number, host: string, callback: () => void): void;
  address(): AddressInfo | string | null;
  close(callback: (error?: Error) => void): void;
}
const dynalite: (options: {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => DynaliteServer = require('dynalite');

/** A ledger table on a local dynalite (pure Node, in memory), for drills and tests. */
export interface LocalLedger {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  port: number;
  tableName: string;
  /** A Document client on the local endpoint, marshalled like the product's (`removeUndefinedValues`). */
  client: DynamoDBDocumentClient;
  /** Destroys the client and closes dynalite. */
  stop(): Promise<void>;
}

/**
 * Starts dynalite on loopback (a free port) and creates the ledger table with the deployed key schema
 * (LEDGER_KEY_SCHEMA, the same one serverless.yml declares). Each call gets its own in-memory store.
 */
export const startLocalLedger = async (options: { tableName?: string; region?: string } = {}): Promise<LocalLedger> => {
  const tableName = options.tableName ?? 'switchback-ledger';
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('dynalite did not listen on a TCP port');
  const endpoint = `http://127.0.0.1:${address.port}`;

  const raw = new DynamoDBClient({
    endpoint,
    region: options.region ?? 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await raw.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: LEDGER_KEY_SCHEMA,
      AttributeDefinitions: LEDGER_ATTRIBUTE_DEFINITIONS,
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  const client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });

  return {
    endpoint,
    port: address.port,
    tableName,
    client,
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
};
