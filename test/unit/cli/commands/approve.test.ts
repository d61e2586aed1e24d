import 'aws-sdk-client-mock-jest';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { answerApproval } from '../../../../cli/commands/approve';
import { StsIdentity } from '../../../../shared/aws/identity';
import { StepFunctionsWorkflow } from '../../../../shared/aws/workflow';
import { ApprovalNotPendingError, IdentityUnknownError } from '../../../../shared/errors';
import { fakeDeps } from '../support';

const pending = { plan: 'orders', taskToken: 'token-123', requestedAt: '2026-11-25T18:00:00.000Z' };
const target = { stage: 'dev', region: 'us-west-2' };
const ONCALL = 'arn:aws:sts::123456789012:assumed-role/oncall/alice';
const identity = { callerIdentity: jest.fn().mockResolvedValue({ arn: ONCALL, account: '123456789012', userId: 'x' }) };

describe('answerApproval', () => {
  const sfn = mockClient(SFNClient);
  const sts = mockClient(STSClient);

  beforeEach(() => {
    sfn.reset();
    sts.reset();
  });

  it('records the caller IAM identity as the approver, with --by only as a display name beside it', async () => {
    // Prepare
    const getApprovalToken = jest.fn().mockResolvedValue(pending);
    const sendApproval = jest.fn().mockResolvedValue(undefined);
    const { deps, out } = fakeDeps({ ledger: { getApprovalToken }, workflow: { sendApproval }, identity });

    // Act
    const code = await answerApproval(
      'orders-20261125T180000Z-abcd1234',
      true,
      { ...target, comment: 'go', by: 'cto@example.com' },
      deps,
    );

    // Assess
    expect(code).toBe(0);
    expect(getApprovalToken).toHaveBeenCalledWith('orders-20261125T180000Z-abcd1234');
    expect(sendApproval).toHaveBeenCalledWith(
      'token-123',
      { approved: true, by: ONCALL, displayName: 'cto@example.com', comment: 'go' },
      'orders-20261125T180000Z-abcd1234',
    );
    expect(out).toEqual([
      `✓ approved: failover of orders (incident orders-20261125T180000Z-abcd1234) by ${ONCALL} (as cto@example.com)`,
    ]);
  });

  it('records the caller identity, not the OS user, when denying without --by', async () => {
    // Prepare
    const sendApproval = jest.fn().mockResolvedValue(undefined);
    const { deps } = fakeDeps({
      ledger: { getApprovalToken: jest.fn().mockResolvedValue(pending) },
      workflow: { sendApproval },
      identity,
      env: { user: 'alice' },
    });

    // Act
    await answerApproval('inc-1', false, target, deps);

    // Assess
    expect(sendApproval).toHaveBeenCalledWith('token-123', { approved: false, by: ONCALL }, 'inc-1');
  });

  it('throws ApprovalNotPendingError and sends nothing when the ledger has no token', async () => {
    // Prepare
    const sendApproval = jest.fn();
    const { deps } = fakeDeps({
      ledger: { getApprovalToken: jest.fn().mockResolvedValue(undefined) },
      workflow: { sendApproval },
      identity,
    });

    // Act
    const act = answerApproval('inc-unknown', true, target, deps);

    // Assess
    await expect(act).rejects.toThrow(ApprovalNotPendingError);
    await expect(act).rejects.toThrow('incident inc-unknown');
    expect(sendApproval).not.toHaveBeenCalled();
  });

  it('sends nothing and says to fix the credentials when STS cannot say who the caller is', async () => {
    // Prepare
    sts
      .on(GetCallerIdentityCommand)
      .rejects(
        Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredToken' }),
      );
    const sendApproval = jest.fn();
    const { deps } = fakeDeps({
      ledger: { getApprovalToken: jest.fn().mockResolvedValue(pending) },
      workflow: { sendApproval },
    });
    deps.identity = async () => new StsIdentity({ client: new STSClient({ region: 'us-west-2' }) });

    // Act
    const act = answerApproval('inc-1', true, { ...target, by: 'cto@example.com' }, deps);

    // Assess
    await expect(act).rejects.toThrow(IdentityUnknownError);
    await expect(act).rejects.toThrow(/ExpiredToken: .*check your AWS credentials/);
    expect(sendApproval).not.toHaveBeenCalled();
  });

  it('puts the STS principal as the task output when the real adapters answer', async () => {
    // Prepare
    sfn.on(SendTaskSuccessCommand).resolves({});
    sts.on(GetCallerIdentityCommand).resolves({ Arn: ONCALL, Account: '123456789012', UserId: 'AROA:alice' });
    const { deps } = fakeDeps({ ledger: { getApprovalToken: jest.fn().mockResolvedValue(pending) } });
    deps.workflow = async () =>
      new StepFunctionsWorkflow({
        client: new SFNClient({ region: 'us-west-2' }),
        clock: { now: () => new Date('2026-11-25T18:06:00.000Z') },
      });
    deps.identity = async () => new StsIdentity({ client: new STSClient({ region: 'us-west-2' }) });

    // Act
    await answerApproval('inc-1', true, { ...target, comment: 'lag is fine', by: 'cto@example.com' }, deps);

    // Assess
    expect(sfn).toHaveReceivedCommandWith(SendTaskSuccessCommand, { taskToken: 'token-123' });
    const output = JSON.parse(String(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.output));
    expect(output).toEqual({
      approved: true,
      by: ONCALL,
      displayName: 'cto@example.com',
      comment: 'lag is fine',
      answeredAt: '2026-11-25T18:06:00.000Z',
    });
  });
});
