import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { answerApproval } from '../../../../cli/commands/approve';
import { StepFunctionsWorkflow } from '../../../../shared/aws/workflow';
import { ApprovalNotPendingError } from '../../../../shared/errors';
import { fakeDeps } from '../support';

const pending = { plan: 'orders', taskToken: 'token-123', requestedAt: '2026-11-25T18:00:00.000Z' };
const target = { stage: 'dev', region: 'us-west-2' };

describe('answerApproval', () => {
  const sfn = mockClient(SFNClient);

  beforeEach(() => {
    sfn.reset();
  });

  it('sends the task token with approved true and the OS user when approving', async () => {
    // Prepare
    const getApprovalToken = jest.fn().mockResolvedValue(pending);
    const sendApproval = jest.fn().mockResolvedValue(undefined);
    const { deps, out } = fakeDeps({ ledger: { getApprovalToken }, workflow: { sendApproval } });

    // Act
    const code = await answerApproval('orders-20261125T180000Z-abcd1234', true, { ...target, comment: 'go' }, deps);

    // Assess
    expect(code).toBe(0);
    expect(getApprovalToken).toHaveBeenCalledWith('orders-20261125T180000Z-abcd1234');
    expect(sendApproval).toHaveBeenCalledWith(
      'token-123',
      { approved: true, by: 'alice', comment: 'go' },
      'orders-20261125T180000Z-abcd1234',
    );
    expect(out).toEqual(['✓ approved: failover of orders (incident orders-20261125T180000Z-abcd1234) by alice']);
  });

  it('sends approved false without a comment when denying with none', async () => {
    // Prepare
    const sendApproval = jest.fn().mockResolvedValue(undefined);
    const { deps } = fakeDeps({
      ledger: { getApprovalToken: jest.fn().mockResolvedValue(pending) },
      workflow: { sendApproval },
    });

    // Act
    await answerApproval('inc-1', false, { ...target, by: 'bob' }, deps);

    // Assess
    expect(sendApproval).toHaveBeenCalledWith('token-123', { approved: false, by: 'bob' }, 'inc-1');
  });

  it('throws ApprovalNotPendingError and sends nothing when the ledger has no token', async () => {
    // Prepare
    const sendApproval = jest.fn();
    const { deps } = fakeDeps({
      ledger: { getApprovalToken: jest.fn().mockResolvedValue(undefined) },
      workflow: { sendApproval },
    });

    // Act
    const act = answerApproval('inc-unknown', true, target, deps);

    // Assess
    await expect(act).rejects.toThrow(ApprovalNotPendingError);
    await expect(act).rejects.toThrow('incident inc-unknown');
    expect(sendApproval).not.toHaveBeenCalled();
  });

  it('puts the answer as the task output when the real Step Functions adapter sends it', async () => {
    // Prepare
    sfn.on(SendTaskSuccessCommand).resolves({});
    const { deps } = fakeDeps({ ledger: { getApprovalToken: jest.fn().mockResolvedValue(pending) } });
    deps.workflow = () =>
      new StepFunctionsWorkflow({
        client: new SFNClient({ region: 'us-west-2' }),
        clock: { now: () => new Date('2026-11-25T18:06:00.000Z') },
      });

    // Act
    await answerApproval('inc-1', true, { ...target, comment: 'lag is fine' }, deps);

    // Assess
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'token-123' });
    const output = JSON.parse(String(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.output));
    expect(output).toEqual({
      approved: true,
      by: 'alice',
      comment: 'lag is fine',
      answeredAt: '2026-11-25T18:06:00.000Z',
    });
  });
});
