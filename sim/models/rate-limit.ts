/**
 * A token bucket, the way AWS APIs describe their request quotas: it holds at most `capacity` tokens (the burst),
 * refills at `refillPerSecond` up to that capacity, and each request takes one token; a request that finds no token
 * is refused. Time is the simulated clock's, in epoch milliseconds. A bucket starts full.
 */
export class TokenBucket {
  private tokens: number;
  private atMs: number;

  constructor(
    private capacity: number,
    private refillPerSecond: number,
    nowMs: number,
  ) {
    if (!(capacity >= 1) || !(refillPerSecond > 0)) {
      throw new RangeError(
        `a token bucket needs capacity >= 1 and a refill rate > 0 (got ${capacity}, ${refillPerSecond})`,
      );
    }
    this.tokens = capacity;
    this.atMs = nowMs;
  }

  /** The whole tokens in the bucket at `nowMs` (a request needs one). */
  available(nowMs: number): number {
    this.refill(nowMs);
    return Math.floor(this.tokens);
  }

  /** Takes one token, when there is one at `nowMs`; false (nothing taken) when the bucket is empty. */
  take(nowMs: number): boolean {
    this.refill(nowMs);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /**
   * Other callers of the same quota from `nowMs` on, who want more than it gives (a DNS controller, a deployment, a
   * script in a retry loop): they keep the bucket empty and take `perSecond` of every second's refill. What is left
   * to this caller is the rest of the refill, one token at a time as it arrives, with no burst: the bucket is empty
   * now and holds at most one token from here on; when they take the whole refill, nothing is left and every request
   * is refused. A modelling choice, for callers that share a quota and each ask for more than it gives.
   */
  shareWith(perSecond: number, nowMs: number): void {
    if (!(perSecond >= 0 && perSecond <= this.refillPerSecond)) {
      throw new RangeError(
        `other callers can take 0 up to the refill rate of ${this.refillPerSecond} a second (got ${perSecond})`,
      );
    }
    this.refill(nowMs);
    this.tokens = 0;
    this.capacity = 1;
    this.refillPerSecond -= perSecond;
  }

  private refill(nowMs: number): void {
    if (nowMs > this.atMs) {
      this.tokens = Math.min(this.capacity, this.tokens + ((nowMs - this.atMs) / 1000) * this.refillPerSecond);
      this.atMs = nowMs;
    }
  }
}

/** A request quota: a bucket's capacity (burst) and refill rate (sustained requests per second). */
export interface RequestQuota {
  capacity: number;
  refillPerSecond: number;
}

/**
 * Request-rate quotas in two levels, as Route 53 applies them: one bucket for every request of the account, and one
 * per operation (its own quota, or the default). A request takes a token from both, and is throttled when either is
 * empty, taking none. Without a default, an operation with no quota of its own has only the account's bucket (RDS:
 * one rate for every operation). Counts what it throttled, per operation.
 */
export class RequestRateLimits {
  private readonly account: TokenBucket;
  private readonly perOperation = new Map<string, TokenBucket>();
  /** Requests refused, per operation. */
  readonly throttled = new Map<string, number>();

  constructor(
    private readonly quotas: {
      account: RequestQuota;
      defaultOperation?: RequestQuota;
      operations?: Readonly<Record<string, RequestQuota>>;
    },
    private readonly now: () => number,
  ) {
    this.account = new TokenBucket(quotas.account.capacity, quotas.account.refillPerSecond, now());
  }

  /** Whether a request of `operation` is admitted now (tokens taken) or throttled (none taken, counted). */
  admit(operation: string): boolean {
    const nowMs = this.now();
    const bucket = this.bucketOf(operation, nowMs);
    if (this.account.available(nowMs) < 1 || (bucket && bucket.available(nowMs) < 1)) {
      this.throttled.set(operation, (this.throttled.get(operation) ?? 0) + 1);
      return false;
    }
    this.account.take(nowMs);
    bucket?.take(nowMs);
    return true;
  }

  /**
   * The account's other callers (the console, other tools) from now on, asking for more than the account's rate:
   * they take `perSecond` requests a second of it, and leave the rest without a burst (TokenBucket#shareWith).
   */
  shareWith(perSecond: number): void {
    this.account.shareWith(perSecond, this.now());
  }

  /** The operation's own bucket, made on its first request; undefined when it has no quota of its own. */
  private bucketOf(operation: string, nowMs: number): TokenBucket | undefined {
    let bucket = this.perOperation.get(operation);
    if (!bucket) {
      const quota = this.quotas.operations?.[operation] ?? this.quotas.defaultOperation;
      if (!quota) return undefined;
      bucket = new TokenBucket(quota.capacity, quota.refillPerSecond, nowMs);
      this.perOperation.set(operation, bucket);
    }
    return bucket;
  }
}
