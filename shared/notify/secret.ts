import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { awsErrorName, isThrottling } from '../aws/aws-errors';
import { NotificationDeliveryError, NotificationRejectedError } from '../errors';
import type { SlackSettings } from '../plan/schema';
import { rejectionFix } from './delivery';

/**
 * The Slack webhook URL or bot token, read from Secrets Manager or SSM (SecureString) as the plan names it, with
 * Powertools Parameters caching it between invocations. The value is never logged and never put in an error.
 */

/** Cached this long: a rotated secret is picked up within two minutes without a read per event. */
export const SECRET_MAX_AGE_SECONDS = 120;

/** Errors that mean "this secret cannot be read as configured": retrying will not help, a person must act. */
const CONFIGURATION_ERRORS = new Set([
  'ResourceNotFoundException',
  'ParameterNotFound',
  'ParameterVersionNotFound',
  'AccessDeniedException',
  'AccessDenied',
  'DecryptionFailure',
  'InvalidParameterException',
  'InvalidRequestException',
  'InvalidKeyId',
  'ValidationException',
]);

export interface SecretClients {
  secretsManager: () => SecretsManagerClient;
  ssm: () => SSMClient;
}

// One provider per SDK client, so Powertools' cache lives as long as the client (a drill that rebuilds its clients
// gets fresh providers and reads its simulator's secret).
const secretsProviders = new WeakMap<SecretsManagerClient, SecretsProvider>();
const ssmProviders = new WeakMap<SSMClient, SSMProvider>();

const secretsProvider = (client: SecretsManagerClient): SecretsProvider => {
  let provider = secretsProviders.get(client);
  if (!provider) {
    provider = new SecretsProvider({ awsSdkV3Client: client });
    secretsProviders.set(client, provider);
  }
  return provider;
};

const ssmProvider = (client: SSMClient): SSMProvider => {
  let provider = ssmProviders.get(client);
  if (!provider) {
    provider = new SSMProvider({ awsSdkV3Client: client });
    ssmProviders.set(client, provider);
  }
  return provider;
};

/** The root SDK error under Powertools' GetParameterError. */
const rootCause = (error: unknown): unknown => {
  let current = error;
  for (let depth = 0; depth < 5 && current instanceof Error && current.cause !== undefined; depth++) {
    current = current.cause;
  }
  return current;
};

/** A stored secret may be the bare value or JSON with one field holding it. */
const unwrap = (value: string): string => {
  const trimmed = value.trim();
  if (!trimmed.startsWith('{')) return trimmed;
  try {
    const parsed = JSON.parse(trimmed) as Record<string, unknown>;
    for (const key of ['url', 'webhookUrl', 'token', 'botToken']) {
      if (typeof parsed[key] === 'string') return (parsed[key] as string).trim();
    }
  } catch {
    // Not JSON after all: treated as the bare value and checked below.
  }
  return trimmed;
};

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Does the value look like what the delivery way needs? Checked without ever echoing it. */
const isUsable = (value: string, delivery: SlackSettings['delivery']): boolean => {
  if (delivery === 'bot') return /^\S+$/.test(value) && !/^https?:/i.test(value);
  try {
    const url = new URL(value);
    // Plain http only on loopback: a local drill's Slack simulator.
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  } catch {
    return false;
  }
};

/**
 * Reads the plan's Slack secret.
 *
 * @param settings - the plan's `notifications.slack`
 * @param plan - the plan's name, for the operator's fix text
 * @param clients - SDK clients (shared/aws/clients.ts), so a drill's simulator can serve the secret
 * @throws NotificationRejectedError when the secret is missing, unreadable or not a webhook URL / token
 * @throws NotificationDeliveryError when AWS throttled or failed (Lambda retries the event)
 */
export const readSlackSecret = async (
  settings: SlackSettings,
  plan: string,
  clients: SecretClients,
): Promise<string> => {
  const { source, name } = settings.secret;
  let value: unknown;
  try {
    value =
      source === 'secretsmanager'
        ? await secretsProvider(clients.secretsManager()).get(name, { maxAge: SECRET_MAX_AGE_SECONDS })
        : await ssmProvider(clients.ssm()).get(name, { decrypt: true, maxAge: SECRET_MAX_AGE_SECONDS });
  } catch (error) {
    const cause = rootCause(error);
    const errorName = awsErrorName(cause);
    if (!isThrottling(cause) && CONFIGURATION_ERRORS.has(errorName)) {
      throw new NotificationRejectedError(
        'secret_unavailable',
        `${errorName}: ${rejectionFix('secret_unavailable', settings, plan)}`,
      );
    }
    throw new NotificationDeliveryError(`Reading the Slack secret "${name}"`, 1, errorName);
  }
  const text =
    typeof value === 'string'
      ? unwrap(value)
      : value instanceof Uint8Array
        ? unwrap(Buffer.from(value).toString('utf8'))
        : '';
  if (!text || !isUsable(text, settings.delivery)) {
    throw new NotificationRejectedError('secret_malformed', rejectionFix('secret_malformed', settings, plan));
  }
  return text;
};
