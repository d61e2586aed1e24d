import { type RecordedRequest, type SlackServer, startSlackServer } from '../../../sim/slack-server';

/** How a request reaches a server: real fetch over loopback HTTP, or the server's in-process handle. */
type Send = (server: SlackServer, url: string, init: RequestInit) => Promise<Response>;
const overHttp: Send = (_server, url, init) => fetch(url, init);
const inProcess: Send = (server, url, init) => server.handle(url, init);

const TOKEN = 'xoxb-sim-test-token';
const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(body),
});

/** What the client saw of an answer, and what the server kept of the request (headers apart: HTTP adds its own). */
const seen = async (response: Response) => ({
  status: response.status,
  contentType: response.headers.get('content-type'),
  retryAfter: response.headers.get('retry-after'),
  body: await response.text(),
});
const kept = (server: SlackServer, record: RecordedRequest) => ({
  route: record.route,
  method: record.method,
  path: record.path.replace(new URL(server.webhookUrl).pathname, '<webhook>'),
  body: record.body,
  status: record.status,
  authorization: record.headers.authorization,
  contentType: record.headers['content-type'],
  closed: record.closedAt !== undefined,
});

/** The same requests, with the same scripts, through `send` to a new server: everything either side saw. */
const exchange = async (send: Send) => {
  const server = await startSlackServer({ token: TOKEN, preview: false });
  try {
    const bot = { authorization: `Bearer ${TOKEN}` };
    const answers = [
      await seen(await send(server, server.webhookUrl, json({ text: 'failover started', blocks: [] }))),
      await seen(await send(server, `${server.url}/services/T/B/unknown`, json({ text: 'lost' }))),
      await seen(await send(server, `${server.apiUrl}chat.postMessage`, json({ channel: 'C1', text: 'no token' }))),
      await seen(
        await send(
          server,
          `${server.apiUrl}chat.postMessage`,
          json({ channel: 'C1', text: 'bad token' }, { authorization: 'Bearer xoxb-other' }),
        ),
      ),
      await seen(
        await send(server, `${server.apiUrl}chat.postMessage`, json({ channel: 'C1', text: 'incident' }, bot)),
      ),
    ];
    const [, , , , posted] = answers;
    const ts = (JSON.parse(posted?.body ?? '{}') as { ts?: string }).ts;
    answers.push(
      await seen(
        await send(server, `${server.apiUrl}chat.update`, json({ channel: 'C1', ts, text: 'incident, promoted' }, bot)),
      ),
      await seen(
        await send(server, `${server.apiUrl}chat.update`, json({ channel: 'C1', ts: '1.000001', text: 'x' }, bot)),
      ),
      await seen(
        await send(
          server,
          `${server.apiUrl}chat.postMessage`,
          json({ channel: 'C1', thread_ts: ts, text: 'promote done' }, bot),
        ),
      ),
    );
    server.enqueue({ route: 'webhook', status: 429, retryAfter: 3 }, { route: 'webhook', error: 'no_service' });
    answers.push(
      await seen(await send(server, server.webhookUrl, json({ text: 'throttled' }))),
      await seen(await send(server, server.webhookUrl, json({ text: 'removed' }))),
    );
    server.enqueue(
      { route: 'chat.postMessage', status: 503 },
      { route: 'chat.postMessage', error: 'channel_not_found' },
    );
    answers.push(
      await seen(await send(server, `${server.apiUrl}chat.postMessage`, json({ channel: 'C1', text: 'down' }, bot))),
      await seen(await send(server, `${server.apiUrl}chat.postMessage`, json({ channel: 'C9', text: 'gone' }, bot))),
    );
    // A slow answer that the client waits for, then one it gives up on: that one gets no answer and is not posted.
    server.enqueue({ route: 'webhook', delayMs: 50 });
    const answeredLate = await seen(await send(server, server.webhookUrl, json({ text: 'slow but answered' })));
    const slow = (init: RequestInit) => ({ ...init, signal: AbortSignal.timeout(30) });
    server.enqueue({ route: 'webhook', delayMs: 100 });
    const timedOut = await send(server, server.webhookUrl, slow(json({ text: 'timed out' }))).then(
      () => 'answered',
      (error: Error) => error.name,
    );
    // The delayed answer is due after the client left: let it come, and find nothing sent.
    await new Promise((resolve) => setTimeout(resolve, 150));
    return {
      answers,
      answeredLate,
      timedOut,
      requests: server.requests.map((record) => kept(server, record)),
      posts: server.posts.map(({ ts: _ts, ...post }) => post),
      channel: server.channelMessages().map(({ ts: _ts, threadTs, ...message }) => ({ ...message, reply: !!threadTs })),
    };
  } finally {
    await server.close();
  }
};

describe('startSlackServer handle', () => {
  it('answers, records and posts every request as the server does over loopback HTTP', async () => {
    // Act
    const viaHttp = await exchange(overHttp);
    const viaHandle = await exchange(inProcess);

    // Assess: the same answers, requests, posts and channel, either way
    expect(viaHandle).toEqual(viaHttp);
    // ...and they are what Slack answers: a sample of each kind
    expect(viaHandle.answers.map((answer) => answer.status)).toEqual([
      200, 404, 200, 200, 200, 200, 200, 200, 429, 404, 503, 200,
    ]);
    expect(viaHandle.answers[0]?.body).toBe('ok');
    expect(viaHandle.answers[2]?.body).toBe('{"ok":false,"error":"not_authed"}');
    expect(viaHandle.answers[3]?.body).toBe('{"ok":false,"error":"invalid_auth"}');
    expect(viaHandle.answers[6]?.body).toBe('{"ok":false,"error":"message_not_found"}');
    expect(viaHandle.answers[8]?.retryAfter).toBe('3');
    expect(viaHandle.answers[11]?.body).toBe('{"ok":false,"error":"channel_not_found"}');
    expect(viaHandle.answeredLate).toMatchObject({ status: 200, body: 'ok' });
    expect(viaHandle.timedOut).toBe('TimeoutError');
    expect(viaHandle.posts.map((post) => post.text)).toEqual([
      'failover started',
      'incident',
      'incident, promoted',
      'promote done',
      'slow but answered',
    ]);
    expect(viaHandle.requests.at(-1)).toMatchObject({ route: 'webhook', status: 0, closed: true });
  });

  it('sends nothing for a request whose signal was already aborted, and rejects with its reason', async () => {
    // Prepare
    const server = await startSlackServer({ preview: false });
    const reason = new Error('the drill ended before Slack answered');

    try {
      // Act
      const sent = server.handle(server.webhookUrl, { ...json({ text: 'late' }), signal: AbortSignal.abort(reason) });

      // Assess
      await expect(sent).rejects.toBe(reason);
      expect(server.requests).toEqual([]);
      expect(server.posts).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
