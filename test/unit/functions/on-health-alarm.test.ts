import 'aws-sdk-client-mock-jest';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../functions/on-health-alarm';
import { incidentIdFor } from '../../../shared/domain/incident';
import { PlanRegistry } from '../../../shared/plan/load';
import { setPlans } from '../../../shared/runtime/plans';
import { alarmEvent } from '../../support/alarm-events';
import { lambdaContext } from '../../support/lambda';
import { ordersPlan } from '../../support/plan-fixtures';

const STATE_MACHINE = 'arn:aws:states:us-west-2:123456789012:stateMachine:switchback-failover';
process.env.FAILOVER_STATE_MACHINE_ARN = STATE_MACHINE;
process.env.AWS_REGION = 'us-west-2';

const sfn = mockClient(SFNClient);
const dynamo = mockClient(DynamoDBDocumentClient);
const context = lambdaContext('on-health-alarm');
const named = (name: string): Error => Object.assign(new Error(name), { name });

/** An alarm event that just happened: the handler runs on the system clock. */
const freshEvent = (options: { previous?: string } = {}) => {
  const at = new Date(Date.now() - 2000);
  return alarmEvent({
    ...options,
    time: at.toISOString(),
    stateTimestamp: at.toISOString().replace('Z', '+0000'),
    reasonData: { startDate: new Date(at.getTime() - 180_000).toISOString() },
  });
};

describe('on-health-alarm handler', () => {
  beforeEach(() => {
    sfn.reset();
    dynamo.reset();
    setPlans(new PlanRegistry([ordersPlan()]));
    dynamo.on(GetCommand).resolves({});
  });

  it('starts the failover state machine named by the incident id when the alarm enters ALARM', async () => {
    // Prepare
    const event = freshEvent();
    const incidentId = incidentIdFor('orders', 'orders-primary-health', event.detail.state.timestamp);
    sfn
      .on(StartExecutionCommand)
      .resolves({ executionArn: `${STATE_MACHINE}:${incidentId}`.replace(':stateMachine:', ':execution:') });

    // Act
    const result = await handler(event, context);

    // Assess
    expect(result).toEqual({
      status: 'started',
      incidentId,
      executionArn: `arn:aws:states:us-west-2:123456789012:execution:switchback-failover:${incidentId}`,
    });
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { stateMachineArn: STATE_MACHINE, name: incidentId });
    const input = JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '{}');
    expect(input).toMatchObject({ plan: 'orders', mode: 'live', incidentId, trigger: { type: 'alarm' } });
  });

  it('answers a redelivery from the container memory with no AWS call, and forgets it when the plans are replaced', async () => {
    // Prepare
    const event = freshEvent();
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:aws:states:us-west-2:123456789012:execution:x:y' });
    await handler(event, context);
    const callsAfterFirst = dynamo.calls().length + sfn.calls().length;

    // Act
    const redelivered = await handler(event, context);
    const callsAfterRedelivery = dynamo.calls().length + sfn.calls().length;
    setPlans(new PlanRegistry([ordersPlan()]));
    dynamo.on(PutCommand).rejects(named('ConditionalCheckFailedException'));
    const afterNewPlans = await handler(event, context);

    // Assess
    expect(redelivered).toMatchObject({
      status: 'duplicate',
      executionArn: 'arn:aws:states:us-west-2:123456789012:execution:x:y',
    });
    expect(callsAfterRedelivery).toBe(callsAfterFirst);
    expect(afterNewPlans).toMatchObject({ status: 'duplicate', reason: expect.stringContaining('earlier delivery') });
    expect(dynamo.calls().length + sfn.calls().length).toBe(callsAfterRedelivery + 1);
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
  });

  it('reports a duplicate when the execution already exists', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(named('ExecutionAlreadyExists'));

    // Act
    const result = await handler(freshEvent(), context);

    // Assess
    expect(result).toMatchObject({ status: 'duplicate' });
  });

  it('ignores an alarm that was already in ALARM without starting anything', async () => {
    // Act
    const result = await handler(freshEvent({ previous: 'ALARM' }), context);

    // Assess
    expect(result).toMatchObject({ status: 'ignored' });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('drops a malformed event, naming the field, instead of throwing', async () => {
    // Prepare
    const event = freshEvent();
    const malformed = { ...event, detail: { ...event.detail, alarmName: undefined } };

    // Act
    const result = await handler(malformed, context);

    // Assess
    expect(result).toEqual({ status: 'dropped', reason: expect.stringContaining('detail.alarmName: is required') });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('counts a malformed event it drops as AlarmEventsRejected with reason malformed', async () => {
    // Prepare: Powertools writes EMF lines to stdout; metrics are on, as in Lambda.
    const event = freshEvent();
    const malformed = { ...event, detail: { ...event.detail, state: { ...event.detail.state, timestamp: 'soon' } } };
    const written: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });

    // Act
    try {
      await handler(malformed, context);
    } finally {
      write.mockRestore();
    }

    // Assess
    const emf = written.flatMap((text) => text.split('\n')).filter((line) => line.includes('AlarmEventsRejected'));
    expect(emf.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ reason: 'malformed', AlarmEventsRejected: 1 }),
    ]);
  });

  it('drops a stale event redelivered hours later', async () => {
    // Prepare
    const event = alarmEvent({ time: new Date(Date.now() - 2 * 3600_000).toISOString() });

    // Act
    const result = await handler(event, context);

    // Assess
    expect(result).toEqual({ status: 'dropped', reason: expect.stringContaining('MAX_EVENT_AGE_SECONDS') });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });
});
