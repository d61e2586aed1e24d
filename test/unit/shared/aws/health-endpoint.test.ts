import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { FetchHealthEndpoints } from '../../../../shared/aws/health-endpoint';

/** A loopback server: `/ok` answers 200, `/down` 503, `/hang` takes the request and never answers. */
const startServer = async (): Promise<{ url: string; server: Server; sockets: Set<Socket> }> => {
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    if (request.url === '/ok') response.end('ok');
    else if (request.url === '/down') {
      response.statusCode = 503;
      response.end('down');
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, sockets };
};

describe('FetchHealthEndpoints', () => {
  let base: string;
  let server: Server;
  let sockets: Set<Socket>;
  const endpoints = new FetchHealthEndpoints();

  beforeAll(async () => {
    ({ url: base, server, sockets } = await startServer());
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('is ok when the endpoint answers the expected status', async () => {
    const result = await endpoints.probe(`${base}/ok`, 200, 2000);
    expect(result).toMatchObject({ url: `${base}/ok`, ok: true, status: 200 });
  });

  it('fails, naming both statuses, when the endpoint answers another status', async () => {
    const result = await endpoints.probe(`${base}/down`, 200, 2000);
    expect(result).toMatchObject({ ok: false, status: 503, error: 'answered 503, expected 200' });
  });

  it('fails after its timeout when the endpoint takes the connection and never answers', async () => {
    const started = performance.now();
    const result = await endpoints.probe(`${base}/hang`, 200, 300);
    const took = performance.now() - started;
    expect(result).toMatchObject({ ok: false, error: 'no answer within 300 ms (trigger.prober.timeoutMs)' });
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(5000);
  });

  it('fails with the network error when nothing listens', async () => {
    const closed = await startServer();
    for (const socket of closed.sockets) socket.destroy();
    await new Promise((resolve) => closed.server.close(resolve));
    const result = await endpoints.probe(`${closed.url}/ok`, 200, 2000);
    expect(result).toMatchObject({ ok: false, error: expect.stringContaining('ECONNREFUSED') });
  });
});
