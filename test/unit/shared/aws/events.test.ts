import 'aws-sdk-client-mock-jest';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { EventBridgeEvents } from '../../../../shared/aws/events';
import type { Log } from '../../../../shared/runtime/logger';

const eventBridge = mockClient(EventBridgeClient);

const recordingLog = () => {
  const warnings: { message: string; attributes: object[] }[] = [];
  const log: Log = {
    debug: () => {},
    info: () => {},
    warn: (message, ...attributes) => warnings.push({ message, attributes }),
    error: () => {},
  };
  return { log, warnings };
};

describe('EventBridgeEvents', () => {
  beforeEach(() => {
    eventBridge.reset();
  });

  it('puts one switchback event with a JSON detail on the configured bus when publishing', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    const { log, warnings } = recordingLog();
    const events = new EventBridgeEvents({
      client: new EventBridgeClient({}),
      eventBusName: 'switchback-bus',
      log,
    });

    // Act
    await events.publish('Phase Changed', { phase: 'promote', status: 'started' });

    // Assess
    expect(eventBridge).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    expect(eventBridge).toHaveReceivedCommandWith(PutEventsCommand, {
      Entries: [
        {
          Source: 'switchback',
          DetailType: 'Phase Changed',
          Detail: JSON.stringify({ phase: 'promote', status: 'started' }),
          EventBusName: 'switchback-bus',
        },
      ],
    });
    expect(warnings).toEqual([]);
  });

  it('resolves and warns with the error name only when PutEvents throws', async () => {
    // Prepare
    eventBridge
      .on(PutEventsCommand)
      .rejects(Object.assign(new Error('secret-bearing message'), { name: 'AccessDeniedException' }));
    const { log, warnings } = recordingLog();
    const events = new EventBridgeEvents({ client: new EventBridgeClient({}), eventBusName: 'bus', log });

    // Act
    const published = events.publish('Recovery Completed', { token: 'do-not-log' });

    // Assess
    await expect(published).resolves.toBeUndefined();
    expect(warnings).toEqual([
      {
        message: 'event not published',
        attributes: [{ detailType: 'Recovery Completed', errorName: 'AccessDeniedException' }],
      },
    ]);
  });

  it('resolves and warns with the entry error code when EventBridge reports a failed entry', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
    });
    const { log, warnings } = recordingLog();
    const events = new EventBridgeEvents({ client: new EventBridgeClient({}), eventBusName: 'bus', log });

    // Act
    await events.publish('Phase Changed', {});

    // Assess
    expect(warnings).toEqual([
      { message: 'event not published', attributes: [{ detailType: 'Phase Changed', errorName: 'InternalFailure' }] },
    ]);
  });
});
