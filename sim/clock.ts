import { install } from '@sinonjs/fake-timers';
import { SimStallError } from './errors';

/**
 * The drill's virtual clock. It fakes `Date` and the timer functions of the whole process (handlers, the local
 * Step Functions interpreter's Wait states and retry pauses, Powertools), so a ten-minute failover replays in about a
 * second, and the same seed gives the same times to the millisecond.
 *
 * Time only moves in `runUntil`: it lets every piece of work settle (promise chains, and real I/O registered with
 * `track`, such as loopback DynamoDB calls), then jumps to the next due timer, and repeats. It never advances while
 * tracked work is in flight, which is what makes runs deterministic.
 *
 * `setImmediate`, `process.nextTick`, `queueMicrotask` and `performance` stay real: the clock needs them to tell
 * "settled" from "busy".
 */

/** What the world's models need from a clock: the virtual time and one-shot timers. */
export interface Scheduler {
  /** Virtual epoch milliseconds. */
  now(): number;
  /** Calls `fn` when virtual time reaches `atMs` (at once on the next advance, if that is already past). */
  schedule(atMs: number, fn: () => void): Cancel;
}

/** Cancels a scheduled call; calling it after the call ran does nothing. */
export type Cancel = () => void;

export interface VirtualClockOptions {
  /** Virtual start time, epoch ms, e.g. `Date.UTC(2026, 0, 15, 3, 0, 0)`. */
  startMs: number;
  /** Consecutive quiet macrotask turns that count as "settled". Default 5. */
  settleTurns?: number;
  /** Real milliseconds that tracked work may take before the drill is declared stalled. Default 30000. */
  maxRealWaitMs?: number;
}

/** Why `runUntil` returned. */
export interface RunUntilResult {
  reason: 'predicate' | 'deadline' | 'idle';
  /** Virtual time when it returned, epoch ms. */
  atMs: number;
  /** Timers fired (virtual steps taken). */
  steps: number;
}

type RealSetImmediate = (callback: () => void) => unknown;
type RealSetTimeout = (callback: () => void, ms: number) => unknown;
type RealClearTimeout = (handle: unknown) => void;

/** A virtual clock installed over the process's timers. Build it with `VirtualClock.install`. */
export class VirtualClock implements Scheduler {
  private readonly fake: ReturnType<typeof install>;
  private readonly realSetImmediate: RealSetImmediate;
  private readonly realSetTimeout: RealSetTimeout;
  private readonly realClearTimeout: RealClearTimeout;
  private readonly settleTurns: number;
  private readonly maxRealWaitMs: number;
  private readonly inFlight = new Map<number, { label: string; done: Promise<unknown> }>();
  private nextTrackId = 0;
  private installed = true;
  private stopped: Error | undefined;
  private wakeUp: (() => void) | undefined;

  private constructor(options: VirtualClockOptions) {
    // Captured before the fake is installed: these keep real time even if a caller fakes more than we do.
    this.realSetImmediate = globalThis.setImmediate.bind(globalThis) as RealSetImmediate;
    this.realSetTimeout = globalThis.setTimeout.bind(globalThis) as unknown as RealSetTimeout;
    this.realClearTimeout = globalThis.clearTimeout.bind(globalThis) as unknown as RealClearTimeout;
    this.settleTurns = options.settleTurns ?? 5;
    this.maxRealWaitMs = options.maxRealWaitMs ?? 30_000;
    this.fake = install({
      now: options.startMs,
      toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'],
      // The SDK's HTTP handler clears timer ids it never set (-1): pass those to the real clearTimeout, quietly.
      shouldClearNativeTimers: true,
    });
  }

  /**
   * Fakes Date and timers for the whole process, starting at `startMs`. Throws if a virtual clock is already
   * installed (two would fight over the globals). Call `uninstall()` when the drill ends.
   */
  static install(options: VirtualClockOptions): VirtualClock {
    if (!Number.isFinite(options.startMs)) {
      throw new RangeError(`startMs must be epoch milliseconds, got ${String(options.startMs)}`);
    }
    if ((Date as unknown as { isFake?: boolean }).isFake === true) {
      throw new Error('A virtual clock is already installed: uninstall it before installing another.');
    }
    return new VirtualClock(options);
  }

  /** Virtual epoch milliseconds. */
  now(): number {
    return this.fake.now;
  }

  /** Virtual now as a Date. */
  date(): Date {
    return new Date(this.fake.now);
  }

  /** Runs `fn` at virtual time `atMs`. Timers due at the same time run in the order they were scheduled. */
  schedule(atMs: number, fn: () => void): Cancel {
    const handle = this.fake.setTimeout(fn, Math.max(0, atMs - this.fake.now));
    return () => this.fake.clearTimeout(handle);
  }

  /** A promise that resolves after `ms` of virtual time. Never `track` it: it waits on virtual time. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.fake.setTimeout(() => resolve(), Math.max(0, ms));
    });
  }

  /**
   * Marks `promise` as work in flight (real I/O: a loopback DynamoDB call) until it settles; time does not advance
   * meanwhile. Returns the same promise. Do not track work that waits on virtual time: it would never finish.
   */
  track<T>(promise: Promise<T>, label = 'work'): Promise<T> {
    const id = this.nextTrackId++;
    const done = promise.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight.set(id, { label, done });
    void done.then(() => this.inFlight.delete(id));
    return promise;
  }

  /** Number of tracked pieces of work in flight. */
  busy(): number {
    return this.inFlight.size;
  }

  /** The labels of the tracked work in flight (what a stuck drill waits on). */
  inFlightLabels(): string[] {
    return [...this.inFlight.values()].map((work) => work.label);
  }

  /** Waits `ms` of real time (virtual time does not move meanwhile). */
  realDelay(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.realSetTimeout(resolve, ms);
    });
  }

  /** Waits (in real time) until nothing is tracked for `settleTurns` consecutive macrotask turns. */
  async settle(): Promise<void> {
    const started = performance.now();
    let quiet = 0;
    while (quiet < this.settleTurns) {
      if (this.stopped) throw this.stopped;
      if (this.inFlight.size > 0) {
        quiet = 0;
        const left = this.maxRealWaitMs - (performance.now() - started);
        if (left <= 0) {
          throw new SimStallError(
            this.maxRealWaitMs,
            [...this.inFlight.values()].map((work) => work.label),
          );
        }
        await this.waitForAnyInFlight(left);
      } else {
        await new Promise<void>((resolve) => this.realSetImmediate(resolve));
        if (this.inFlight.size === 0) quiet += 1;
      }
    }
  }

  /**
   * Runs the simulation: settle, check `predicate`, jump to the next due timer, repeat. Returns when the
   * predicate holds, when `maxVirtualMs` of virtual time have passed (default one day), or when no timer is left.
   */
  async runUntil(predicate: () => boolean, options: { maxVirtualMs?: number } = {}): Promise<RunUntilResult> {
    const deadline = this.fake.now + (options.maxVirtualMs ?? 24 * 3600 * 1000);
    let deadlinePending = true;
    // A sentinel timer, so the deadline is reached exactly, between the timers that are due before and after it.
    const cancelDeadline = this.schedule(deadline, () => {
      deadlinePending = false;
    });
    let steps = 0;
    try {
      for (;;) {
        await this.settle();
        if (this.stopped) throw this.stopped;
        // Finish the current instant first: the predicate sees time only between instants, never halfway.
        if (this.dueNow()) {
          this.fake.next();
          steps += 1;
          continue;
        }
        if (predicate()) return { reason: 'predicate', atMs: this.fake.now, steps };
        if (!deadlinePending) return { reason: 'deadline', atMs: this.fake.now, steps };
        if (this.fake.countTimers() <= 1) return { reason: 'idle', atMs: this.fake.now, steps };
        this.fake.next();
        steps += 1;
      }
    } finally {
      cancelDeadline();
    }
  }

  /**
   * Stops the simulation: `runUntil` and `settle`, now and later, reject with `error` at once (a drill's
   * wall-clock guard stops the drill it gave up on, so that nothing of it keeps running).
   */
  stop(error: Error): void {
    this.stopped = error;
    this.wakeUp?.();
  }

  /** Restores real time and timers. Pending virtual timers are dropped. */
  uninstall(): void {
    if (!this.installed) return;
    this.installed = false;
    this.fake.uninstall();
  }

  /**
   * Whether a timer is due at the current instant. Reads the fake clock's timer heap (fake-timers 15 keeps its
   * timers there); without it, instants are not finished before the predicate is checked, which stays deterministic.
   */
  private dueNow(): boolean {
    const heap = (this.fake as unknown as { timerHeap?: { peek(): { callAt: number } | undefined } }).timerHeap;
    const callAt = heap?.peek()?.callAt;
    return callAt !== undefined && callAt <= this.fake.now;
  }

  private waitForAnyInFlight(maxMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = () => {
        this.realClearTimeout(timer);
        this.wakeUp = undefined;
        resolve();
      };
      const timer = this.realSetTimeout(wake, maxMs);
      this.wakeUp = wake;
      void Promise.race([...this.inFlight.values()].map((work) => work.done)).then(wake);
    });
  }
}
