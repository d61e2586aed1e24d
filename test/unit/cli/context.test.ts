import { regionOfArn, resolveTarget, UsageError } from '../../../cli/context';

describe('resolveTarget', () => {
  const arn = 'arn:aws:states:us-west-2:123456789012:stateMachine:switchback-dev-failover';

  it('takes the region of the state machine when no --region is given', () => {
    // Act
    const target = resolveTarget({ stage: 'dev', stateMachineArn: arn }, { user: 'alice', region: 'eu-west-1' });

    // Assess
    expect(target).toEqual({ region: 'us-west-2', tableName: 'switchback-dev-ledger', stateMachineArn: arn });
  });

  it('prefers --region and --table when both are given', () => {
    // Act
    const target = resolveTarget(
      { stage: 'prod', region: 'eu-central-1', table: 'my-ledger' },
      { user: 'alice', region: 'eu-west-1', stateMachineArn: arn },
    );

    // Assess
    expect(target).toEqual({ region: 'eu-central-1', tableName: 'my-ledger', stateMachineArn: arn });
  });

  it('names the stage in the table when no --table is given', () => {
    // Act
    const target = resolveTarget({ stage: 'prod' }, { user: 'alice', region: 'us-west-2' });

    // Assess
    expect(target.tableName).toBe('switchback-prod-ledger');
  });

  it('throws a UsageError naming --region when no region can be found', () => {
    // Act
    const act = () => resolveTarget({ stage: 'dev' }, { user: 'alice' });

    // Assess
    expect(act).toThrow(UsageError);
    expect(act).toThrow('--region');
  });
});

describe('regionOfArn', () => {
  it('returns undefined when the text is not an ARN', () => {
    expect(regionOfArn('switchback-dev-failover')).toBeUndefined();
  });
});
