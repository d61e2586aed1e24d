import { join } from 'node:path';
import {
  GetRoutingControlStateCommand,
  Route53RecoveryClusterClient,
  UpdateRoutingControlStatesCommand,
} from '@aws-sdk/client-route53-recovery-cluster';
import { CLIENT_TIMEOUTS, timeoutOptions } from '../../../../shared/aws/clients';
import { loadPlanFile } from '../../../../shared/plan/load';
import { ArcModel } from '../../../../sim/models/arc';
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
