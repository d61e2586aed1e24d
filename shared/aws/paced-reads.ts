import { isThrottling } from './aws-errors';

export interface PacedReadsOptions {
  /** Reads in flight at once through this instance; the next waits for one to end. */
  maxInFlight: number;
  /** How long after its first try a throttled read may still be tried again, ms. */
  budgetMs: number;
  /** The pause before the first try again, ms: each pause is drawn up to it (full jitter), and it doubles. */
  firstPauseMs: number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Reads of an API whose request rate the whole account shares (Route 53's: 10 requests a second and a burst of 50 for
 * every caller of the account together, aws-facts.md), made many at once by one handler (a read per record pair).
 * At most `maxInFlight` run at a time through one instance (one per adapter), and a read refused for the rate even after the SDK's own
 * attempts is tried again after a jittered pause that doubles, while it is within `budgetMs` of its first try.
 * Without it, a handler that reads 20 pairs at once fails when any one read is throttled, and each retry of the
 * step sends all 20 again: under a busy account it never gets through (drill scenario route53-api-busy).
 * A read is safe to repeat. So is a request the API throttled, a write too: it was refused before anything was done, so
 * the RDS adapter sends its writes through here as well (a Map that promotes 40 databases at once, each read and
 * promote call on its own, had some throttled past the state machine's retries, each retry reading again first).
 */
export class PacedReads {
  private inFlight = 0;
  private readonly queue: (() => void)[] = [];
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: PacedReadsOptions) {
    // Math.random read at each draw, not here: a drill seeds it after this module is loaded.
    this.random = options.random ?? (() => Math.random());
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Runs `read` in its turn; a throttled read is tried again within the budget, any other error is thrown. */
  async run<T>(read: () => Promise<T>): Promise<T> {
    // The budget counts from the read's first try, not from when it was queued behind the reads in flight: a handler
    // that reads 80 databases at once would otherwise spend the budgets of the last ones waiting for their turn.
    let started: number | undefined;
    let pauseMs = this.options.firstPauseMs;
    for (;;) {
      await this.turn();
      started ??= Date.now();
      try {
        return await read();
      } catch (error) {
        if (!isThrottling(error) || Date.now() - started + pauseMs > this.options.budgetMs) throw error;
      } finally {
        this.done();
      }
      await this.sleep(this.random() * pauseMs);
      pauseMs *= 2;
    }
  }

  private async turn(): Promise<void> {
    if (this.inFlight < this.options.maxInFlight) {
      this.inFlight += 1;
      return;
    }
    // The slot is handed over by `done`: inFlight stays counted for the waiter.
    await new Promise<void>((resolve) => this.queue.push(resolve));
  }

  private done(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.inFlight -= 1;
  }
}
