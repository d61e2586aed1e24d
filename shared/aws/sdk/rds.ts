import { RDSClient } from '@aws-sdk/client-rds';
import { memo, region, timeoutOptions } from './registry';

/** RDS in `name` (default: the deployment's region); a failover calls it in either region. */
export const rdsClient = (name?: string) =>
  memo(`rds:${region(name)}`, () => new RDSClient({ region: region(name), ...timeoutOptions('rds') }));
