import { STSClient } from '@aws-sdk/client-sts';
import { memo, region, timeoutOptions } from './registry';

/** STS in `name` (default: the deployment's region). */
export const stsClient = (name?: string) =>
  memo(`sts:${region(name)}`, () => new STSClient({ region: region(name), ...timeoutOptions('sts') }));
