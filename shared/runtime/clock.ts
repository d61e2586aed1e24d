/** Time, as use cases see it. In AWS this is the system clock; a drill replaces `Date` with a virtual clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Seconds (with fractions) between two ISO times (or Dates), never negative. */
export const secondsBetween = (from: string | Date, to: string | Date): number =>
  Math.max(0, (new Date(to).getTime() - new Date(from).getTime()) / 1000);
