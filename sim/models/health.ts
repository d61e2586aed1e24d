import type { Scheduler } from '../clock';
import type { Random } from '../random';
import type { TimingModel } from '../timing';

/**
 * Regions (up or down over virtual time) and the Route 53 health checks that watch each region's endpoint.
 */

/** A region outage: from `fromMs` until `toMs` (open-ended when absent), epoch ms. */
export interface Outage {
  region: string;
  fromMs: number;
  toMs?: number;
}

/** Which regions are down when. Outages are known up front (scenario) or added while the drill runs. */
export class Regions {
  private readonly outages: Outage[] = [];

  constructor(
    private readonly clock: Scheduler,
    readonly names: readonly string[],
  ) {}

  /** Declares an outage of `region` from `fromMs` (default now) until `toMs` (default: never ends). */
  addOutage(outage: Outage): void {
    if (!this.names.includes(outage.region)) {
      throw new RangeError(`region ${outage.region} is not one of the world's regions (${this.names.join(', ')})`);
    }
    if (outage.toMs !== undefined && outage.toMs <= outage.fromMs) {
      throw new RangeError(`outage of ${outage.region} must end after it starts`);
    }
    this.outages.push(outage);
    this.outages.sort((a, b) => a.fromMs - b.fromMs);
  }

  /** All outages, in start order. */
  list(): readonly Outage[] {
    return this.outages;
  }

  /** Whether `region` is down at `atMs` (default now). */
  isDown(region: string, atMs = this.clock.now()): boolean {
    return this.outageAt(region, atMs) !== undefined;
  }

  /** The outage of `region` that covers `atMs`, if any. */
  outageAt(region: string, atMs = this.clock.now()): Outage | undefined {
    return this.outages.find(
      (outage) =>
        outage.region === region && outage.fromMs <= atMs && (outage.toMs === undefined || atMs < outage.toMs),
    );
  }

  /** The first outage of `region` that starts at or after `fromMs`, if any. */
  firstOutage(region: string, fromMs = Number.NEGATIVE_INFINITY): Outage | undefined {
    return this.outages.find((outage) => outage.region === region && outage.fromMs >= fromMs);
  }
}

/** One evaluation of a health check: all checkers at that instant. */
export interface HealthSample {
  atMs: number;
  /** Share of checkers that saw the endpoint answer. */
  healthyShare: number;
  /** The health check's status after this evaluation (threshold applied). */
  healthy: boolean;
}

/**
 * A Route 53 health check on one region's endpoint. `healthy` is what the checkers see; what Route 53 reports (DNS
 * answers, the HealthCheckStatus metric) is that, inverted while `Inverted` is set (UpdateHealthCheck; Route 53
 * Developer Guide, "Values that you specify when you create or update health checks": Invert health check status).
 */
export class HealthCheck {
  healthy: boolean;
  readonly samples: HealthSample[] = [];
  /** HealthCheckVersion: 1 at creation, one more per UpdateHealthCheck. */
  version = 1;
  private consecutive = 0;
  /** Each change of `Inverted`, in time order. */
  private readonly inversions: { atMs: number; inverted: boolean }[] = [];

  constructor(
    readonly id: string,
    readonly region: string,
    /** The endpoint it checks, e.g. "us-east-1.api.orders.example.com". */
    readonly endpoint: string,
    /** Virtual time of the first check, epoch ms (a seeded phase within one interval). */
    readonly firstCheckMs: number,
    /** The status before the first check: false for an endpoint that was failing long before the drill began. */
    private readonly initiallyHealthy = true,
  ) {
    this.healthy = initiallyHealthy;
  }

  /**
   * Applies one check. Route 53 Developer Guide, "How Route 53 determines whether a health check is healthy":
   * each checker changes its view after `failureThreshold` consecutive results of the other kind, and the check is
   * healthy when more than 18% of checkers say so. All checkers see the same endpoint here, so they agree.
   */
  evaluate(atMs: number, endpointUp: boolean, timing: TimingModel['healthCheck']): HealthSample {
    const healthyShare = endpointUp ? 1 : 0;
    const passes = healthyShare > timing.healthyCheckerShare;
    if (passes === this.healthy) {
      this.consecutive = 0;
    } else {
      this.consecutive += 1;
      if (this.consecutive >= timing.failureThreshold) {
        this.healthy = passes;
        this.consecutive = 0;
      }
    }
    const sample = { atMs, healthyShare, healthy: this.healthy };
    this.samples.push(sample);
    return sample;
  }

  /** The health check's `Inverted` now. */
  get inverted(): boolean {
    return this.inversions.at(-1)?.inverted ?? false;
  }

  /** UpdateHealthCheck's `Inverted`, from `atMs` on. */
  setInverted(inverted: boolean, atMs: number): void {
    this.inversions.push({ atMs, inverted });
    this.version += 1;
  }

  /** `Inverted` at `atMs`. */
  invertedAt(atMs: number): boolean {
    let inverted = false;
    for (const change of this.inversions) {
      if (change.atMs > atMs) break;
      inverted = change.inverted;
    }
    return inverted;
  }

  /** What Route 53 reports now: the checkers' status, inverted while `Inverted` is set. */
  get reportedHealthy(): boolean {
    return this.healthy !== this.inverted;
  }

  /** Status at `atMs` from the samples so far (before the first sample, the status the check started with). */
  healthyAt(atMs: number): boolean {
    let healthy = this.initiallyHealthy;
    for (const sample of this.samples) {
      if (sample.atMs > atMs) break;
      healthy = sample.healthy;
    }
    return healthy;
  }

  /** The newest sample at or before `atMs`, if any. */
  lastSampleAt(atMs: number): HealthSample | undefined {
    let last: HealthSample | undefined;
    for (const sample of this.samples) {
      if (sample.atMs > atMs) break;
      last = sample;
    }
    return last;
  }

  /**
   * The HealthCheckStatus datapoint (Minimum statistic) of the period [fromMs, toMs): 0 if the check reported
   * unhealthy at any sample of it (inversion applied), else 1. Periods with no sample take the status at their start.
   */
  minimumStatus(fromMs: number, toMs: number): number {
    let min = this.healthyAt(fromMs) !== this.invertedAt(fromMs) ? 1 : 0;
    for (const sample of this.samples) {
      if (sample.atMs >= toMs) break;
      if (sample.atMs >= fromMs && sample.healthy === this.invertedAt(sample.atMs)) min = 0;
    }
    return min;
  }
}

/** The health checks of the world, one per region, evaluated every interval from a seeded phase. */
export class HealthChecks {
  readonly byRegion = new Map<string, HealthCheck>();
  private readonly pending = new Map<string, () => void>();

  constructor(
    private readonly clock: Scheduler,
    private readonly timing: TimingModel,
    private readonly regions: Regions,
    random: Random,
    endpoints: ReadonlyMap<string, string>,
    /** Health check ids a plan names (its `health-check-inverted` record fences), per region; else seeded UUIDs. */
    ids: ReadonlyMap<string, string> = new Map(),
    /**
     * Regions whose endpoint fails its health check throughout, its region up or not (the application there does not
     * answer Route 53's checkers: scaled to zero, a security group that blocks them): unhealthy from the start.
     */
    private readonly failingEndpoints: ReadonlySet<string> = new Set(),
  ) {
    const intervalMs = timing.healthCheck.intervalSeconds * 1000;
    // One check per application endpoint (the plan's regions), not per region the world knows (us-east-1 may be
    // there for its control planes alone).
    for (const [index, region] of [...endpoints.keys()].entries()) {
      const id = ids.get(region) ?? random.uuidAt('health-check', index);
      const phase = Math.floor(random.next() * intervalMs);
      this.byRegion.set(
        region,
        new HealthCheck(
          id,
          region,
          endpoints.get(region) ?? `${region}.endpoint`,
          clock.now() + phase,
          !failingEndpoints.has(region),
        ),
      );
    }
  }

  /** Starts the periodic checks. */
  start(): void {
    for (const check of this.byRegion.values()) this.scheduleCheck(check, check.firstCheckMs);
  }

  /** Stops the periodic checks (the drill is over). */
  stop(): void {
    for (const cancel of this.pending.values()) cancel();
    this.pending.clear();
  }

  /** The health check with this id, if any. */
  byId(id: string): HealthCheck | undefined {
    return [...this.byRegion.values()].find((check) => check.id === id);
  }

  /** The health check of `region`; throws if the world has none there. */
  of(region: string): HealthCheck {
    const check = this.byRegion.get(region);
    if (!check) throw new RangeError(`no health check for region ${region}`);
    return check;
  }

  private scheduleCheck(check: HealthCheck, atMs: number): void {
    this.pending.set(
      check.id,
      this.clock.schedule(atMs, () => {
        const endpointUp = !this.failingEndpoints.has(check.region) && !this.regions.isDown(check.region, atMs);
        check.evaluate(atMs, endpointUp, this.timing.healthCheck);
        this.scheduleCheck(check, atMs + this.timing.healthCheck.intervalSeconds * 1000);
      }),
    );
  }
}
