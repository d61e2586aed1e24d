import { createServer, type Server, type Socket } from 'node:net';
import { handler } from '../../functions/check-dns-sync';
import { CLIENT_TIMEOUTS, resetClients } from '../../shared/aws/clients';
import type { DnsResult } from '../../shared/domain/run';
import { lambdaContext } from '../support/lambda';
import { ordersRun } from '../support/resource-fixtures';

/**
 * A real TCP endpoint on loopback that takes every connection and never answers: what a Route 53 API endpoint looks
 * like to a client while us-east-1 is down. The real handler, its real adapter and the real shared SDK client
 * (with the timeouts of shared/aws/clients.ts) talk to it over the network; no mock is involved.
 */

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
  let server: Server;
  const saved = { ...process.env };

  beforeAll(async () => {
    server = createServer((socket) => {
      sockets.push(socket);
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
    // Act
    const outcome = await handler({ run: ordersRun(), dns: pending }, lambdaContext('check-dns-sync')).then(
      () => undefined,
      (error: Error) => error,
    );

    // Assess
    expect(outcome).toMatchObject({ name: 'EndpointUnreachableError', service: 'route53', operation: 'GetChange' });
    expect(outcome?.message).toContain('TimeoutError');
    // The client really reached the endpoint, once per attempt, and the bound is what the configuration says.
    expect(sockets).toHaveLength(CLIENT_TIMEOUTS.route53.maxAttempts);
    const { maxAttempts, requestTimeoutMs, connectionTimeoutMs } = CLIENT_TIMEOUTS.route53;
    expect(maxAttempts * (requestTimeoutMs + connectionTimeoutMs)).toBeLessThan(15_000);
  }, 30_000);
});
