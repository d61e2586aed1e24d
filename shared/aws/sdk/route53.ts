import { Route53Client } from '@aws-sdk/client-route-53';
import { config } from '../../runtime/config';
import { memo, timeoutOptions } from './registry';

/** Route 53, in the region that serves its edits (ROUTE53_REGION). */
export const route53Client = () =>
  memo('route53', () => new Route53Client({ region: config().ROUTE53_REGION, ...timeoutOptions('route53') }));
