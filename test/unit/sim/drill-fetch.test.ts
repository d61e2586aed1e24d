import { cutOffFetch } from '../../../sim/drill';
import { type SlackServer, startSlackServer } from '../../../sim/slack-server';
import { oneHandlerRuntime } from '../../support/lambda';

const TOKEN = 'xoxb-sim-drill-fetch';
const POST_MESSAGE = 'https://slack.com/api/chat.postMessage';

/** A chat.postMessage request as the notifier sends it, with the bot token. */
const post = (text: string): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${TOKEN}` },
  body: JSON.stringify({ channel: 'C1', text }),
});

describe("cutOffFetch (a drill's fetch)", () => {
  let server: SlackServer;
  beforeEach(async () => {
    server = await startSlackServer({ token: TOKEN, preview: false });
  });
  afterEach(async () => {
    await server.close();
  });

  it("serves Slack's Web API from the drill's local Slack whether the URL comes as a string, a URL or a Request", async () => {
    // Prepare: the network, which a drill with a local Slack must never reach
    const network = jest.fn<Promise<Response>, Parameters<typeof fetch>>(() => Promise.reject(new Error('network')));
    const { fetch: drillFetch } = cutOffFetch(network as unknown as typeof fetch, server);

    // Act
    const answers = [
      await drillFetch(POST_MESSAGE, post('as a string')),
      await drillFetch(new URL(POST_MESSAGE), post('as a URL')),
      await drillFetch(new Request(POST_MESSAGE, post('as a Request'))),
    ];

    // Assess
    expect(network).not.toHaveBeenCalled();
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    const bodies = await Promise.all(answers.map(async (answer) => JSON.parse(await answer.text()) as { ok: boolean }));
    expect(bodies.map((body) => body.ok)).toEqual([true, true, true]);
    expect(server.posts.map((posted) => posted.text)).toEqual(['as a string', 'as a URL', 'as a Request']);
    expect(server.requests.map((request) => request.headers.authorization)).toEqual([
      `Bearer ${TOKEN}`,
      `Bearer ${TOKEN}`,
      `Bearer ${TOKEN}`,
    ]);
  });

  it('sends any other URL to the network with the cut-off signal, and fails every request once the drill ended', async () => {
    // Prepare
    const network = jest.fn<Promise<Response>, Parameters<typeof fetch>>(async () => new Response('ok'));
    const { fetch: drillFetch, cutOff } = cutOffFetch(network as unknown as typeof fetch, server);
    const elsewhere = new Request('https://hooks.example.com/report', { method: 'POST', body: 'x' });

    // Act
    await drillFetch('https://hooks.example.com/status');
    await drillFetch(elsewhere);
    cutOff();
    const late = drillFetch(POST_MESSAGE, post('after the end'));

    // Assess
    expect(network.mock.calls.map(([input]) => (input instanceof Request ? input.url : String(input)))).toEqual([
      'https://hooks.example.com/status',
      'https://hooks.example.com/report',
    ]);
    expect(network.mock.calls.map(([, init]) => init?.signal instanceof AbortSignal)).toEqual([true, true]);
    expect(network.mock.calls.map(([, init]) => init?.signal?.aborted)).toEqual([true, true]);
    await expect(late).rejects.toThrow('the drill ended before Slack answered');
    expect(server.posts).toEqual([]);
  });
});

describe("cutOffFetch in an invocation Lambda ended at its function's timeout", () => {
  it('refuses the request: a notifier that ran out of time posts nothing', async () => {
    // Prepare: notify times out at 20 ms of real time (waits 'zero': real timers), then its handler posts to Slack
    const server = await startSlackServer({ token: TOKEN, preview: false });
    const { fetch: drillFetch } = cutOffFetch(globalThis.fetch, server);
    let late: unknown;
    let lateDone!: () => void;
    const lateSettled = new Promise<void>((resolve) => {
      lateDone = resolve;
    });
    const runner = oneHandlerRuntime({
      waits: 'zero',
      timeoutMs: 20,
      handler: async () => {
        await new Promise((resolve) => setTimeout(resolve, 60));
        try {
          await drillFetch(POST_MESSAGE, post('too late'));
          late = 'posted';
        } catch (error) {
          late = error;
        } finally {
          lateDone();
        }
      },
    });

    try {
      // Act
      const invoked = runner.invoke('notify', {}, { viaStateMachine: false });
      await expect(invoked).rejects.toMatchObject({ name: 'Lambda.Unknown' });
      await lateSettled;

      // Assess
      expect(late).toMatchObject({
        message: 'notify timed out: Lambda ended the invocation before a request to Slack',
      });
      expect(server.posts).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
