import { createServer, type Server, type Socket } from 'node:net';
import { main } from '../../cli/program';
import { handler } from '../../functions/check-dns-sync';
import { CLIENT_TIMEOUTS, resetClients } from '../../shared/aws/clients';
import type { DnsResult } from '../../shared/domain/run';
import { lambdaContext } from '../support/lambda';
import { ordersRun } from '../support/resource-fixtures';

/**
 * A real TCP endpoint on loopback that takes every connection and never answers: what a Route 53 API endpoint looks
 * like to a client while us-east-1 is down (or the ledger's DynamoDB to `switchback` while its region is). The real
 * handler or command, its real adapter and the real SDK client (with the timeouts of shared/aws/clients.ts) talk to
 * it over the network; no mock is involved. The client's timers (its request timeout, the retry's back-off) run on
 * jest's fake clock, moved on while the real sockets connect: the production timeouts elapse in virtual time, and the
 * test holds no worker idle for them (about 10 s each). The clock moves only while the client is waiting on the
 * endpoint, never while it waits on real work of its own (reading its config files, resolving a name, connecting,
 * sending its request): on a loaded machine that real work takes more turns of the event loop, and a clock moved on
 * every turn would charge them to the timeouts.
 */

/** How far the fake clock moves per turn of the event loop in which the client is only waiting on the endpoint. */
const STEP_MS = 50;

/** Real work in flight that the fake clock must not run past: file reads, name lookups, connects. */
const REAL_WORK = new Set(['FSReqCallback', 'FSReqPromise', 'GetAddrInfoReqWrap', 'ConnectWrap']);

const pending: DnsResult = {
  changes: [{ hostedZoneId: 'Z0123456789ORDERSAPI', changeId: '/change/C42', status: 'PENDING' }],
  inSync: false,
  pollSeconds: 1,
  startedAt: '2026-11-25T03:05:01.000Z',
  alreadyFlipped: [],
  actions: [],
};

/** An endpoint on loopback that takes every connection and never answers, and what reached it. */
interface BlackHole {
  port: number;
  /** Every connection it took: one per attempt of the client. */
  sockets: Socket[];
  /** The connections whose request arrived. */
  asked: Set<Socket>;
  close(): Promise<void>;
}

const blackHole = async (): Promise<BlackHole> => {
  const sockets: Socket[] = [];
  const asked = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    socket.on('data', () => asked.add(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    sockets,
    asked,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
};

/**
 * Runs `act` with jest's clock fake (timers and Date; the event loop's own turns real, so that sockets connect and
 * answer), moving the clock on only while the client waits on `endpoint`, until `act` settles or `capMs` of virtual
 * time have passed (a client without timeouts would wait for ever). Returns what it resolved with and the virtual ms
 * it took, or `{ settled: false }`; throws what it rejected with.
 */
const onFakeClock = async <T>(
  endpoint: BlackHole,
  act: () => Promise<T>,
  capMs: number,
): Promise<{ settled: true; value: T; elapsedMs: number } | { settled: false; elapsedMs: number }> => {
  jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
  try {
    const startedMs = Date.now();
    let result: { value: T } | { error: unknown } | undefined;
    act().then(
      (value) => {
        result = { value };
      },
      (error: unknown) => {
        result = { error };
      },
    );
    const onlyWaiting = () =>
      !process.getActiveResourcesInfo().some((resource) => REAL_WORK.has(resource)) &&
      endpoint.sockets.every((socket) => endpoint.asked.has(socket));
    while (!result && Date.now() - startedMs < capMs) {
      await new Promise((resolve) => setImmediate(resolve));
      if (onlyWaiting()) await jest.advanceTimersByTimeAsync(STEP_MS);
    }
    const elapsedMs = Date.now() - startedMs;
    if (!result) return { settled: false, elapsedMs };
    // A rejection is the test's failure as it is, not "still waiting".
    if ('error' in result) throw result.error;
    return { settled: true, value: result.value, elapsedMs };
  } finally {
    jest.useRealTimers();
  }
};

const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };

describe('a step whose endpoint takes the connection and never answers', () => {
  let endpoint: BlackHole;
  const saved = { ...process.env };

  beforeAll(async () => {
    endpoint = await blackHole();
    Object.assign(process.env, {
      AWS_REGION: 'us-west-2',
      ...CREDENTIALS,
      AWS_ENDPOINT_URL_ROUTE_53: `http://127.0.0.1:${endpoint.port}`,
    });
    resetClients();
  });

  afterAll(async () => {
    await endpoint.close();
    process.env = saved;
    resetClients();
  });

  it('fails with EndpointUnreachableError naming the call, after the client timeouts, when Route 53 never answers', async () => {
    // Act
    const run = await onFakeClock(
      endpoint,
      () =>
        handler({ run: ordersRun(), dns: pending }, lambdaContext('check-dns-sync')).then(
          () => undefined,
          (error: Error) => error,
        ),
      60_000,
    );

    // Assess
    expect(run.settled).toBe(true);
    const error = run.settled ? run.value : undefined;
    expect(error).toMatchObject({ name: 'EndpointUnreachableError', service: 'route53', operation: 'GetChange' });
    expect(error?.message).toContain('TimeoutError');
    // The client really reached the endpoint, once per attempt, each attempt waited its whole request timeout, and
    // the bound is what the configuration says.
    expect(endpoint.sockets).toHaveLength(CLIENT_TIMEOUTS.route53.maxAttempts);
    const { maxAttempts, requestTimeoutMs, connectionTimeoutMs } = CLIENT_TIMEOUTS.route53;
    expect(run.elapsedMs).toBeGreaterThanOrEqual(maxAttempts * requestTimeoutMs);
    expect(run.elapsedMs).toBeLessThanOrEqual(maxAttempts * (requestTimeoutMs + connectionTimeoutMs) + 1000);
    expect(maxAttempts * (requestTimeoutMs + connectionTimeoutMs)).toBeLessThan(15_000);
  }, 30_000);
});

describe('switchback, when the ledger in its region takes the connection and never answers', () => {
  let endpoint: BlackHole;
  const saved = { ...process.env };

  beforeAll(async () => {
    endpoint = await blackHole();
    Object.assign(process.env, {
      ...CREDENTIALS,
      AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${endpoint.port}`,
    });
  });

  afterAll(async () => {
    await endpoint.close();
    process.env = saved;
  });

  it('prints the call that got no answer and exits 1 after the ledger client timeouts, instead of hanging', async () => {
    // Prepare
    let stderr = '';
    const streams = { stdout: { write: () => true }, stderr: { write: (text: string) => (stderr += text) } };

    // Act: `switchback history` reads the ledger (DynamoDB Query) in the region named
    const run = await onFakeClock(
      endpoint,
      () => main(['history', '--plan', 'orders', '--region', 'us-west-2'], process.env, streams),
      120_000,
    );

    // Assess
    expect(run.settled).toBe(true);
    expect(run.settled && run.value).toBe(1);
    expect(stderr).toMatch(/^switchback: dynamodb Query got no answer from its endpoint \(TimeoutError: [^\n]+\n$/);
    // Each attempt the ledger's client makes reached the endpoint and waited its whole request timeout: a person at
    // the console gets the answer within the configured bound.
    const { maxAttempts, requestTimeoutMs, connectionTimeoutMs } = CLIENT_TIMEOUTS.dynamodb;
    expect(endpoint.sockets).toHaveLength(maxAttempts);
    expect(run.elapsedMs).toBeGreaterThanOrEqual(maxAttempts * requestTimeoutMs);
    expect(run.elapsedMs).toBeLessThanOrEqual(maxAttempts * (requestTimeoutMs + connectionTimeoutMs) + 1000);
  }, 30_000);
});
