import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { memo, region, timeoutOptions } from './registry';

/** CloudWatch in `name` (default: the deployment's region). */
export const cloudwatchClient = (name?: string) =>
  memo(
    `cloudwatch:${region(name)}`,
    () => new CloudWatchClient({ region: region(name), ...timeoutOptions('cloudwatch') }),
  );
