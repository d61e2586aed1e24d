import type { Logger } from '@aws-lambda-powertools/logger';
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { EventsPort } from '../domain/ports';
import { EVENT_SOURCE } from '../domain/run';
import { config } from '../runtime/config';
import { type Log, logger } from '../runtime/logger';
import { awsErrorName } from './aws-errors';
import { eventbridgeClient } from './sdk/eventbridge';

/**
 * Longest a PutEvents may take before we give up on it. Notification never delays recovery: a slow bus costs
 * the failover at most this. EventBridge p99 delivery is ~0.4 s (aws-facts.md: bitesizedserverless.com,
 * "Serverless messaging latency compared"), so 3 s is generous.
 */
const DEFAULT_TIMEOUT_MS = 3000;

/**
 * Switchback's events on EventBridge (source `switchback`), which the notifier and any subscriber consume.
 * Best effort by design: a failure is logged as a warning and swallowed.
 */
export class EventBridgeEvents implements EventsPort {
  readonly #client: EventBridgeClient;
  readonly #eventBusName: string;
  // The Powertools logger by default, or any `Log` (tests pass a silent one).
  readonly #log: Log | Logger;
  readonly #timeoutMs: number;

  constructor(options: { client?: EventBridgeClient; eventBusName?: string; log?: Log; timeoutMs?: number } = {}) {
    this.#client = options.client ?? eventbridgeClient();
    this.#eventBusName = options.eventBusName ?? config().EVENT_BUS_NAME;
    this.#log = options.log ?? logger;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /**
   * Puts one event on the bus. Never throws: an exception or a failed entry is logged (detail-type and error
   * name only; the detail may carry run data that does not belong in logs) and the caller carries on.
   */
  async publish(detailType: string, detail: object): Promise<void> {
    try {
      const result = await this.#client.send(
        new PutEventsCommand({
          Entries: [
            {
              Source: EVENT_SOURCE,
              DetailType: detailType,
              Detail: JSON.stringify(detail),
              EventBusName: this.#eventBusName,
            },
          ],
        }),
        { abortSignal: AbortSignal.timeout(this.#timeoutMs) },
      );
      if ((result.FailedEntryCount ?? 0) > 0) {
        const errorName = result.Entries?.[0]?.ErrorCode ?? 'FailedEntry';
        this.#log.warn('event not published', { detailType, errorName });
      }
    } catch (error) {
      this.#log.warn('event not published', { detailType, errorName: awsErrorName(error) });
    }
  }
}
