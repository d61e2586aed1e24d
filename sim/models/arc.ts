import { awsError } from '../errors';
import { type RequestQuota, TokenBucket } from './rate-limit';

/**
 * Route 53 Application Recovery Controller routing controls (aws-facts.md: ARC Developer Guide, "Data and control
 * planes for routing control"; Routing Control API reference): on/off switches read and written on any of the
 * cluster's regional endpoints (the data plane; the world takes an endpoint down with its region), a safety rule
 * that keeps at least one control On (an update that would leave none On is refused with ConflictException), and
 * one health check per routing control whose status is the control's state: Route 53's failover records carry
 * those health checks, so DNS answers follow the controls. Modelling choice: the health checks follow a change at
 * once (the facts sheet gives no figure for it); the record TTL still applies to resolvers.
 *
 * ARC's quotas on the data plane (ARC Developer Guide, "Quotas for routing control"): each cluster endpoint takes at
 * most 3 mutating calls a second (ThrottlingException past that: another endpoint may take the call), and an
 * UpdateRoutingControlStates call sets at most 10 routing controls (ServiceLimitExceededException).
 */

/**
 * Mutating API calls to one cluster endpoint: 3 a second (ARC Developer Guide, "Quotas for routing control").
 * Modelling choice: a burst of the same 3 (the guide gives no burst).
 */
export const ARC_WRITES_PER_ENDPOINT: RequestQuota = { capacity: 3, refillPerSecond: 3 };
/** Routing controls one UpdateRoutingControlStates call may set (the same quotas page). */
export const ARC_CONTROLS_PER_UPDATE = 10;

export type RoutingControlState = 'On' | 'Off';

export interface RoutingControl {
  arn: string;
  state: RoutingControlState;
  /** The ARC health check that Route 53 records carry for this routing control. */
  healthCheckId: string;
}

export class ArcModel {
  readonly controls = new Map<string, RoutingControl>();
  /** Each cluster endpoint's bucket of mutating calls, by the endpoint's region (made on its first call). */
  private readonly writeRates = new Map<string, TokenBucket>();
  /** Mutating calls refused for the rate, by the endpoint's region. */
  readonly throttled = new Map<string, number>();

  /** @param now - the simulated clock, in epoch milliseconds (the write quota is per second). */
  constructor(private readonly now: () => number = Date.now) {}

  /**
   * A mutating call (UpdateRoutingControlState or UpdateRoutingControlStates) reaching the cluster endpoint in
   * `region`: takes one of its writes, or throws ThrottlingException (HTTP 429) when the endpoint has none left this
   * second, and counts it.
   */
  admitWrite(region: string): void {
    if (this.writeRate(region).take(this.now())) return;
    this.throttled.set(region, (this.throttled.get(region) ?? 0) + 1);
    throw awsError('Route53RecoveryClusterClient', {
      code: 'ThrottlingException',
      message: `Rate exceeded: the cluster endpoint in ${region} takes ${ARC_WRITES_PER_ENDPOINT.refillPerSecond} mutating calls a second`,
      status: 429,
    });
  }

  /**
   * Other writers of the cluster endpoint in `region` from now on (other applications failing over through the same
   * cluster, which all try the same endpoint first): they take `perSecond` of its writes and leave the rest, without
   * a burst (TokenBucket#shareWith); all of them when `perSecond` is the quota's 3.
   */
  otherWriters(region: string, perSecond: number): void {
    this.writeRate(region).shareWith(perSecond, this.now());
  }

  /** Adds a routing control, On by default (both regions serve before a failover). */
  addControl(arn: string, healthCheckId: string, state: RoutingControlState = 'On'): RoutingControl {
    const control = { arn, state, healthCheckId };
    this.controls.set(arn, control);
    return control;
  }

  /** GetRoutingControlState. */
  get(arn: string): {
    RoutingControlArn: string;
    RoutingControlState: RoutingControlState;
    RoutingControlName: string;
  } {
    const control = this.control(arn);
    return {
      RoutingControlArn: arn,
      RoutingControlState: control.state,
      RoutingControlName: arn.split('/').pop() ?? arn,
    };
  }

  /** UpdateRoutingControlStates: the whole batch is judged by the safety rule, then applied at once. */
  update(entries: readonly { RoutingControlArn?: string; RoutingControlState?: string }[]): void {
    if (entries.length > ARC_CONTROLS_PER_UPDATE) {
      throw awsError('Route53RecoveryClusterClient', {
        code: 'ServiceLimitExceededException',
        message: `The request can't update that many routing control states at the same time (${entries.length}, at most ${ARC_CONTROLS_PER_UPDATE}). Try again with fewer routing control states.`,
        status: 402,
      });
    }
    const next = new Map([...this.controls.values()].map((control) => [control.arn, control.state]));
    for (const entry of entries) {
      const control = this.control(entry.RoutingControlArn ?? '');
      if (entry.RoutingControlState !== 'On' && entry.RoutingControlState !== 'Off') {
        throw awsError('Route53RecoveryClusterClient', {
          code: 'ValidationException',
          message: `RoutingControlState must be On or Off, got ${String(entry.RoutingControlState)}`,
        });
      }
      next.set(control.arn, entry.RoutingControlState);
    }
    if (this.controls.size > 0 && ![...next.values()].includes('On')) {
      throw awsError('Route53RecoveryClusterClient', {
        code: 'ConflictException',
        message: 'The update was blocked by a safety rule: at least one routing control must be On.',
        status: 409,
      });
    }
    for (const [arn, state] of next) this.control(arn).state = state;
  }

  /** The health status of an ARC health check (healthy when its routing control is On); undefined if not ARC's. */
  healthOf(healthCheckId: string): boolean | undefined {
    for (const control of this.controls.values()) {
      if (control.healthCheckId === healthCheckId) return control.state === 'On';
    }
    return undefined;
  }

  private writeRate(region: string): TokenBucket {
    let bucket = this.writeRates.get(region);
    if (!bucket) {
      bucket = new TokenBucket(ARC_WRITES_PER_ENDPOINT.capacity, ARC_WRITES_PER_ENDPOINT.refillPerSecond, this.now());
      this.writeRates.set(region, bucket);
    }
    return bucket;
  }

  private control(arn: string): RoutingControl {
    const control = this.controls.get(arn);
    if (!control) {
      throw awsError('Route53RecoveryClusterClient', {
        code: 'ResourceNotFoundException',
        message: `Routing control ${arn} does not exist.`,
        status: 404,
      });
    }
    return control;
  }
}
