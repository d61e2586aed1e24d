import { RDSClient } from '@aws-sdk/client-rds';
import { PacedReads } from '../../../../shared/aws/paced-reads';
import { RdsReprotectAdapter } from '../../../../shared/aws/reprotect';
import { RdsRestoreAdapter } from '../../../../shared/aws/restore';

/**
 * The reprotect adapter against a real RDS client whose requests stop at the SDK's build step (after the SDK's own
 * RDS middleware, before any HTTP): what RDS would receive.
 */
const capturingClient = (region: string, sent: Record<string, unknown>[], answer: () => object = () => ({})) => {
  const client = new RDSClient({ region, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
  client.middlewareStack.add(
    () => async (args) => {
      sent.push(args.input as Record<string, unknown>);
      return { output: { $metadata: {}, ...answer() }, response: {} };
    },
    { step: 'build', name: 'capture', priority: 'low' },
  );
  return client;
};

describe('RdsReprotectAdapter', () => {
  it('sends a cross-region replica with its source ARN, the key, and a presigned URL signed for the source region', async () => {
    // Prepare
    const sent: Record<string, unknown>[] = [];
    const adapter = new RdsReprotectAdapter({ client: (region) => capturingClient(region, sent) });

    // Act
    const outcome = await adapter.createReadReplica('us-east-1', {
      identifier: 'orders-db-replica-rp-abc123',
      sourceArn: 'arn:aws:rds:us-west-2:123456789012:db:orders-db-replica',
      kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/k',
    });

    // Assess
    expect(outcome).toBe('started');
    expect(sent[0]).toMatchObject({
      DBInstanceIdentifier: 'orders-db-replica-rp-abc123',
      SourceDBInstanceIdentifier: 'arn:aws:rds:us-west-2:123456789012:db:orders-db-replica',
      KmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/k',
      PubliclyAccessible: false,
    });
    const presigned = new URL(String(sent[0]?.PreSignedUrl));
    expect(presigned.hostname).toBe('rds.us-west-2.amazonaws.com');
    expect(presigned.searchParams.get('Action')).toBe('CreateDBInstanceReadReplica');
    expect(presigned.searchParams.get('DestinationRegion')).toBe('us-east-1');
    expect(presigned.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers "exists" when the derived name is taken already, and undefined for a snapshot that is not there', async () => {
    // Prepare
    const fault = (name: string) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: 400 } });
    const client = new RDSClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    client.middlewareStack.add(
      () => async (args) => {
        const input = args.input as Record<string, unknown>;
        throw fault(
          input.DBSnapshotIdentifier && !input.DBInstanceIdentifier
            ? 'DBSnapshotNotFoundFault'
            : 'DBSnapshotAlreadyExistsFault',
        );
      },
      { step: 'build', name: 'refuse', priority: 'low' },
    );
    const adapter = new RdsReprotectAdapter({ client: () => client });

    // Act
    const created = await adapter.createSnapshot('us-east-1', 'orders-db', 'orders-db-pre-abc123');
    const status = await adapter.describeSnapshot('us-east-1', 'orders-db-pre-abc123');

    // Assess
    expect(created).toBe('exists');
    expect(status).toBeUndefined();
  });
});

/** A client whose first request RDS throttles (after the SDK's one attempt) and whose next ones it answers. */
const throttledOnceClient = (region: string, sent: string[], answer: object) => {
  const client = new RDSClient({
    region,
    maxAttempts: 1,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
  client.middlewareStack.add(
    (_next, context) => async () => {
      sent.push(String(context.commandName));
      if (sent.length === 1) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      return { output: { $metadata: {}, ...answer }, response: {} };
    },
    { step: 'build', name: 'answer', priority: 'low' },
  );
  return client;
};

/** Retries that take no time: a budget of 1 s, pauses that return at once. */
const quickRetries = () =>
  new PacedReads({
    maxInFlight: Number.POSITIVE_INFINITY,
    budgetMs: 1000,
    firstPauseMs: 10,
    sleep: async () => undefined,
  });

describe('the RDS adapters of the reprotect and the restore test', () => {
  it('try a read that RDS throttled again, and return what they read', async () => {
    // Prepare
    const instance = { DBInstances: [{ DBInstanceIdentifier: 'orders-db', DBInstanceStatus: 'available' }] };
    const reprotectSent: string[] = [];
    const restoreSent: string[] = [];
    const reprotect = new RdsReprotectAdapter({
      client: (region) => throttledOnceClient(region, reprotectSent, instance),
      reads: quickRetries(),
    });
    const restore = new RdsRestoreAdapter({
      client: (region) => throttledOnceClient(region, restoreSent, instance),
      reads: quickRetries(),
    });

    // Act
    const reprotected = await reprotect.describeInstance('us-east-1', 'orders-db');
    const restored = await restore.describeInstance('us-east-1', 'orders-db');

    // Assess
    expect(reprotected).toMatchObject({ identifier: 'orders-db', status: 'available' });
    expect(restored).toMatchObject({ identifier: 'orders-db', status: 'available' });
    expect([reprotectSent, restoreSent]).toEqual([
      ['DescribeDBInstancesCommand', 'DescribeDBInstancesCommand'],
      ['DescribeDBInstancesCommand', 'DescribeDBInstancesCommand'],
    ]);
  });
});
