import { join } from 'node:path';
import {
  GetRoutingControlStateCommand,
  Route53RecoveryClusterClient,
  ThrottlingException,
  UpdateRoutingControlStatesCommand,
} from '@aws-sdk/client-route53-recovery-cluster';
import { CLIENT_TIMEOUTS, timeoutOptions } from '../../../../shared/aws/clients';
import { loadPlanFile } from '../../../../shared/plan/load';
import { ARC_CONTROLS_PER_UPDATE, ArcModel } from '../../../../sim/models/arc';
import { createSimPlugin } from '../../../../sim/sdk-plugin';
import { type SimHarness, startSim } from '../fixture';

const EAST = 'arn:aws:route53-recovery-control::123456789012:controlpanel/0a1b2c3d4e5f/routingcontrol/east0a1b2c3d';
const WEST = 'arn:aws:route53-recovery-control::123456789012:controlpanel/0a1b2c3d4e5f/routingcontrol/west0a1b2c3d';
const credentials = { accessKeyId: 'sim', secretAccessKey: 'sim' };

describe('ArcModel', () => {
  it('refuses with ConflictException an update that would leave every routing control Off (safety rule)', () => {
    // Prepare
    const arc = new ArcModel();
    arc.addControl(EAST, 'hc-east');
    arc.addControl(WEST, 'hc-west', 'Off');

    // Act
    const act = () => arc.update([{ RoutingControlArn: EAST, RoutingControlState: 'Off' }]);

    // Assess
    expect(act).toThrow(expect.objectContaining({ name: 'ConflictException' }));
    expect(arc.get(EAST).RoutingControlState).toBe('On');
  });

  it('applies a batch that swaps two controls and reports the health of their checks', () => {
    // Prepare
    const arc = new ArcModel();
    arc.addControl(EAST, 'hc-east');
    arc.addControl(WEST, 'hc-west', 'Off');

    // Act
    arc.update([
      { RoutingControlArn: WEST, RoutingControlState: 'On' },
      { RoutingControlArn: EAST, RoutingControlState: 'Off' },
    ]);

    // Assess
    expect([arc.healthOf('hc-east'), arc.healthOf('hc-west'), arc.healthOf('other')]).toEqual([false, true, undefined]);
  });

  it('takes 3 mutating calls a second per cluster endpoint and throttles the next, while another endpoint takes it', () => {
    // Prepare
    let now = 0;
    const arc = new ArcModel(() => now);
    const write = (region: string) => {
      try {
        arc.admitWrite(region);
        return 'taken';
      } catch (error) {
        return `${(error as Error).name} ${(error as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode}`;
      }
    };

    // Act
    const west = [write('us-west-2'), write('us-west-2'), write('us-west-2'), write('us-west-2')];
    const europe = write('eu-west-1');
    now = 333;
    const after333ms = write('us-west-2');
    now = 334;
    const after334ms = write('us-west-2');

    // Assess: a token every third of a second, counted per endpoint
    expect(west).toEqual(['taken', 'taken', 'taken', 'ThrottlingException 429']);
    expect(europe).toBe('taken');
    expect(after333ms).toBe('ThrottlingException 429');
    expect(after334ms).toBe('taken');
    expect([...arc.throttled]).toEqual([['us-west-2', 2]]);
  });

  it('throttles every write of an endpoint whose whole rate other writers take, and no other endpoint', () => {
    // Prepare
    let now = 0;
    const arc = new ArcModel(() => now);
    arc.otherWriters('us-west-2', 3);

    // Act
    now = 60_000;
    const west = () => arc.admitWrite('us-west-2');
    const europe = () => arc.admitWrite('eu-west-1');

    // Assess
    expect(west).toThrow(expect.objectContaining({ name: 'ThrottlingException' }));
    expect(europe).not.toThrow();
  });

  it('refuses an update of more than 10 routing controls with ServiceLimitExceededException, changing none', () => {
    // Prepare
    const arc = new ArcModel();
    const arns = Array.from({ length: ARC_CONTROLS_PER_UPDATE + 1 }, (_, i) => `${EAST}-${i}`);
    for (const arn of arns) arc.addControl(arn, `hc-${arn}`);

    // Act
    const act = () => arc.update(arns.map((arn) => ({ RoutingControlArn: arn, RoutingControlState: 'Off' })));

    // Assess
    expect(act).toThrow(expect.objectContaining({ name: 'ServiceLimitExceededException' }));
    expect(arns.map((arn) => arc.get(arn).RoutingControlState)).toEqual(arns.map(() => 'On'));
  });
});

describe('routing control endpoints in the simulated world', () => {
  let sim: SimHarness;
  const client = (region: string) => {
    const built = new Route53RecoveryClusterClient({
      region,
      credentials,
      endpoint: `https://host-aaaaaa.${region}.example.aws/v1`,
      // The product's client: one attempt, and its timeouts (shared/aws/sdk/registry.ts).
      ...timeoutOptions('routingControl'),
    });
    built.middlewareStack.use(createSimPlugin(sim.world));
    return built;
  };

  beforeEach(() => {
    sim = startSim('us-east-1-outage', { plan: loadPlanFile(join(__dirname, '../../../../plans/example-arc.yml')) });
  });

  afterEach(() => sim.close());

  it('answers on the us-west-2 endpoint and switches DNS answers, while us-east-1 is down', async () => {
    // Prepare
    await sim.advanceTo(120);

    // Act
    await client('us-west-2').send(
      new UpdateRoutingControlStatesCommand({
        UpdateRoutingControlStateEntries: [
          { RoutingControlArn: WEST, RoutingControlState: 'On' },
          { RoutingControlArn: EAST, RoutingControlState: 'Off' },
        ],
      }),
    );

    // Assess
    expect(sim.world.resolve('www.storefront.example.com')).toMatchObject({ failover: 'SECONDARY' });
    expect(sim.world.actions).toEqual([
      expect.objectContaining({ service: 'route53-recovery-cluster', region: 'us-west-2', outcome: 'accepted' }),
    ]);
  });

  it("throttles the product's fourth switch within a second on one endpoint with the SDK's ThrottlingException", async () => {
    // Prepare
    await sim.advanceTo(120);
    const west = client('us-west-2');
    const swap = (on: string, off: string) =>
      west.send(
        new UpdateRoutingControlStatesCommand({
          UpdateRoutingControlStateEntries: [
            { RoutingControlArn: on, RoutingControlState: 'On' },
            { RoutingControlArn: off, RoutingControlState: 'Off' },
          ],
        }),
      );

    // Act
    await swap(WEST, EAST);
    await swap(EAST, WEST);
    await swap(WEST, EAST);
    const fourth = await swap(EAST, WEST).catch((error: unknown) => error);

    // Assess: one attempt (the product's client), refused before the request is looked at
    expect(fourth).toBeInstanceOf(ThrottlingException);
    expect(fourth).toMatchObject({ $metadata: { httpStatusCode: 429 } });
    expect(sim.world.arc.get(WEST).RoutingControlState).toBe('On');
    expect(sim.world.actions.map((action) => action.outcome)).toEqual([
      'accepted',
      'accepted',
      'accepted',
      'ThrottlingException',
    ]);
  });

  it('answers nothing on the us-east-1 endpoint until the client timeout while us-east-1 is down', async () => {
    // Prepare
    await sim.advanceTo(120);
    let outcome: unknown;

    // Act
    client('us-east-1')
      .send(new GetRoutingControlStateCommand({ RoutingControlArn: EAST }))
      .catch((error: unknown) => {
        outcome = error;
      });
    await sim.clock.runUntil(() => outcome !== undefined);

    // Assess
    expect(outcome).toMatchObject({ name: 'TimeoutError' });
    const reached = sim.world.calls[0]?.atMs ?? Number.NaN;
    expect(sim.clock.now() - reached).toBe(CLIENT_TIMEOUTS.routingControl.requestTimeoutMs);
  });
});
