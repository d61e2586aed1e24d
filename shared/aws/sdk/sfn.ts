import { SFNClient } from '@aws-sdk/client-sfn';
import { memo, region, timeoutOptions } from './registry';

/** Step Functions in the deployment's region. */
export const sfnClient = () => memo('sfn', () => new SFNClient({ region: region(), ...timeoutOptions('sfn') }));
