import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { memo, region, timeoutOptions } from './registry';

/** The readiness and restore-test schedules (readiness), in the deployment's region. */
export const schedulerClient = () =>
  memo('scheduler', () => new SchedulerClient({ region: region(), ...timeoutOptions('scheduler') }));
