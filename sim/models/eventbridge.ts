import type { Scheduler } from '../clock';

/**
 * The simulated event bus: AWS events (CloudWatch alarm state changes) and the product's own PutEvents land here,
 * are recorded with their virtual time, and are delivered to subscribers after the modelled EventBridge-to-Lambda
 * latency. Delivery is at least once in AWS; here it is exactly once, and tests that need duplicates publish twice.
 */

/** An EventBridge event as a Lambda target receives it. */
export interface BusEvent<TDetail = unknown> {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: TDetail;
}

/**
 * An EventBridge event pattern (subset): each key's value is either a list of accepted values, or a nested
 * pattern for an object field. `{ source: ['aws.cloudwatch'], detail: { alarmName: ['orders-primary-health'] } }`.
 */
export type EventPattern = { [key: string]: readonly unknown[] | EventPattern };

/** One event on the bus, with when and how it got there. */
export interface BusRecord {
  atMs: number;
  /** "aws" for events AWS emits (alarms), "put-events" for PutEvents calls. */
  via: 'aws' | 'put-events';
  event: BusEvent;
}

/** One delivery of an event to a subscriber, and how the subscriber's handler ended. */
export interface Delivery {
  atMs: number;
  subscriber: string;
  eventId: string;
  outcome: 'pending' | 'succeeded' | 'failed';
  error?: string;
}

type Subscriber = { name: string; pattern: EventPattern; handler: (event: BusEvent) => unknown };

/** True when `value` matches `pattern` (EventBridge's exact-value matching, nested). */
export const matchesPattern = (pattern: EventPattern, value: unknown): boolean => {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = record[key];
    if (Array.isArray(expected)) {
      return Array.isArray(actual) ? actual.some((item) => expected.includes(item)) : expected.includes(actual);
    }
    return matchesPattern(expected as EventPattern, actual);
  });
};

export class EventBus {
  /** Every event, in the order it reached the bus. */
  readonly events: BusRecord[] = [];
  /** Every delivery to a subscriber, in order. */
  readonly deliveries: Delivery[] = [];
  private readonly subscribers: Subscriber[] = [];
  private scheduled = 0;

  constructor(
    private readonly clock: Scheduler,
    private readonly deliveryMs: () => number,
  ) {}

  /**
   * Calls `handler` with every event matching `pattern`, `deliveryMs` after it reaches the bus (the runner
   * subscribes the real on-health-alarm handler). The handler's promise is not tracked: when it ends, the
   * delivery record says how. Returns an unsubscribe function.
   */
  subscribe(pattern: EventPattern, handler: (event: BusEvent) => unknown, name = 'subscriber'): () => void {
    const subscriber = { name, pattern, handler };
    this.subscribers.push(subscriber);
    return () => {
      const index = this.subscribers.indexOf(subscriber);
      if (index >= 0) this.subscribers.splice(index, 1);
    };
  }

  /** Puts an event on the bus now and schedules its deliveries. */
  publish(event: BusEvent, via: BusRecord['via']): void {
    const atMs = this.clock.now();
    this.events.push({ atMs, via, event });
    for (const subscriber of this.subscribers) {
      if (!matchesPattern(subscriber.pattern, event)) continue;
      const deliverAt = atMs + this.deliveryMs();
      this.scheduled += 1;
      this.clock.schedule(deliverAt, () => {
        this.scheduled -= 1;
        this.deliver(subscriber, event, deliverAt);
      });
    }
  }

  /** Deliveries due but not yet made: events on the bus that have not reached a matching subscriber yet. */
  get undelivered(): number {
    return this.scheduled;
  }

  /** True when every event has reached its subscribers and every subscriber's handler has ended. */
  get quiet(): boolean {
    return this.scheduled === 0 && this.deliveries.every((delivery) => delivery.outcome !== 'pending');
  }

  /** Events whose fields match `pattern`. */
  find(pattern: EventPattern): BusEvent[] {
    return this.events.filter((record) => matchesPattern(pattern, record.event)).map((record) => record.event);
  }

  private deliver(subscriber: Subscriber, event: BusEvent, atMs: number): void {
    const delivery: Delivery = { atMs, subscriber: subscriber.name, eventId: event.id, outcome: 'pending' };
    this.deliveries.push(delivery);
    // A copy, as Lambda receives a fresh deserialized payload: a handler must not change what others see.
    Promise.resolve()
      .then(() => subscriber.handler(structuredClone(event)))
      .then(
        () => {
          delivery.outcome = 'succeeded';
        },
        (error: unknown) => {
          delivery.outcome = 'failed';
          delivery.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        },
      );
  }
}
