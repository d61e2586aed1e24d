import {
  ConflictException,
  GetRoutingControlStateCommand,
  type Route53RecoveryClusterClient,
  UpdateRoutingControlStatesCommand,
} from '@aws-sdk/client-route53-recovery-cluster';
import { RoutingControlAdapter } from '../../../../shared/aws/routing-control';
import type { ClusterEndpoint } from '../../../../shared/domain/ports';
import { EndpointUnreachableError } from '../../../../shared/errors';

const ARN = 'arn:aws:route53-recovery-control::123456789012:controlpanel/0a1b/routingcontrol/west1';
const ENDPOINTS: ClusterEndpoint[] = ['us-west-2', 'eu-west-1', 'us-east-1'].map((region) => ({
  region,
  url: `https://host-aaaaaa.${region}.example.aws/v1`,
}));

const timedOut = () =>
  Object.assign(new Error('a request has exceeded the configured 2000 ms requestTimeout.'), {
    name: 'TimeoutError',
    code: 'ETIMEDOUT',
    $metadata: {},
  });

/** One fake client per endpoint: `answers` says what each region's endpoint does with any command. */
const adapterWith = (answers: Record<string, (command: unknown) => unknown>) => {
  const sent: { region: string; command: string }[] = [];
  const adapter = new RoutingControlAdapter({
    client: (endpoint) =>
      ({
        send: async (command: { constructor: { name: string } }) => {
          sent.push({ region: endpoint.region, command: command.constructor.name });
          const answer = answers[endpoint.region];
          if (!answer) throw timedOut();
          return answer(command);
        },
      }) as unknown as Route53RecoveryClusterClient,
  });
  return { adapter, sent };
};

describe('RoutingControlAdapter', () => {
  it('moves on to the next endpoint when one does not answer, and reports the one that did', async () => {
    // Prepare
    const { adapter, sent } = adapterWith({ 'eu-west-1': () => ({}) });

    // Act
    const answered = await adapter.updateStates(ENDPOINTS, [{ arn: ARN, state: 'On' }]);

    // Assess
    expect(answered).toEqual({ region: 'eu-west-1' });
    expect(sent).toEqual([
      { region: 'us-west-2', command: UpdateRoutingControlStatesCommand.name },
      { region: 'eu-west-1', command: UpdateRoutingControlStatesCommand.name },
    ]);
  });

  it('throws EndpointUnreachableError naming every endpoint tried when none answers', async () => {
    // Prepare
    const { adapter } = adapterWith({});

    // Act
    const outcome = adapter.getStates(ENDPOINTS, [ARN]);

    // Assess
    await expect(outcome).rejects.toThrow(EndpointUnreachableError);
    await expect(outcome).rejects.toThrow(/us-west-2: TimeoutError, eu-west-1: TimeoutError, us-east-1: TimeoutError/);
  });

  it('stops at a refusal that another endpoint would repeat (a safety rule) instead of trying the next', async () => {
    // Prepare
    const refusal = new ConflictException({
      message: 'blocked by a safety rule',
      resourceId: ARN,
      resourceType: 'RoutingControl',
      $metadata: { httpStatusCode: 409 },
    });
    const { adapter, sent } = adapterWith({
      'us-west-2': () => {
        throw refusal;
      },
      'eu-west-1': () => ({}),
    });

    // Act
    const outcome = adapter.updateStates(ENDPOINTS, [{ arn: ARN, state: 'Off' }]);

    // Assess
    await expect(outcome).rejects.toBe(refusal);
    expect(sent).toHaveLength(1);
  });

  it('reads each routing control state from the first endpoint that answers', async () => {
    // Prepare
    const { adapter, sent } = adapterWith({ 'us-west-2': () => ({ RoutingControlState: 'On' }) });

    // Act
    const read = await adapter.getStates(ENDPOINTS, [ARN]);

    // Assess
    expect(read).toEqual({ region: 'us-west-2', states: { [ARN]: 'On' } });
    expect(sent).toEqual([{ region: 'us-west-2', command: GetRoutingControlStateCommand.name }]);
  });
});
