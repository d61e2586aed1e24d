import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamodbClient } from '../../shared/aws/clients';
import type { VirtualClock } from '../../sim/clock';
import { type DrillOptions, type DrillResult, runDrill } from '../../sim/drill';
import { DrillStuckError } from '../../sim/errors';

/**
 * A drill always ends: the ledger's answers are dated in the drill's time (a real date made the SDK retry on a
 * timer that nothing moved once the run was over), a drill that stops making progress fails with where it was
 * stuck, and every event the product published reaches the notifier before the report is made.
 */

const PLAN = join(__dirname, '..', '..', 'plans', 'example.yml');

const drill = (scenario: string, options: Partial<DrillOptions> = {}): Promise<DrillResult> =>
  runDrill({ planFile: PLAN, scenario, seed: 1, slackPreview: false, ...options });

jest.setTimeout(30_000);

/**
 * A region-outage drill with one ledger write early and one refused write two virtual minutes later, through the
 * product's own client: the conditional-write test reads the attempts, and the stuck-drill test reads it as the drill
 * that follows a stuck one (it must run normally). Run once, by whichever asks first: the stuck-drill test, declared
 * before the conditional-write test (a later drill than the stuck one is what it needs).
 */
let probed: Promise<{ result: DrillResult; attempts: (number | undefined)[] }> | undefined;
const probedDrill = () => {
  probed ??= (async () => {
    const attempts: (number | undefined)[] = [];
    const put = (condition?: string) =>
      dynamodbClient().send(
        new PutCommand({
          TableName: process.env.LEDGER_TABLE,
          Item: { pk: 'TEST#clock', sk: 'probe' },
          ...(condition ? { ConditionExpression: condition } : {}),
        }),
      );
    const onWorld = (world: DrillResult['world']) => {
      world.clock.schedule(world.t0Ms + 30_000, () => {
        void put();
      });
      world.clock.schedule(world.t0Ms + 150_000, () => {
        put('attribute_not_exists(pk)').catch((error: { $metadata?: { attempts?: number } }) => {
          attempts.push(error.$metadata?.attempts);
        });
      });
    };
    return { result: await drill('region-outage', { onWorld }), attempts };
  })();
  return probed;
};

// In this order: the first drill also loads every handler, so it runs under no short wall guard; the stuck drill
// comes before probedDrill(), which must follow it.
describe('runDrill ending', () => {
  it('delivers every event the product put on its bus to the notifier, the failure last, when the promotion fails', async () => {
    // Prepare: the drill's own local Slack serves each notification in process, so nothing reaches fetch
    const previews: string[] = [];
    const fetched = jest.spyOn(globalThis, 'fetch');
    let fetches: unknown[][] = [];

    // Act
    const { report, world } = await drill('promotion-fails', { slackPreview: (text) => previews.push(text) }).finally(
      () => {
        fetches = [...fetched.mock.calls];
        fetched.mockRestore();
      },
    );

    // Assess
    const published = world.bus.events.filter((record) => record.event.source === 'switchback');
    const notified = world.bus.deliveries.filter((delivery) => delivery.subscriber === 'notify');
    expect(published.length).toBeGreaterThanOrEqual(7);
    expect(notified.map((delivery) => delivery.eventId)).toEqual(published.map((record) => record.event.id));
    expect(notified.every((delivery) => delivery.outcome === 'succeeded')).toBe(true);
    expect(report.events.at(-1)?.detailType).toBe('Recovery Failed');
    expect(previews.at(-1)?.split('\n')[0]).toMatch(/failed/);
    expect(fetches).toEqual([]);
  });

  it('ends every lagging-replica drill of seeds 1 to 3 at the approval question with the lock held by the run', async () => {
    // Act: the seed moves only the modelled Lambda durations here (the same states, calls and events for seeds 1 to
    // 12, the end within 60 ms of virtual time); npm run drill:soak runs every scenario over 200 seeds.
    const results: string[] = [];
    for (let seed = 1; seed <= 3; seed++) {
      const { report, lockHolder } = await drill('lagging-replica', { seed, wallTimeoutMs: 10_000 });
      results.push(`${report.outcome} ${lockHolder === report.incidentId}`);
    }

    // Assess
    expect(new Set(results)).toEqual(new Set(['awaiting-approval true']));
  });

  it('stops a drill whose guard fires while it is still starting, and leaves the process as it was', async () => {
    // Prepare: what a drill replaces while it runs
    const before = { fetch: globalThis.fetch, setTimeout: globalThis.setTimeout, Date: globalThis.Date };

    // Act: the guard fires during the drill's first step (starting its DynamoDB), before it fakes the timers
    const failure = await drill('region-outage', { wallTimeoutMs: 1 }).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(DrillStuckError);
    expect((failure as Error).message).toBe(
      'The drill did not end within 0.001 s of real time: stuck starting the local ledger; no execution started.',
    );
    // It stopped before faking the timers, and what it had set up was undone before the error reached us.
    expect({ fetch: globalThis.fetch, setTimeout: globalThis.setTimeout, Date: globalThis.Date }).toEqual(before);
    expect(process.env.LEDGER_TABLE).toBeUndefined();
    // Nothing of it runs on: a drill started at once runs undisturbed.
    const { report } = await drill('region-outage');
    expect(report.outcome).toBe('recovered');
  });

  it('fails loudly with the stage, the state and the work in flight when the drill stops making progress', async () => {
    // Prepare: once the run is in its promote phase, real I/O that never finishes holds the virtual clock.
    const onWorld = (world: DrillResult['world']) => {
      world.clock.schedule(world.t0Ms + 240_000, () => {
        (world.clock as VirtualClock).track(new Promise(() => undefined), 'a call that never answers');
      });
    };

    // Act: the clock gives up on the call after 1 s of real time (30 s by default)
    const started = performance.now();
    const failure = await drill('region-outage', { onWorld, stallTimeoutMs: 1000 }).catch((error: unknown) => error);
    const tookMs = performance.now() - started;

    // Assess
    expect(failure).toBeInstanceOf(DrillStuckError);
    const message = (failure as Error).message;
    expect(message).toMatch(
      /made no progress for 1 s of real time: work it waited on did not finish: stuck running the scenario/,
    );
    expect(message).toMatch(/virtual time \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/);
    expect(message).toMatch(/execution orders-\S+ RUNNING in state "[A-Z][A-Za-z ]+"/);
    expect(message).toContain('waiting on a call that never answers');
    expect(tookMs).toBeLessThan(15_000);
    // The stuck drill was cleaned up: the next one runs normally.
    const { report } = (await probedDrill()).result;
    expect(report.outcome).toBe('recovered');
  });

  it('answers a failed conditional write at the first attempt when virtual time moved since the last answer', async () => {
    // Prepare: the two writes of probedDrill() above

    // Act
    const { attempts } = await probedDrill();

    // Assess: the SDK saw no clock skew, so it did not retry (a retry waits on a virtual timer).
    expect(attempts).toEqual([1]);
  });
});
