import 'aws-sdk-client-mock-jest';
import { DescribeRuleCommand, EventBridgeClient, ResourceNotFoundException } from '@aws-sdk/client-eventbridge';
import { DescribeStateMachineCommand, SFNClient, StateMachineDoesNotExist } from '@aws-sdk/client-sfn';
import { GetQueueAttributesCommand, QueueDoesNotExist, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { SwitchbackWiring } from '../../../../shared/aws/wiring';

const events = mockClient(EventBridgeClient);
const sfn = mockClient(SFNClient);
const sqs = mockClient(SQSClient);
const adapter = () =>
  new SwitchbackWiring({
    events: () => new EventBridgeClient({ region: 'us-west-2' }),
    sfn: () => new SFNClient({ region: 'us-west-2' }),
    sqs: () => new SQSClient({ region: 'us-west-2' }),
  });
const MACHINE = 'arn:aws:states:us-west-2:123456789012:stateMachine:switchback-prod-failover';
const QUEUE = 'https://sqs.us-west-2.amazonaws.com/123456789012/switchback-prod-dlq';
const $metadata = {};

describe('SwitchbackWiring', () => {
  beforeEach(() => {
    events.reset();
    sfn.reset();
    sqs.reset();
  });

  it("reads a rule's state, asking the custom bus when the target names one", async () => {
    // Prepare
    events.on(DescribeRuleCommand).resolves({ State: 'DISABLED' });

    // Act
    const reading = await adapter().readRule('switchback-prod|switchback-prod-notify-rule-1');

    // Assess
    expect(reading).toEqual({ found: { state: 'DISABLED' } });
    expect(events).toHaveReceivedCommandWith(DescribeRuleCommand, {
      Name: 'switchback-prod-notify-rule-1',
      EventBusName: 'switchback-prod',
    });
  });

  it('answers missing for a rule, state machine or queue that does not exist', async () => {
    // Prepare
    events
      .on(DescribeRuleCommand)
      .rejects(new ResourceNotFoundException({ message: 'Rule r does not exist', $metadata }));
    sfn.on(DescribeStateMachineCommand).rejects(new StateMachineDoesNotExist({ message: 'gone', $metadata }));
    sqs.on(GetQueueAttributesCommand).rejects(new QueueDoesNotExist({ message: 'gone', $metadata }));

    // Act
    const readings = await Promise.all([
      adapter().readRule('switchback-prod-on-health-alarm-rule-1'),
      adapter().readStateMachine(MACHINE),
      adapter().readQueue(QUEUE),
    ]);

    // Assess
    expect(readings).toEqual([{ missing: true }, { missing: true }, { missing: true }]);
  });

  it("reads a state machine's status and the queue's approximate depth", async () => {
    // Prepare
    sfn.on(DescribeStateMachineCommand).resolves({ status: 'ACTIVE' });
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '4' } });

    // Act
    const [machine, queue] = await Promise.all([adapter().readStateMachine(MACHINE), adapter().readQueue(QUEUE)]);

    // Assess
    expect(machine).toEqual({ found: { status: 'ACTIVE' } });
    expect(queue).toEqual({ found: { messages: 4 } });
    expect(sqs).toHaveReceivedCommandWith(GetQueueAttributesCommand, {
      QueueUrl: QUEUE,
      AttributeNames: ['ApproximateNumberOfMessages'],
    });
  });

  it('turns any other failure into an error reading (could not check), not a throw', async () => {
    // Prepare
    sqs.on(GetQueueAttributesCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));

    // Act
    const reading = await adapter().readQueue(QUEUE);

    // Assess
    expect(reading).toEqual({ error: 'AccessDenied: not authorized' });
  });
});
