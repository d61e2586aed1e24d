import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server that plays Slack for tests and drills: an incoming webhook endpoint and the Web API methods
 * chat.postMessage and chat.update. It answers like Slack (status codes, bodies, `Retry-After`), can be programmed
 * per test (errors, 429s, delays), records every request, and keeps the channel's messages as Slack would show
 * them (updates applied, thread replies attached). Unless told otherwise it prints each message's text fallback,
 * so a drill shows what the incident channel would see.
 *
 * The webhook URL and the token it hands out are random per server, like real ones, so that tests can assert
 * that they never reach a log line.
 */

export type SlackRoute = 'webhook' | 'chat.postMessage' | 'chat.update';

/** One programmed answer. Without `status`/`error`, the request succeeds (after `delayMs`, if given). */
export interface SlackResponseScript {
  /** Which endpoint it applies to; any when omitted. */
  route?: SlackRoute;
  /** HTTP status to answer with (e.g. 500, 503, 429). */
  status?: number;
  /** Seconds for `Retry-After`; with no `status`, the answer is a 429. */
  retryAfter?: number;
  /**
   * A Slack error code. Web API: HTTP 200 `{ ok: false, error }` (`invalid_auth`, `token_revoked`,
   * `channel_not_found`, …). Webhook: the code as the body, with Slack's status for it (403 `invalid_token`,
   * 404 `no_service`/`channel_not_found`, 410 `channel_is_archived`, else 400).
   */
  error?: string;
  /** Wait this long before answering (the client may time out first). */
  delayMs?: number;
}

export interface RecordedRequest {
  route: SlackRoute | 'unknown';
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed body (JSON, or form fields with JSON values decoded). */
  body: Record<string, unknown>;
  /** The HTTP status answered (0 when the client went away first). */
  status: number;
  receivedAt: number;
  /** When the exchange ended: the answer sent, or the client gone (its connection closed); unset while open. */
  closedAt?: number;
}

/** A message as the channel shows it. */
export interface SlackChannelMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  text: string;
  blocks: unknown[];
  /** How many times chat.update changed it. */
  updates: number;
  via: 'webhook' | 'bot';
}

export interface SlackServerOptions {
  /** The bot token the Web API accepts; others get `invalid_auth`. Random `xoxb-sim-…` by default. */
  token?: string;
  /**
   * Prints each accepted message's text fallback as Slack shows it (entities decoded) on stdout; `false` for
   * silence, or a function to receive each text instead.
   */
  preview?: false | ((line: string) => void);
}

export interface SlackServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The incoming webhook URL (a secret, like a real one). */
  webhookUrl: string;
  /** The Web API base for the sender's `slackApiUrl` (ends with `/api/`). */
  apiUrl: string;
  /** The bot token the Web API accepts (a secret). */
  token: string;
  /** Every request, in arrival order. */
  requests: RecordedRequest[];
  /** Accepted posts and updates, in order: what was sent. */
  posts: { route: SlackRoute; channel: string; ts: string; threadTs?: string; text: string; blocks: unknown[] }[];
  /** The channel's messages now, top-level and replies, in posting order. */
  channelMessages(): SlackChannelMessage[];
  /** Queues one-shot answers, used in order by the requests they match. */
  enqueue(...scripts: SlackResponseScript[]): void;
  /** Answers every matching request this way until cleared with `undefined` (after the queue is used up). */
  always(script: SlackResponseScript | undefined): void;
  /** Forgets requests, messages and scripts: a fresh channel for the next test. */
  reset(): void;
  /**
   * Serves one request to this server's URLs in this process, as `fetch` would send it over loopback HTTP: the same
   * routes, answers, scripts, recording and previews, without a socket or an HTTP parser (what a drill's own Slack
   * does for every notification: sim/drill.ts). The request's `signal` plays the client giving up: it rejects with
   * the signal's reason, the request is recorded as closed, and it gets no answer, as over HTTP. Recorded headers are
   * the ones the client set (names in lower case), without those an HTTP client adds (host, content-length...).
   */
  handle(url: string | URL, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** Slack's HTTP status for a webhook error body (Slack API docs, "Handling errors" for incoming webhooks). */
const WEBHOOK_ERROR_STATUS: Record<string, number> = {
  invalid_token: 403,
  action_prohibited: 403,
  no_service: 404,
  channel_not_found: 404,
  no_team: 404,
  channel_is_archived: 410,
};

/** Slack shows `&lt;`, `&gt;` and `&amp;` as the characters; so does the preview. */
const unescapeText = (text: string): string => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

const readBody = (request: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });

const parseBody = (raw: string, contentType: string | undefined): Record<string, unknown> => {
  if (!raw) return {};
  if (contentType?.includes('application/json')) {
    try {
      return JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return { raw };
    }
  }
  const body: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    // A form-encoded client (Slack's SDK) sends objects (blocks) as JSON strings and booleans as "true"/"false".
    body[key] = /^[[{]/.test(value) ? safeJson(value) : BOOLEAN_FIELDS.has(key) ? value === 'true' : value;
  }
  return body;
};

/** A header's value as one string (Node gives repeated headers as a list). */
const firstHeader = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

/** A fetch body as the text the server would read; what a client may pass besides a string is read as fetch sends it. */
const requestText = async (body: RequestInit['body']): Promise<string> => {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  return new Response(body).text();
};

const BOOLEAN_FIELDS = new Set(['reply_broadcast', 'unfurl_links', 'unfurl_media', 'mrkdwn', 'as_user']);

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/**
 * Starts the server on 127.0.0.1 and a free port.
 *
 * @param options - the accepted token and the preview printer
 */
export const startSlackServer = async (options: SlackServerOptions = {}): Promise<SlackServer> => {
  const token = options.token ?? `xoxb-sim-${randomBytes(12).toString('hex')}`;
  const webhookPath = `/services/TSIM0000/BSIM0000/${randomBytes(12).toString('hex')}`;
  const printer =
    options.preview === false
      ? undefined
      : (options.preview ?? ((line: string) => process.stdout.write(`[slack] ${line.replace(/\n/g, '\n        ')}\n`)));
  const preview = printer ? (line: string) => printer(unescapeText(line)) : undefined;
  const requests: RecordedRequest[] = [];
  const posts: SlackServer['posts'] = [];
  const messages: SlackChannelMessage[] = [];
  const queue: SlackResponseScript[] = [];
  let standing: SlackResponseScript | undefined;
  const timers = new Set<NodeJS.Timeout>();
  let sequence = 0;

  const nextTs = (): string => {
    sequence++;
    return `${1_700_000_000 + sequence}.${String(sequence).padStart(6, '0')}`;
  };

  const scriptFor = (route: SlackRoute): SlackResponseScript | undefined => {
    const index = queue.findIndex((script) => script.route === undefined || script.route === route);
    if (index >= 0) return queue.splice(index, 1)[0];
    if (standing && (standing.route === undefined || standing.route === route)) return standing;
    return undefined;
  };

  const send = (
    response: ServerResponse,
    record: RecordedRequest,
    status: number,
    body: string,
    headers: Record<string, string> = {},
  ) => {
    record.status = status;
    if (response.destroyed || response.writableEnded) {
      record.status = 0;
      return;
    }
    response.writeHead(status, headers);
    response.end(body);
  };

  const accept = (
    route: SlackRoute,
    body: Record<string, unknown>,
  ): { ok: true; channel: string; ts: string } | { ok: false; error: string } => {
    const text = typeof body.text === 'string' ? body.text : '';
    const blocks = Array.isArray(body.blocks) ? body.blocks : [];
    if (route === 'webhook') {
      const ts = nextTs();
      messages.push({ channel: 'webhook', ts, text, blocks, updates: 0, via: 'webhook' });
      posts.push({ route, channel: 'webhook', ts, text, blocks });
      preview?.(text);
      return { ok: true, channel: 'webhook', ts };
    }
    const channel = typeof body.channel === 'string' ? body.channel : '';
    if (!channel) return { ok: false, error: 'channel_not_found' };
    if (!text && blocks.length === 0) return { ok: false, error: 'no_text' };
    if (route === 'chat.postMessage') {
      const ts = nextTs();
      const threadTs = typeof body.thread_ts === 'string' ? body.thread_ts : undefined;
      messages.push({ channel, ts, ...(threadTs ? { threadTs } : {}), text, blocks, updates: 0, via: 'bot' });
      posts.push({ route, channel, ts, ...(threadTs ? { threadTs } : {}), text, blocks });
      preview?.(threadTs ? `↳ ${text}` : text);
      return { ok: true, channel, ts };
    }
    const target = messages.find((message) => message.channel === channel && message.ts === body.ts);
    if (!target) return { ok: false, error: 'message_not_found' };
    Object.assign(target, { text, blocks, updates: target.updates + 1 });
    posts.push({ route, channel, ts: target.ts, text, blocks });
    preview?.(`(updated) ${text}`);
    return { ok: true, channel, ts: target.ts };
  };

  type Answer = { status: number; body: string; headers: Record<string, string> };
  const text = (status: number, body: string, headers: Record<string, string> = {}): Answer => ({
    status,
    body,
    headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
  });
  const json = (value: unknown, status = 200, headers: Record<string, string> = {}): Answer => ({
    status,
    body: JSON.stringify(value),
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });

  const answer = (
    route: SlackRoute | 'unknown',
    body: Record<string, unknown>,
    headers: IncomingMessage['headers'],
    script: SlackResponseScript | undefined,
  ): Answer => {
    // A webhook URL that Slack does not know (removed, mistyped) answers 404 no_service.
    if (route === 'unknown') return text(404, 'no_service');
    if (script?.status !== undefined || script?.retryAfter !== undefined) {
      const status = script.status ?? 429;
      const extra: Record<string, string> =
        script.retryAfter !== undefined ? { 'retry-after': String(script.retryAfter) } : {};
      const code = status === 429 ? 'ratelimited' : 'internal_error';
      return route === 'webhook' ? text(status, code, extra) : json({ ok: false, error: code }, status, extra);
    }
    if (script?.error) {
      return route === 'webhook'
        ? text(WEBHOOK_ERROR_STATUS[script.error] ?? 400, script.error)
        : json({ ok: false, error: script.error });
    }
    if (route !== 'webhook') {
      const given =
        headers.authorization?.replace(/^Bearer\s+/i, '') ?? (typeof body.token === 'string' ? body.token : undefined);
      if (!given) return json({ ok: false, error: 'not_authed' });
      if (given !== token) return json({ ok: false, error: 'invalid_auth' });
    }
    const result = accept(route, body);
    if (route === 'webhook') return result.ok ? text(200, 'ok') : text(400, result.error);
    return json(result.ok ? { ...result, message: { text: body.text, ts: result.ts } } : result);
  };

  const routeOf = (method: string | undefined, path: string): SlackRoute | 'unknown' => {
    if (method !== 'POST') return 'unknown';
    if (path === webhookPath) return 'webhook';
    if (path === '/api/chat.postMessage') return 'chat.postMessage';
    if (path === '/api/chat.update') return 'chat.update';
    return 'unknown';
  };

  /**
   * One request, whatever carries it: records it, takes its script (in arrival order, even when its answer is
   * delayed) and answers through `reply`, unless the client is `gone` by then.
   */
  const receive = (
    request: { method: string; path: string; headers: IncomingMessage['headers']; raw: string },
    transport: { gone(): boolean; reply(record: RecordedRequest, answer: Answer): void },
  ): RecordedRequest => {
    const body = parseBody(request.raw, firstHeader(request.headers['content-type']));
    const route = routeOf(request.method, request.path);
    const record: RecordedRequest = {
      route,
      method: request.method,
      path: request.path,
      headers: { ...request.headers },
      body,
      status: 0,
      receivedAt: Date.now(),
    };
    requests.push(record);
    const script = route === 'unknown' ? undefined : scriptFor(route);
    const respond = () => {
      // A client that gave up (timed out) gets nothing, and its message is not posted. Real Slack may still post
      // it; tests that want that duplicate can program it with a delayed success and a longer client timeout.
      if (transport.gone()) return;
      transport.reply(record, answer(route, body, request.headers, script));
    };
    if (script?.delayMs) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        respond();
      }, script.delayMs);
      timers.add(timer);
    } else respond();
    return record;
  };

  const server = createServer(async (request, response) => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const raw = await readBody(request);
    const record = receive(
      { method: request.method ?? 'GET', path, headers: request.headers, raw },
      {
        gone: () => response.destroyed || request.socket.destroyed,
        reply: (done, reply) => send(response, done, reply.status, reply.body, reply.headers),
      },
    );
    response.on('close', () => {
      record.closedAt = Date.now();
    });
  });

  const handle = async (url: string | URL, init: RequestInit = {}): Promise<Response> => {
    const { pathname } = new URL(url);
    const headers: IncomingMessage['headers'] = Object.fromEntries(new Headers(init.headers));
    const raw = await requestText(init.body);
    const signal = init.signal ?? undefined;
    return new Promise<Response>((resolve, reject) => {
      let ended = false;
      let record: RecordedRequest | undefined;
      const finish = (done: RecordedRequest | undefined) => {
        ended = true;
        signal?.removeEventListener('abort', giveUp);
        if (done) done.closedAt = Date.now();
      };
      const giveUp = () => {
        if (ended) return;
        finish(record);
        reject(signal?.reason ?? new DOMException('This operation was aborted', 'AbortError'));
      };
      // An aborted fetch sends nothing: the server never sees it.
      if (signal?.aborted) {
        giveUp();
        return;
      }
      signal?.addEventListener('abort', giveUp, { once: true });
      record = receive(
        { method: (init.method ?? 'GET').toUpperCase(), path: pathname, headers, raw },
        {
          gone: () => ended,
          reply: (done, reply) => {
            done.status = reply.status;
            finish(done);
            resolve(new Response(reply.body, { status: reply.status, headers: reply.headers }));
          },
        },
      );
    });
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    webhookUrl: `${url}${webhookPath}`,
    apiUrl: `${url}/api/`,
    token,
    requests,
    posts,
    channelMessages: () => messages.map((message) => ({ ...message })),
    handle,
    enqueue: (...scripts) => queue.push(...scripts),
    always: (script) => {
      standing = script;
    },
    reset: () => {
      requests.length = 0;
      posts.length = 0;
      messages.length = 0;
      queue.length = 0;
      standing = undefined;
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
};
