import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { memo, region, timeoutOptions } from './registry';

/** Secrets Manager in the deployment's region. */
export const secretsManagerClient = () =>
  memo('secretsmanager', () => new SecretsManagerClient({ region: region(), ...timeoutOptions('secretsManager') }));
