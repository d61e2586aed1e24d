import { IAMClient } from '@aws-sdk/client-iam';
import { memo, timeoutOptions } from './registry';

/**
 * IAM is a global service whose control plane (and so its one endpoint) is in us-east-1 (IAM User Guide,
 * "Resilience in IAM"): readiness may use it, since nothing waits on readiness.
 */
export const IAM_REGION = 'us-east-1';
export const iamClient = () => memo('iam', () => new IAMClient({ region: IAM_REGION, ...timeoutOptions('iam') }));
