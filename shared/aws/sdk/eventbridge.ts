import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { memo, region, timeoutOptions } from './registry';

/** EventBridge in the deployment's region. */
export const eventbridgeClient = () =>
  memo('eventbridge', () => new EventBridgeClient({ region: region(), ...timeoutOptions('eventbridge') }));
