import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LEDGER_ATTRIBUTE_DEFINITIONS, LEDGER_KEY_SCHEMA } from '../shared/aws/ledger';

/** What dynalite's request listener reads of a request and writes to a response (its index.js, httpHandler). */
interface ListenerRequest extends EventEmitter {
  method: string;
  url: string;
  headers: Record<string, string>;
}
interface ListenerResponse {
  statusCode: number;
  contentType?: string;
  setHeader(name: string, value: string | number): void;
  end(body?: string): void;
}
type RequestListener = (request: ListenerRequest, response: ListenerResponse) => void;

// dynalite ships no types; this is the part of its API used here.
interface DynaliteServer {
  listen(port: number, host: string, callback: () => void): void;
  listeners(event: 'request'): RequestListener[];
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
  /**
   * Serves one signed, serialised SDK request (the SDK's HttpRequest, as its HTTP handler receives it) with the same
   * dynalite request listener the endpoint runs, in this process: no socket, no HTTP parser, the same validation,
   * the same answers and errors. The drill calls it in place of the HTTP handler.
   */
  handle(request: SdkHttpRequest): Promise<{ response: SdkHttpResponse }>;
  /** A Document client on the local endpoint, marshalled like the product's (`removeUndefinedValues`). */
  client: DynamoDBDocumentClient;
  /** Destroys the client and closes dynalite. */
  stop(): Promise<void>;
}

/** The parts of the SDK's HttpRequest (@smithy/protocol-http) that reach the endpoint. */
export interface SdkHttpRequest {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

/** An HttpResponse as the SDK's deserialisers read it; the body as bytes (smithy's collectBody takes them as is). */
export interface SdkHttpResponse {
  statusCode: number;
  reason?: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

const queryString = (query: SdkHttpRequest['query']): string => {
  const pairs = Object.entries(query ?? {}).flatMap(([key, value]) =>
    (Array.isArray(value) ? value : [value]).map((each) =>
      each === null ? encodeURIComponent(key) : `${encodeURIComponent(key)}=${encodeURIComponent(each)}`,
    ),
  );
  return pairs.length > 0 ? `?${pairs.join('&')}` : '';
};

const bodyText = (body: unknown): string => {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array || ArrayBuffer.isView(body)) {
    const view = body as ArrayBufferView;
    return Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString('utf8');
  }
  throw new Error(`the local ledger takes a string or bytes as request body, not ${typeof body}`);
};

/** The request listener dynalite's server runs, driven without a socket (see LocalLedger.handle). */
const inProcessHandler =
  (listener: RequestListener) =>
  (request: SdkHttpRequest): Promise<{ response: SdkHttpResponse }> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = {};
      // As Node's HTTP server hands them over: names in lower case, the body's length counted.
      for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
      const body = bodyText(request.body);
      headers['content-length'] ??= String(Buffer.byteLength(body));
      const incoming = Object.assign(new EventEmitter(), {
        method: request.method,
        url: `${request.path}${queryString(request.query)}`,
        headers,
      });
      const responseHeaders: Record<string, string> = {};
      const outgoing: ListenerResponse = {
        statusCode: 200,
        setHeader: (name, value) => {
          responseHeaders[name.toLowerCase()] = String(value);
        },
        end: (text = '') => {
          const bytes = Buffer.from(text, 'utf8');
          // Bytes of this realm's Uint8Array (a test's module registry has its own): smithy checks `instanceof`.
          const copy = new Uint8Array(bytes.byteLength);
          copy.set(bytes);
          responseHeaders.date ??= new Date().toUTCString();
          resolve({ response: { statusCode: outgoing.statusCode, headers: responseHeaders, body: copy } });
        },
      };
      try {
        listener(incoming, outgoing);
        if (body) incoming.emit('data', Buffer.from(body, 'utf8'));
        incoming.emit('end');
      } catch (error) {
        reject(error);
      }
    });

/** How many times startLocalLedger reads a new table's status before it gives up on it becoming ACTIVE. */
const ACTIVE_READS = 200;

/**
 * Waits for a new table to be ACTIVE. dynalite answers CreateTable with the table CREATING, as DynamoDB does, and
 * makes it ACTIVE on a timer (`createTableMs`, 0 here: a real 1 ms timer, then a write to its store); until then
 * every item call gets ResourceNotFoundException, as DynamoDB's would. A drill's first ledger call, served in
 * process (LocalLedger.handle), could come first: 1 drill in 400 of a soak failed so. The SDK's
 * waitUntilTableExists waits 20 s between reads; this reads again after 1 ms.
 */
const untilActive = async (client: DynamoDBClient, tableName: string): Promise<void> => {
  // A read takes about a millisecond over loopback: 200 reads wait well past any createTableMs a test sets
  for (let read = 1; ; read += 1) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') return;
    if (read >= ACTIVE_READS) {
      throw new Error(`the local ledger table ${tableName} is still ${Table?.TableStatus} after ${read} reads`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
};

/**
 * Starts dynalite on loopback (a free port) and creates the ledger table with the deployed key schema
 * (LEDGER_KEY_SCHEMA, the same one serverless.yml declares), and resolves once the table is ACTIVE. Each call gets
 * its own in-memory store.
 */
export const startLocalLedger = async (
  options: {
    tableName?: string;
    region?: string;
    /** How long dynalite keeps a new table CREATING (0, the default, is its shortest timer). */
    createTableMs?: number;
  } = {},
): Promise<LocalLedger> => {
  const tableName = options.tableName ?? 'switchback-ledger';
  const server = dynalite({ createTableMs: options.createTableMs ?? 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('dynalite did not listen on a TCP port');
  const endpoint = `http://127.0.0.1:${address.port}`;
  const listener = server.listeners('request')[0];
  if (!listener) throw new Error('dynalite has no request listener');

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
  await untilActive(raw, tableName);
  const client = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });

  return {
    endpoint,
    port: address.port,
    tableName,
    handle: inProcessHandler(listener),
    client,
    stop: async () => {
      client.destroy();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
};
