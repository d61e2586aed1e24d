import { RDSClient } from '@aws-sdk/client-rds';
import { RdsReprotectAdapter } from '../../../../shared/aws/reprotect';

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
