import { Route53RecoveryClusterClient } from '@aws-sdk/client-route53-recovery-cluster';
import { memo, timeoutOptions } from './registry';

/** A Route 53 ARC cluster's data-plane endpoint in `region` (one client per endpoint URL). */
export const routingControlClient = (region: string, url: string) =>
  memo(
    `routing-control:${url}`,
    () => new Route53RecoveryClusterClient({ region, endpoint: url, ...timeoutOptions('routingControl') }),
  );
