import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  Route53Client,
  UpdateHealthCheckCommand,
} from '@aws-sdk/client-route-53';
import { CLIENT_TIMEOUTS, clients, resetClients, useClientPlugin } from '../../../shared/aws/clients';
import { createSimPlugin } from '../../../sim/sdk-plugin';
import { useFakeCredentials } from '../../support/credentials';
import { type SimHarness, startSim } from './fixture';

const ZONE = 'Z0123456789ORDERSAPI';

/** Settles `promise` into an outcome the test can read while virtual time runs. */
const watch = (promise: Promise<unknown>) => {
  const state: { outcome?: 'answered' | Error } = {};
  promise.then(
    () => {
      state.outcome = 'answered';
    },
    (error: Error) => {
      state.outcome = error;
    },
  );
  return state;
};

const flipBatch = (id: string) =>
  new ChangeResourceRecordSetsCommand({
    HostedZoneId: id,
    ChangeBatch: {
      Changes: [
        {
          Action: 'CREATE',
          ResourceRecordSet: {
            Name: 'probe.orders.example.com',
            Type: 'TXT',
            TTL: 60,
            ResourceRecords: [{ Value: '"switchback"' }],
          },
        },
      ],
    },
  });

describe('the simulated us-east-1 outage', () => {
  let sim: SimHarness;
  useFakeCredentials();

  afterEach(() => {
    sim.close();
    resetClients();
  });

  it("answers a Route 53 record edit only with the client timeout on each of the client's attempts while us-east-1 is down", async () => {
    // Prepare
    sim = startSim('us-east-1-outage');
    useClientPlugin(createSimPlugin(sim.world));
    await sim.advanceTo(90);
    const { maxAttempts, requestTimeoutMs } = CLIENT_TIMEOUTS.route53;

    // Act
    const call = watch(clients.route53().send(flipBatch(ZONE)));
    await sim.clock.runUntil(() => call.outcome !== undefined);

    // Assess
    // From when the call reached the simulator: the SDK's own set-up before it (credentials) is real I/O. Each
    // attempt waits the request timeout; between attempts, the SDK's backoff for a timeout (under 200 ms before the
    // second attempt, @smithy's DEFAULT_RETRY_DELAY_BASE of 100 ms doubled).
    const reached = sim.world.calls[0]?.atMs ?? Number.NaN;
    const elapsed = sim.clock.now() - reached;
    expect(maxAttempts).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(maxAttempts * requestTimeoutMs);
    expect(elapsed).toBeLessThan(maxAttempts * requestTimeoutMs + 200);
    expect(call.outcome).toMatchObject({ name: 'TimeoutError', code: 'ETIMEDOUT', $metadata: { attempts: 2 } });
    expect(sim.world.calls.map((c) => [c.operation, c.region])).toEqual([
      ['ChangeResourceRecordSets', 'us-east-1'],
      ['ChangeResourceRecordSets', 'us-east-1'],
    ]);
    expect(sim.world.route53.changes).toEqual([]);
    expect(sim.world.actions).toEqual(
      Array(maxAttempts).fill(expect.objectContaining({ region: 'us-east-1', outcome: 'TimeoutError' })),
    );
  });

  it('answers an UpdateHealthCheck (a fence inverting a health check) only with the client timeout while us-east-1 is down', async () => {
    // Prepare
    sim = startSim('us-east-1-outage');
    useClientPlugin(createSimPlugin(sim.world));
    await sim.advanceTo(90);
    const id = sim.world.healthChecks.of('us-east-1').id;

    // Act
    const call = watch(clients.route53().send(new UpdateHealthCheckCommand({ HealthCheckId: id, Inverted: true })));
    await sim.clock.runUntil(() => call.outcome !== undefined);

    // Assess
    expect(call.outcome).toMatchObject({ name: 'TimeoutError' });
    expect(sim.world.healthChecks.of('us-east-1').inverted).toBe(false);
    expect(sim.world.actions).toEqual(
      Array(CLIENT_TIMEOUTS.route53.maxAttempts).fill(
        expect.objectContaining({ operation: 'UpdateHealthCheck', region: 'us-east-1', outcome: 'TimeoutError' }),
      ),
    );
  });

  it('serves Route 53 from us-east-1 whatever region the client names', async () => {
    // Prepare
    sim = startSim('us-east-1-outage');
    await sim.advanceTo(90);
    const client = new Route53Client({ region: 'us-west-2', credentials: { accessKeyId: 's', secretAccessKey: 's' } });
    client.middlewareStack.use(createSimPlugin(sim.world));

    // Act
    const call = watch(client.send(new GetChangeCommand({ Id: '/change/C0000' })));
    await sim.advance(60_000);

    // Assess
    expect(call.outcome).toMatchObject({ name: 'TimeoutError', message: expect.stringContaining('us-east-1') });
  });

  it('answers Route 53 record edits as usual when only the application in the primary region is down', async () => {
    // Prepare
    sim = startSim('region-outage');
    useClientPlugin(createSimPlugin(sim.world));
    await sim.advanceTo(90);

    // Act
    const output = await clients.route53().send(flipBatch(ZONE));

    // Assess
    expect(output.ChangeInfo?.Status).toBe('PENDING');
  });

  it('keeps health checks and DNS answers working while us-east-1 is down (the Route 53 data plane)', async () => {
    // Prepare
    sim = startSim('us-east-1-outage');

    // Act
    await sim.advanceTo(60 + 5 * 60);

    // Assess
    expect(sim.world.healthChecks.of('us-east-1').healthy).toBe(false);
    expect(sim.world.healthChecks.of('us-west-2').healthy).toBe(true);
    expect(sim.world.resolve('api.orders.example.com')).toMatchObject({ failover: 'SECONDARY', region: 'us-west-2' });
  });

  it('evaluates no HealthCheckStatus alarm while CloudWatch in us-east-1 is down, so no alarm event arrives', async () => {
    // Prepare
    sim = startSim('us-east-1-outage');

    // Act
    await sim.advanceTo(60 + 30 * 60);

    // Assess
    expect(sim.world.alarms.transitions()).toEqual([]);
    expect(sim.world.bus.events.filter((e) => e.event['detail-type'] === 'CloudWatch Alarm State Change')).toEqual([]);
  });

  it('raises the alarm when only the application in the primary region is down', async () => {
    // Prepare
    sim = startSim('region-outage');

    // Act
    await sim.advanceTo(60 + 5 * 60);

    // Assess
    expect(sim.world.alarms.transitions()).toEqual([expect.objectContaining({ to: 'ALARM' })]);
  });
});
