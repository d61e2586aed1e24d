import { join } from 'node:path';
import { runDrill } from '../../sim/drill';

/** The drill's alarm rule matches what serverless.yml deploys: alarm state changes of its own account only. */

const PLAN = join(__dirname, '..', '..', 'plans', 'example.yml');

jest.setTimeout(30_000);

describe('the drill alarm rule', () => {
  it('does not deliver a same-named alarm of another account to on-health-alarm', async () => {
    // Prepare: before the outage, another account's alarm of the same name goes to ALARM on this bus.
    const foreignId = 'foreign-alarm-event';
    const { world, runner } = await runDrill({
      planFile: PLAN,
      scenario: 'region-outage',
      seed: 1,
      slackPreview: false,
      onWorld: (world) => {
        world.clock.schedule(world.t0Ms + 5_000, () =>
          world.bus.publish(
            {
              version: '0',
              id: foreignId,
              'detail-type': 'CloudWatch Alarm State Change',
              source: 'aws.cloudwatch',
              account: '210987654321',
              time: new Date(world.clock.now()).toISOString(),
              region: world.plan.regions.standby,
              resources: [],
              detail: {
                alarmName: world.plan.trigger.alarms[0],
                state: { value: 'ALARM', timestamp: new Date(world.clock.now()).toISOString() },
                previousState: { value: 'OK' },
              },
            },
            'aws',
          ),
        );
      },
    });

    // Assess: the foreign event was on the bus but reached nobody; the real alarm still started one failover.
    expect(world.bus.events.map((record) => record.event.id)).toContain(foreignId);
    expect(world.bus.deliveries.filter((delivery) => delivery.eventId === foreignId)).toEqual([]);
    expect(runner.list()).toHaveLength(1);
  });
});
