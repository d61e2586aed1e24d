import { NotificationDeliveryError, NotificationRejectedError } from '../errors';
import type { SlackSettings } from '../plan/schema';
import type { Log } from '../runtime/logger';
import type { SlackMessage } from './render';

/**
 * Delivery to Slack, two ways: an incoming webhook (a new message per update) or a bot token (chat.postMessage
 * once, then chat.update and thread replies). Both are one JSON POST over fetch: @slack/web-api and @slack/webhook
 * added 76 KiB to the notify bundle (its weight above the SDK floor 211 KiB, over the 150 KiB goal; README,
 * "Dependencies"), and their own retries, queues and loggers are switched off here anyway. Both share one retry
 * policy, bounded in attempts and in total time, because notification must never hold a Lambda (or anything else)
 * long:
 * - 429: wait for Retry-After, if that fits in the time left;
 * - 5xx, timeouts, network errors: exponential backoff with jitter, a few times;
 * - errors that retrying cannot fix (revoked token, unknown channel, removed webhook): NotificationRejectedError
 *   at once, no retry;
 * - out of attempts or time: NotificationDeliveryError, so Lambda's async retries and the DLQ take over.
 * No error or log line made here contains the webhook URL or the token.
 */

/** Time for the retry loop; tests pass a virtual one so that no test sleeps for real. */
export interface Timer {
  /** Milliseconds, on any fixed origin. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemTimer: Timer = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RetryPolicy {
  /** Attempts per Slack call, the first included. */
  maxAttempts: number;
  /** First backoff after a 5xx or timeout; doubles each time, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Time allowed for all Slack calls of one event; the caller also caps it by the Lambda's remaining time. */
  totalMs: number;
  /** Time allowed for one HTTP request. */
  requestTimeoutMs: number;
}

/** 20 s in all leaves most of a 30 s Lambda timeout for reading the ledger and the secret. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 4000,
  totalMs: 20_000,
  requestTimeoutMs: 5000,
});

/** Slack Web API error codes worth retrying (Slack API reference, chat.postMessage "Errors"); all others are final. */
const TRANSIENT_PLATFORM_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** Slack's error codes are short snake_case words; anything else (an HTML error page) is not repeated in logs. */
const safeCode = (text: string | undefined, fallback: string): string => {
  const candidate = text?.trim() ?? '';
  return /^[a-z0-9_]{1,60}$/.test(candidate) ? candidate : fallback;
};

/** What to tell the operator for a final error, by Slack error code. Names the secret, never its value. */
export const rejectionFix = (code: string, settings: SlackSettings, plan: string): string => {
  const where = `${settings.secret.source === 'ssm' ? 'SSM parameter' : 'Secrets Manager secret'} "${settings.secret.name}"`;
  switch (code) {
    case 'invalid_auth':
    case 'not_authed':
    case 'token_revoked':
    case 'token_expired':
    case 'account_inactive':
    case 'invalid_token':
      return `the Slack ${settings.delivery === 'bot' ? 'token' : 'webhook'} is no longer valid: create a new one and store it in ${where}`;
    case 'no_service':
      return `the incoming webhook was removed or disabled: create a new one and store its URL in ${where}`;
    case 'channel_not_found':
    case 'not_in_channel':
    case 'is_archived':
    case 'channel_is_archived':
      return settings.delivery === 'bot'
        ? `invite the Slack app to channel ${settings.channel ?? '(none)'} or fix notifications.slack.channel of plan ${plan}`
        : `the webhook's channel is gone or archived: create a webhook for a live channel and store it in ${where}`;
    case 'missing_scope':
      return 'give the Slack app the chat:write scope and reinstall it';
    case 'secret_unavailable':
      return `store the Slack ${settings.delivery === 'bot' ? 'bot token' : 'webhook URL'} in ${where} and let the notify function read it`;
    case 'secret_malformed':
      return `${where} must hold the Slack ${settings.delivery === 'bot' ? 'bot token (xoxb-…)' : 'webhook URL (https://hooks.slack.com/…)'}`;
    default:
      return `Slack answered "${code}" (see the Slack API reference for chat.postMessage and incoming webhooks); check ${where} and plan ${plan}`;
  }
};

type Verdict =
  | { type: 'wait'; ms: number; problem: string }
  | { type: 'retry'; problem: string }
  | { type: 'final'; code: string };

/** Seconds from a Retry-After header (delta-seconds or an HTTP date); undefined when absent or unreadable. */
const parseRetryAfter = (value: string | null | undefined, nowMs: number): number | undefined => {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - nowMs) / 1000));
};

interface CallContext {
  /** Retry-After of the newest response, read by the fetch wrapper (the webhook client does not expose it). */
  retryAfterSeconds?: number;
  timedOut: boolean;
}

/** Slack answered with an HTTP error status; a webhook's body is Slack's error code. */
class SlackHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`Slack answered HTTP ${status}`);
    this.name = 'SlackHttpError';
  }
}

/** The Web API answered `{ ok: false, error }` (HTTP 200). */
class SlackPlatformError extends Error {
  constructor(readonly code: string) {
    super(`Slack answered ${code}`);
    this.name = 'SlackPlatformError';
  }
}

const classify = (error: unknown, call: CallContext): Verdict => {
  if (error instanceof SlackHttpError) {
    if (error.status === 429) {
      return { type: 'wait', ms: (call.retryAfterSeconds ?? 1) * 1000, problem: 'rate limited (429)' };
    }
    if (error.status >= 500) return { type: 'retry', problem: `HTTP ${error.status}` };
    return { type: 'final', code: safeCode(error.body, `http_${error.status}`) };
  }
  if (error instanceof SlackPlatformError) {
    const code = safeCode(error.code, 'unknown_error');
    if (code === 'ratelimited') return { type: 'wait', ms: (call.retryAfterSeconds ?? 1) * 1000, problem: code };
    return TRANSIENT_PLATFORM_ERRORS.has(code) ? { type: 'retry', problem: code } : { type: 'final', code };
  }
  // Request errors (no response, or one that is not Slack's): a timeout of ours, a reset connection, DNS.
  return { type: 'retry', problem: call.timedOut ? 'timeout' : 'request error' };
};

export interface SenderOptions {
  settings: SlackSettings;
  /** The plan's name, for the operator's fix text. */
  plan: string;
  log: Log;
  timer?: Timer;
  policy?: RetryPolicy;
  /** When all calls for this event must be done, on the timer's clock (capped by `policy.totalMs` from now). */
  deadline?: number;
  /** Random source for the jitter (tests pin it). */
  random?: () => number;
  /** The Slack Web API base URL, ending in `/` (tests and drills point it at a local server). */
  slackApiUrl?: string;
  /** The fetch to use underneath (defaults to the global one). */
  fetch?: typeof globalThis.fetch;
}

/** Posts to Slack with the retry policy; one instance per event (its deadline is that event's). */
class Transport {
  readonly #options: SenderOptions;
  readonly #timer: Timer;
  readonly #policy: RetryPolicy;
  readonly #deadline: number;
  readonly #random: () => number;
  readonly call: CallContext = { timedOut: false };

  constructor(options: SenderOptions) {
    this.#options = options;
    this.#timer = options.timer ?? systemTimer;
    this.#policy = options.policy ?? DEFAULT_RETRY_POLICY;
    const cap = this.#timer.now() + this.#policy.totalMs;
    this.#deadline = Math.min(options.deadline ?? cap, cap);
    this.#random = options.random ?? Math.random;
  }

  /** A fetch that times each request out by the policy and the time left, and remembers Retry-After. */
  readonly fetch = async (url: string | URL, init?: RequestInit): Promise<Response> => {
    const left = this.#deadline - this.#timer.now();
    const timeout = Math.max(1, Math.min(this.#policy.requestTimeoutMs, left));
    const signal = AbortSignal.timeout(timeout);
    this.call.retryAfterSeconds = undefined;
    this.call.timedOut = false;
    try {
      const response = await (this.#options.fetch ?? globalThis.fetch)(url, { ...init, signal });
      this.call.retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'), Date.now());
      return response;
    } catch (error) {
      this.call.timedOut = signal.aborted;
      throw error;
    }
  };

  /**
   * Runs one Slack call under the policy.
   *
   * @throws NotificationRejectedError when Slack refuses for good; NotificationDeliveryError when out of attempts or time
   */
  async run<T>(what: string, send: () => Promise<T>): Promise<T> {
    const { log, settings, plan } = this.#options;
    let problem = 'none';
    let attempt = 0;
    while (attempt < this.#policy.maxAttempts) {
      attempt++;
      try {
        return await send();
      } catch (error) {
        const verdict = classify(error, this.call);
        if (verdict.type === 'final') {
          throw new NotificationRejectedError(verdict.code, rejectionFix(verdict.code, settings, plan));
        }
        problem = verdict.problem;
        const delay =
          verdict.type === 'wait'
            ? verdict.ms
            : Math.min(this.#policy.maxDelayMs, this.#policy.baseDelayMs * 2 ** (attempt - 1)) *
              (0.5 + this.#random() / 2);
        const left = this.#deadline - this.#timer.now();
        log.warn('slack call failed', { call: what, attempt, problem, retryInMs: Math.round(delay), timeLeftMs: left });
        // A wait that would end after the deadline is not worth starting: hand over to Lambda's retries now.
        if (attempt >= this.#policy.maxAttempts || delay >= left) break;
        await this.#timer.sleep(delay);
      }
    }
    throw new NotificationDeliveryError(`Slack ${what}`, attempt, problem);
  }
}

/** A webhook: each update is a new message in the webhook's channel. */
export interface WebhookSender {
  kind: 'webhook';
  send(message: SlackMessage): Promise<void>;
}

/** A bot: one message per incident, updated in place, with a thread of replies. */
export interface BotSender {
  kind: 'bot';
  post(
    channel: string,
    message: SlackMessage,
    thread?: { ts: string; broadcast?: boolean },
  ): Promise<{ channel: string; ts: string }>;
  update(channel: string, ts: string, message: SlackMessage): Promise<void>;
}

export type SlackSender = WebhookSender | BotSender;

/** Slack's Web API base. */
export const SLACK_API_URL = 'https://slack.com/api/';

const JSON_CONTENT = 'application/json; charset=utf-8';

/**
 * Builds the sender for a plan's Slack settings and the secret read for them.
 *
 * @param secret - the webhook URL or bot token (never logged)
 * @param options - settings, logging, retry policy and, for tests and drills, the clock and the Slack API URL
 */
export const createSlackSender = (secret: string, options: SenderOptions): SlackSender => {
  const transport = new Transport(options);
  if (options.settings.delivery === 'webhook') {
    // Slack answers 200 "ok", or an error status with its error code as the body (incoming webhooks, "Handling errors").
    const post = async (message: SlackMessage): Promise<void> => {
      const response = await transport.fetch(secret, {
        method: 'POST',
        headers: { 'content-type': JSON_CONTENT },
        body: JSON.stringify({ text: message.text, blocks: message.blocks }),
      });
      const body = await response.text();
      if (response.status !== 200) throw new SlackHttpError(response.status, body);
    };
    return { kind: 'webhook', send: (message) => transport.run('webhook post', () => post(message)) };
  }
  const apiUrl = options.slackApiUrl ?? SLACK_API_URL;
  // The Web API takes a JSON body with the token as a bearer header; it answers 200 `{ ok, error?, ... }`, or an HTTP
  // error status (429 with Retry-After, 5xx) (Slack API docs, "Using the Slack Web API").
  const call = async (method: string, args: Record<string, unknown>): Promise<{ channel?: string; ts?: string }> => {
    const response = await transport.fetch(`${apiUrl}${method}`, {
      method: 'POST',
      headers: { 'content-type': JSON_CONTENT, authorization: `Bearer ${secret}` },
      body: JSON.stringify(args),
    });
    const body = await response.text();
    if (response.status !== 200) throw new SlackHttpError(response.status, '');
    const answer = JSON.parse(body) as { ok?: unknown; error?: unknown; channel?: unknown; ts?: unknown };
    if (answer.ok !== true) throw new SlackPlatformError(typeof answer.error === 'string' ? answer.error : '');
    return {
      ...(typeof answer.channel === 'string' ? { channel: answer.channel } : {}),
      ...(typeof answer.ts === 'string' ? { ts: answer.ts } : {}),
    };
  };
  return {
    kind: 'bot',
    post: async (channel, message, thread) => {
      const { text, blocks } = message;
      const result = thread
        ? await transport.run('chat.postMessage (reply)', () =>
            call('chat.postMessage', {
              channel,
              text,
              blocks,
              thread_ts: thread.ts,
              reply_broadcast: thread.broadcast ?? false,
            }),
          )
        : await transport.run('chat.postMessage', () => call('chat.postMessage', { channel, text, blocks }));
      if (!result.ts) throw new NotificationDeliveryError('Slack chat.postMessage', 1, 'no ts in the answer');
      return { channel: result.channel ?? channel, ts: result.ts };
    },
    update: async (channel, ts, message) => {
      await transport.run('chat.update', () =>
        call('chat.update', { channel, ts, text: message.text, blocks: message.blocks }),
      );
    },
  };
};
