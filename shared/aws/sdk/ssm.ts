import { SSMClient } from '@aws-sdk/client-ssm';
import { memo, region, timeoutOptions } from './registry';

/** Systems Manager in `name` (default: the deployment's region). */
export const ssmClient = (name?: string) =>
  memo(`ssm:${region(name)}`, () => new SSMClient({ region: region(name), ...timeoutOptions('ssm') }));
