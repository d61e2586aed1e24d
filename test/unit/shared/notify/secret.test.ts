import 'aws-sdk-client-mock-jest';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { NotificationDeliveryError, NotificationRejectedError } from '../../../../shared/errors';
import { readSlackSecret } from '../../../../shared/notify/secret';
import type { SlackSettings } from '../../../../shared/plan/schema';

const WEBHOOK = 'https://hooks.slack.com/services/T000/B000/abcdefghijklmnop';
const TOKEN = 'xoxb-1234-5678-abcdefghijkl';

const webhook: SlackSettings = {
  delivery: 'webhook',
  secret: { source: 'secretsmanager', name: 'switchback/orders/slack' },
};
const bot: SlackSettings = {
  delivery: 'bot',
  secret: { source: 'ssm', name: '/switchback/orders/slack-token' },
  channel: 'C0INCIDENT',
};

const secretsManagerMock = mockClient(SecretsManagerClient);
const ssmMock = mockClient(SSMClient);

const awsError = (name: string, message = `${name} happened`) => Object.assign(new Error(message), { name });

describe('readSlackSecret', () => {
  // Fresh clients per test: Powertools caches values per provider, and providers are kept per client.
  let clients: { secretsManager: () => SecretsManagerClient; ssm: () => SSMClient };

  beforeEach(() => {
    secretsManagerMock.reset();
    ssmMock.reset();
    const secretsManager = new SecretsManagerClient({ region: 'us-west-2' });
    const ssm = new SSMClient({ region: 'us-west-2' });
    clients = { secretsManager: () => secretsManager, ssm: () => ssm };
  });

  it('reads the webhook URL from the Secrets Manager secret the plan names', async () => {
    // Prepare
    secretsManagerMock.on(GetSecretValueCommand).resolves({ SecretString: WEBHOOK });

    // Act
    const value = await readSlackSecret(webhook, 'orders', clients);

    // Assess
    expect(value).toBe(WEBHOOK);
    expect(secretsManagerMock).toHaveReceivedCommandWith(GetSecretValueCommand, {
      SecretId: 'switchback/orders/slack',
    });
  });

  it('reads the token from a SecureString parameter, decrypted, when the plan names SSM', async () => {
    // Prepare
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: TOKEN } });

    // Act
    const value = await readSlackSecret(bot, 'orders', clients);

    // Assess
    expect(value).toBe(TOKEN);
    expect(ssmMock).toHaveReceivedCommandWith(GetParameterCommand, {
      Name: '/switchback/orders/slack-token',
      WithDecryption: true,
    });
  });

  it('takes the value out of a JSON secret when the secret is stored as key and value', async () => {
    // Prepare
    secretsManagerMock.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ url: WEBHOOK }) });

    // Act
    const value = await readSlackSecret(webhook, 'orders', clients);

    // Assess
    expect(value).toBe(WEBHOOK);
  });

  it('reads the secret once and serves it from the cache on the next event', async () => {
    // Prepare
    secretsManagerMock.on(GetSecretValueCommand).resolves({ SecretString: WEBHOOK });

    // Act
    await readSlackSecret(webhook, 'orders', clients);
    await readSlackSecret(webhook, 'orders', clients);

    // Assess
    expect(secretsManagerMock).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
  });

  it('refuses for good, naming the secret and the AWS error, when the secret does not exist', async () => {
    // Prepare
    secretsManagerMock.on(GetSecretValueCommand).rejects(awsError('ResourceNotFoundException'));

    // Act
    const read = readSlackSecret(webhook, 'orders', clients);

    // Assess
    await expect(read).rejects.toThrow(NotificationRejectedError);
    await expect(read).rejects.toMatchObject({ code: 'secret_unavailable' });
    await expect(read).rejects.toThrow(
      /ResourceNotFoundException: store the Slack webhook URL in Secrets Manager secret "switchback\/orders\/slack"/,
    );
  });

  it('refuses for good when the function may not read the parameter', async () => {
    // Prepare
    ssmMock.on(GetParameterCommand).rejects(awsError('AccessDeniedException'));

    // Act
    const read = readSlackSecret(bot, 'orders', clients);

    // Assess
    await expect(read).rejects.toMatchObject({ name: 'NotificationRejectedError', code: 'secret_unavailable' });
  });

  it('throws a retryable error when AWS throttles the read', async () => {
    // Prepare
    secretsManagerMock.on(GetSecretValueCommand).rejects(awsError('ThrottlingException'));

    // Act
    const read = readSlackSecret(webhook, 'orders', clients);

    // Assess
    await expect(read).rejects.toThrow(NotificationDeliveryError);
    await expect(read).rejects.toMatchObject({ retryable: true });
  });

  it('refuses without echoing the value when a bot plan finds a webhook URL in its secret', async () => {
    // Prepare
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: WEBHOOK } });

    // Act
    const read = readSlackSecret(bot, 'orders', clients);

    // Assess
    await expect(read).rejects.toMatchObject({ code: 'secret_malformed' });
    await expect(read).rejects.toThrow(/must hold the Slack bot token/);
    await expect(read).rejects.not.toThrow(/hooks\.slack\.com/);
  });

  it('refuses a plain-http webhook URL unless it points at this machine', async () => {
    // Prepare
    secretsManagerMock
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: 'http://hooks.example.com/services/x' })
      .resolvesOnce({ SecretString: 'http://127.0.0.1:4000/services/x' });

    // Act
    const remote = readSlackSecret(webhook, 'orders', clients);
    await expect(remote).rejects.toMatchObject({ code: 'secret_malformed' });
    const local = await readSlackSecret(
      { ...webhook, secret: { source: 'secretsmanager', name: 'other' } },
      'orders',
      clients,
    );

    // Assess
    expect(local).toBe('http://127.0.0.1:4000/services/x');
  });
});
