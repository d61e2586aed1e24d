import { awsError } from '../errors';

/**
 * Route 53 Application Recovery Controller routing controls (aws-facts.md: ARC Developer Guide, "Data and control
 * planes for routing control"; Routing Control API reference): on/off switches read and written on any of the
 * cluster's regional endpoints (the data plane; the world takes an endpoint down with its region), a safety rule
 * that keeps at least one control On (an update that would leave none On is refused with ConflictException), and
 * one health check per routing control whose status is the control's state: Route 53's failover records carry
 * those health checks, so DNS answers follow the controls. Modelling choice: the health checks follow a change at
 * once (the facts sheet gives no figure for it); the record TTL still applies to resolvers.
 */

export type RoutingControlState = 'On' | 'Off';

export interface RoutingControl {
  arn: string;
  state: RoutingControlState;
  /** The ARC health check that Route 53 records carry for this routing control. */
  healthCheckId: string;
}

export class ArcModel {
  readonly controls = new Map<string, RoutingControl>();

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
