import { LambdaClient } from '@aws-sdk/client-lambda';
import { memo, region, timeoutOptions } from './registry';

/** Invokes the plans' own functions (a restore test's validation hook), in the deployment's region. */
export const lambdaClient = () =>
  memo('lambda', () => new LambdaClient({ region: region(), ...timeoutOptions('lambda') }));
