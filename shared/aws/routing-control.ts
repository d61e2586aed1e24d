import {
  GetRoutingControlStateCommand,
  type Route53RecoveryClusterClient,
  UpdateRoutingControlStatesCommand,
} from '@aws-sdk/client-route53-recovery-cluster';
import type { ClusterEndpoint, RoutingControlPort, RoutingControlState } from '../domain/ports';
import { EndpointUnreachableError, SwitchbackError } from '../errors';
import { isThrottling, isUnreachable, toSwitchbackError } from './aws-errors';
import { routingControlClient } from './sdk/routing-control';

const SERVICE = 'route53-recovery-cluster';

/**
 * Whether another endpoint may succeed where this one failed: no answer, throttling (3 mutating calls a second per
 * cluster endpoint: ARC Developer Guide, "Quotas for routing control"), or the endpoint's own server error. A refusal of the request itself
 * (a safety rule, ConflictException; a wrong ARN, ResourceNotFoundException; AccessDenied) would be the same anywhere.
 */
const tryNext = (error: unknown): boolean => {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  return (
    isUnreachable(error) ||
    isThrottling(error) ||
    (typeof status === 'number' && status >= 500) ||
    (error as { name?: string } | null)?.name === 'EndpointTemporarilyUnavailableException'
  );
};

/**
 * RoutingControlPort over the ARC routing control data plane (Route53RecoveryClusterClient), one client per
 * cluster endpoint. The ARC Developer Guide ("Data and control planes for routing control") tells to try the five
 * regional endpoints in turn: each gets one short attempt (shared/aws/clients.ts, `routingControl`), then the next.
 */
export class RoutingControlAdapter implements RoutingControlPort {
  private readonly client: (endpoint: ClusterEndpoint) => Route53RecoveryClusterClient;

  /** @param deps.client - the client of one endpoint; defaults to the shared ones (built once per endpoint). */
  constructor(deps: { client?: (endpoint: ClusterEndpoint) => Route53RecoveryClusterClient } = {}) {
    this.client = deps.client ?? ((endpoint) => routingControlClient(endpoint.region, endpoint.url));
  }

  async updateStates(
    endpoints: readonly ClusterEndpoint[],
    states: readonly { arn: string; state: RoutingControlState }[],
  ): Promise<{ region: string }> {
    return this.onFirstAnswering(endpoints, 'UpdateRoutingControlStates', async (client) => {
      await client.send(
        new UpdateRoutingControlStatesCommand({
          UpdateRoutingControlStateEntries: states.map((entry) => ({
            RoutingControlArn: entry.arn,
            RoutingControlState: entry.state,
          })),
        }),
      );
    });
  }

  async getStates(
    endpoints: readonly ClusterEndpoint[],
    arns: readonly string[],
  ): Promise<{ region: string; states: Record<string, RoutingControlState> }> {
    const states: Record<string, RoutingControlState> = {};
    const { region } = await this.onFirstAnswering(endpoints, 'GetRoutingControlState', async (client) => {
      for (const arn of arns) {
        const out = await client.send(new GetRoutingControlStateCommand({ RoutingControlArn: arn }));
        states[arn] = out.RoutingControlState === 'On' ? 'On' : 'Off';
      }
    });
    return { region, states };
  }

  private async onFirstAnswering(
    endpoints: readonly ClusterEndpoint[],
    operation: string,
    call: (client: Route53RecoveryClusterClient) => Promise<void>,
  ): Promise<{ region: string }> {
    const failures: string[] = [];
    let last: unknown;
    for (const endpoint of endpoints) {
      try {
        await call(this.client(endpoint));
        return { region: endpoint.region };
      } catch (error) {
        if (!tryNext(error)) throw toSwitchbackError(SERVICE, operation, error);
        last = error;
        failures.push(`${endpoint.region}: ${error instanceof Error ? error.name : String(error)}`);
      }
    }
    if (last === undefined) throw new SwitchbackError(`${SERVICE} ${operation}: the plan lists no cluster endpoint`);
    throw new EndpointUnreachableError(
      SERVICE,
      `${operation} on every cluster endpoint (${failures.join(', ')})`,
      last,
    );
  }
}
