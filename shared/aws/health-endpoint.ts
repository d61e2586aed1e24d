import type { HealthEndpointPort } from '../domain/ports';
import type { ProbeResult } from '../domain/prober';

/**
 * The standby prober's requests to the primary's health endpoints: plain HTTPS through Node's fetch, each abandoned
 * after the plan's `trigger.prober.timeoutMs` (an endpoint in a region that is down usually takes the connection
 * and never answers, or never takes it). Not an AWS service, but an adapter like them: the use case receives it.
 * The timer is a plain `setTimeout` on an AbortController, so a drill's virtual clock drives it too.
 */
export class FetchHealthEndpoints implements HealthEndpointPort {
  readonly #fetch: () => typeof fetch;

  /** @param options.fetch - the fetch to use; defaults to the global one, looked up at each call. */
  constructor(options: { fetch?: () => typeof fetch } = {}) {
    this.#fetch = options.fetch ?? (() => globalThis.fetch);
  }

  async probe(url: string, expectStatus: number, timeoutMs: number): Promise<ProbeResult> {
    const startedAt = Date.now();
    const elapsed = () => Date.now() - startedAt;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      const response = await this.#fetch()(url, {
        method: 'GET',
        redirect: 'manual',
        signal: abort.signal,
        headers: { 'user-agent': 'switchback-prober' },
      });
      // The body is not read: the status is the answer, and an unread body would hold the connection.
      await response.body?.cancel().catch(() => undefined);
      return response.status === expectStatus
        ? { url, ok: true, status: response.status, ms: elapsed() }
        : {
            url,
            ok: false,
            status: response.status,
            ms: elapsed(),
            error: `answered ${response.status}, expected ${expectStatus}`,
          };
    } catch (error) {
      const cause = (error as { cause?: { code?: unknown } }).cause?.code;
      return {
        url,
        ok: false,
        ms: elapsed(),
        error: abort.signal.aborted
          ? `no answer within ${timeoutMs} ms (trigger.prober.timeoutMs)`
          : `${(error as Error).name ?? 'Error'}${typeof cause === 'string' ? ` ${cause}` : ''}: ${(error as Error).message}`,
      };
    } finally {
      clearTimeout(timer);
    }
  }
}
