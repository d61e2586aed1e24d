import { createServer, type Server, type Socket } from 'node:net';
import { handler } from '../../functions/check-dns-sync';
import { CLIENT_TIMEOUTS, resetClients } from '../../shared/aws/clients';
import type { DnsResult } from '../../shared/domain/run';
import { lambdaContext } from '../support/lambda';
import { ordersRun } from '../support/resource-fixtures';

/**
 * A real TCP endpoint on loopback that takes every connection and never answers: what a Route 53 API endpoint looks
 * like to a client while us-east-1 is down. The real handler, its real adapter and the real shared SDK client
 * (with the timeouts of shared/aws/clients.ts) talk to it over the network; no mock is involved. The client's
 * timers (its request timeout, the retry's back-off) run on jest's fake clock, moved on while the real sockets
 * connect: the production timeouts elapse in virtual time, and the test holds no worker idle for them (about 10 s).
 * The clock moves only while the client is waiting on the endpoint, never while it waits on real work of its own
 * (reading its config files, resolving a name, connecting, sending its request): on a loaded machine that real work
 * takes more turns of the event loop, and a clock moved on every turn would charge them to the timeouts.
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

describe('a step whose endpoint takes the connection and never answers', () => {
  const sockets: Socket[] = [];
  /** The sockets whose request has reached the endpoint. */
  const asked = new Set<Socket>();
  let server: Server;
  const saved = { ...process.env };

  beforeAll(async () => {
    server = createServer((socket) => {
      sockets.push(socket);
      socket.on('data', () => asked.add(socket));
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    Object.assign(process.env, {
      AWS_REGION: 'us-west-2',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_ENDPOINT_URL_ROUTE_53: `http://127.0.0.1:${port}`,
    });
    resetClients();
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
    process.env = saved;
    resetClients();
  });

  it('fails with EndpointUnreachableError naming the call, after the client timeouts, when Route 53 never answers', async () => {
    // Prepare: timers and Date fake; the event loop's own turns real, so that sockets connect and answer
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const startedMs = Date.now();

    // Act
    let settled = false;
    const outcome = handler({ run: ordersRun(), dns: pending }, lambdaContext('check-dns-sync'))
      .then(
        () => undefined,
        (error: Error) => error,
      )
      .finally(() => {
        settled = true;
      });
    const onlyWaiting = () =>
      !process.getActiveResourcesInfo().some((resource) => REAL_WORK.has(resource)) &&
      sockets.every((socket) => asked.has(socket));
    while (!settled) {
      await new Promise((resolve) => setImmediate(resolve));
      if (onlyWaiting()) await jest.advanceTimersByTimeAsync(STEP_MS);
    }
    const error = await outcome;
    const elapsedMs = Date.now() - startedMs;
    jest.useRealTimers();

    // Assess
    expect(error).toMatchObject({ name: 'EndpointUnreachableError', service: 'route53', operation: 'GetChange' });
    expect(error?.message).toContain('TimeoutError');
    // The client really reached the endpoint, once per attempt, each attempt waited its whole request timeout, and
    // the bound is what the configuration says.
    expect(sockets).toHaveLength(CLIENT_TIMEOUTS.route53.maxAttempts);
    const { maxAttempts, requestTimeoutMs, connectionTimeoutMs } = CLIENT_TIMEOUTS.route53;
    expect(elapsedMs).toBeGreaterThanOrEqual(maxAttempts * requestTimeoutMs);
    expect(elapsedMs).toBeLessThanOrEqual(maxAttempts * (requestTimeoutMs + connectionTimeoutMs) + 1000);
    expect(maxAttempts * (requestTimeoutMs + connectionTimeoutMs)).toBeLessThan(15_000);
  }, 30_000);
});
