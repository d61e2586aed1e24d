import type { Scheduler } from '../../sim/clock';

/** A hand-driven Scheduler for the simulator's models: `advanceTo` runs the due timers in time order. */
export class StepClock implements Scheduler {
  private timers: { atMs: number; fn: () => void }[] = [];
  constructor(private nowMs: number) {}
  now(): number {
    return this.nowMs;
  }
  schedule(atMs: number, fn: () => void) {
    const timer = { atMs, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }
  /** Timers not yet run. */
  get pending(): number {
    return this.timers.length;
  }
  advanceTo(atMs: number): void {
    for (;;) {
      const due = this.timers.filter((t) => t.atMs <= atMs).sort((a, b) => a.atMs - b.atMs)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.nowMs = due.atMs;
      due.fn();
    }
    this.nowMs = atMs;
  }
}
