import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LEDGER_ATTRIBUTE_DEFINITIONS, LEDGER_KEY_SCHEMA } from '../../shared/aws/ledger';

interface DynaliteServer {
  listen(port: number, host: string, callback: () => void): void;
  address(): AddressInfo | string | null;
  close(callback: (error?: Error) => void): void;
}

// dynalite ships no types; this is the part of its API the helper uses.
const dynalite: (options: {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => DynaliteServer = require('dynalite');

/** A ledger table on a local dynalite, with the same key schema as the deployed one. */
export interface LocalLedger {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  tableName: string;
  /** A Document client on the local endpoint, marshalled like the product's (`removeUndefinedValues`). */
  client: DynamoDBDocumentClient;
  /** Destroys the client and closes dynalite. */
  stop(): Promise<void>;
}

/**
 * Starts dynalite on loopback (a free port), creates the ledger table and returns a client for it.
 * Each call gets its own in-memory store, so suites do not see each other's items.
 */
export const startLedger = async (tableName = 'switchback-ledger'): Promise<LocalLedger> => {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('dynalite did not listen on a TCP port');
  const endpoint = `http://127.0.0.1:${address.port}`;

  const raw = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
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
    tableName,
    client,
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
};
