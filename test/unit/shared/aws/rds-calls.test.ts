import { readUnlessNotFound, startOnce } from '../../../../shared/aws/rds-calls';
import { ThrottledError } from '../../../../shared/errors';

const sdkError = (name: string): Error => Object.assign(new Error(`${name} happened`), { name });

describe('readUnlessNotFound', () => {
  it('returns what the read makes of the answer when RDS answers', async () => {
    // Act
    const found = await readUnlessNotFound('DescribeDBInstances', 'DBInstanceNotFoundFault', async () => 'available');

    // Assess
    expect(found).toBe('available');
  });

  it('returns undefined when RDS answers the not-found fault it names', async () => {
    // Act
    const found = await readUnlessNotFound('DescribeDBInstances', 'DBInstanceNotFoundFault', async () => {
      throw sdkError('DBInstanceNotFoundFault');
    });

    // Assess
    expect(found).toBeUndefined();
  });

  it('rethrows another fault under its own name, and throttling as a ThrottledError naming the operation', async () => {
    // Prepare
    const denied = sdkError('AccessDeniedException');

    // Act
    const other = readUnlessNotFound('DescribeDBClusters', 'DBClusterNotFoundFault', async () => {
      throw denied;
    });
    const throttled = readUnlessNotFound('DescribeDBClusters', 'DBClusterNotFoundFault', async () => {
      throw sdkError('Throttling');
    });

    // Assess
    await expect(other).rejects.toBe(denied);
    await expect(throttled).rejects.toBeInstanceOf(ThrottledError);
    await expect(throttled).rejects.toThrow('rds DescribeDBClusters was throttled');
  });
});

describe('startOnce', () => {
  it('answers started when the create goes through', async () => {
    // Prepare
    const send = jest.fn(async () => ({}));

    // Act
    const outcome = await startOnce('CreateDBSnapshot', 'DBSnapshotAlreadyExistsFault', send);

    // Assess
    expect(outcome).toBe('started');
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('answers exists when an earlier attempt made it already', async () => {
    // Act
    const outcome = await startOnce('CreateDBSnapshot', 'DBSnapshotAlreadyExistsFault', async () => {
      throw sdkError('DBSnapshotAlreadyExistsFault');
    });

    // Assess
    expect(outcome).toBe('exists');
  });

  it('rethrows any other fault, throttling as a ThrottledError naming the operation', async () => {
    // Prepare
    const quota = sdkError('SnapshotQuotaExceededFault');

    // Act
    const other = startOnce('CreateDBSnapshot', 'DBSnapshotAlreadyExistsFault', async () => {
      throw quota;
    });
    const throttled = startOnce('CreateDBSnapshot', 'DBSnapshotAlreadyExistsFault', async () => {
      throw sdkError('ThrottlingException');
    });

    // Assess
    await expect(other).rejects.toBe(quota);
    await expect(throttled).rejects.toThrow('rds CreateDBSnapshot was throttled');
  });
});
