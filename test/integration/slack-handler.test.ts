import 'aws-sdk-client-mock-jest';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../functions/notify';
import { resetClients } from '../../shared/aws/clients';
import { PlanRegistry } from '../../shared/plan/load';
import { setPlans } from '../../shared/runtime/plans';
import { phaseChanged, useSlackServer, webhookPlan, webhookSecrets } from './slack-support';

const secretsManager = mockClient(SecretsManagerClient);
const dynamodb = mockClient(DynamoDBDocumentClient);

const context = {
  functionName: 'switchback-dev-notify',
  awsRequestId: 'request-1',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

describe('notify handler', () => {
  const slack = useSlackServer(webhookSecrets);

  beforeAll(() => {
    setPlans(new PlanRegistry([webhookPlan()]));
  });

  afterAll(() => {
    setPlans(undefined);
  });

  beforeEach(() => {
    resetClients();
    secretsManager.reset();
    dynamodb.reset();
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: slack.server.webhookUrl });
    dynamodb.on(GetCommand).resolves({});
    dynamodb.on(UpdateCommand).resolves({});
  });

  it('posts the message with the webhook URL read from the secret the plan names when a phase changes', async () => {
    // Act
    const result = await handler(phaseChanged('promote', 'started', 92), context);

    // Assess
    expect(result).toEqual({ status: 'sent', key: 'phase:promote:started' });
    expect(secretsManager).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: 'switchback/orders/slack' });
    expect(slack.server.posts).toHaveLength(1);
    expect(slack.server.posts[0]?.text).toContain('⏳ promote since 03:01:32 UTC');
    expect(slack.output.lines().find((line) => line.message === 'notification sent')).toMatchObject({
      incidentId: 'orders-20261125T0300-a1b2',
      delivery: 'webhook',
    });
    expect(dynamodb).toHaveReceivedCommandWith(UpdateCommand, {
      Key: { pk: 'INCIDENT#orders-20261125T0300-a1b2', sk: 'SLACK' },
    });
  });

  it('drops the event with a warning naming the field when the event is malformed', async () => {
    // Prepare
    const event = phaseChanged('promote', 'started', 92);
    (event.detail as Record<string, unknown>).phase = 'promotion';

    // Act
    const result = await handler(event, context);

    // Assess
    expect(result).toMatchObject({ status: 'dropped' });
    expect((result as { reason: string }).reason).toContain('detail.phase');
    expect(slack.server.requests).toHaveLength(0);
    expect(slack.output.lines().some((line) => line.message === 'malformed switchback event dropped')).toBe(true);
  });

  it('drops the event when its plan is not deployed here', async () => {
    // Prepare
    const event = phaseChanged('promote', 'started', 92);
    (event.detail.run as { plan: string }).plan = 'payments';

    // Act
    const result = await handler(event, context);

    // Assess
    expect(result).toMatchObject({ status: 'dropped' });
    expect((result as { reason: string }).reason).toContain('No plan named "payments"');
    expect(slack.server.requests).toHaveLength(0);
  });

  it('reports a missing secret and returns normally when Secrets Manager has no such secret', async () => {
    // Prepare
    secretsManager.on(GetSecretValueCommand).rejects(
      Object.assign(new Error('Secrets Manager can’t find the specified secret.'), {
        name: 'ResourceNotFoundException',
      }),
    );

    // Act
    const result = await handler(phaseChanged('promote', 'started', 92), context);

    // Assess
    expect(result).toEqual({ status: 'rejected', code: 'secret_unavailable' });
    const report = slack.output.lines().find((line) => line.message === 'slack refused notifications');
    expect(String(report?.fix)).toContain('ResourceNotFoundException');
    expect(String(report?.fix)).toContain('Secrets Manager secret "switchback/orders/slack"');
    expect(slack.server.requests).toHaveLength(0);
  });

  describe('Readiness Changed', () => {
    const finding = {
      check: 'standby-exists',
      resource: 'rds:us-west-2:orders-db-replica',
      expected: 'a read replica of orders-db',
      found: 'no such DB instance',
      fix: 'create the read replica orders-db-replica in us-west-2',
    };
    const readinessChanged = (detail: Record<string, unknown>) => ({
      version: '0',
      id: 'readiness-1',
      source: 'switchback',
      'detail-type': 'Readiness Changed',
      account: '123456789012',
      time: '2026-11-25T03:15:00Z',
      region: 'us-west-2',
      resources: [],
      detail: {
        plan: 'orders',
        at: '2026-11-25T03:15:00.000Z',
        wasReady: true,
        ready: false,
        appeared: [finding],
        cleared: [],
        ...detail,
      },
    });

    it('posts one message saying the plan is not ready and which findings appeared, with the fix', async () => {
      // Act
      const result = await handler(readinessChanged({}), context);

      // Assess
      expect(result).toEqual({ status: 'sent', key: 'readiness:2026-11-25T03:15:00.000Z' });
      expect(slack.server.posts).toHaveLength(1);
      const text = JSON.stringify(slack.server.posts[0]);
      expect(text).toContain('orders is NOT ready to fail over');
      expect(text).toContain('rds:us-west-2:orders-db-replica');
      expect(text).toContain('create the read replica orders-db-replica in us-west-2');
      expect(dynamodb).toHaveReceivedCommandWith(UpdateCommand, {
        Key: { pk: 'INCIDENT#readiness-orders', sk: 'SLACK' },
      });
    });

    it('says which findings cleared when the plan is ready again', async () => {
      // Act
      await handler(readinessChanged({ wasReady: false, ready: true, appeared: [], cleared: [finding] }), context);

      // Assess
      const text = JSON.stringify(slack.server.posts[0]);
      expect(text).toContain('orders is ready to fail over again');
      expect(text).toContain('Cleared (1)');
    });

    it('posts nothing for a redelivered change', async () => {
      // Prepare
      dynamodb.on(GetCommand).resolves({ Item: { sentKeys: new Set(['readiness:2026-11-25T03:15:00.000Z']) } });

      // Act
      const result = await handler(readinessChanged({}), context);

      // Assess
      expect(result).toEqual({ status: 'already-sent', key: 'readiness:2026-11-25T03:15:00.000Z' });
      expect(slack.server.requests).toHaveLength(0);
    });

    it('drops a change event without its plan, naming the field', async () => {
      // Act
      const result = await handler(readinessChanged({ plan: undefined }), context);

      // Assess
      expect(result).toMatchObject({ status: 'dropped', reason: expect.stringContaining('detail.plan') });
      expect(slack.server.requests).toHaveLength(0);
    });
  });
});
