import { SQSClient } from '@aws-sdk/client-sqs';
import { memo, region, timeoutOptions } from './registry';

/** The dead-letter queue's depth (readiness), in the deployment's region. */
export const sqsClient = () => memo('sqs', () => new SQSClient({ region: region(), ...timeoutOptions('sqs') }));
