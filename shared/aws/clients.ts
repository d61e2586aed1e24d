import { cloudwatchClient } from './sdk/cloudwatch';
import { dynamodbClient } from './sdk/dynamodb';
import { eventbridgeClient } from './sdk/eventbridge';
import { iamClient } from './sdk/iam';
import { lambdaClient } from './sdk/lambda';
import { rdsClient } from './sdk/rds';
import { route53Client } from './sdk/route53';
import { routingControlClient } from './sdk/routing-control';
import { schedulerClient } from './sdk/scheduler';
import { secretsManagerClient } from './sdk/secrets-manager';
import { sfnClient } from './sdk/sfn';
import { sqsClient } from './sdk/sqs';
import { ssmClient } from './sdk/ssm';
import { stsClient } from './sdk/sts';

/**
 * Every AWS SDK client factory at once, for the simulator and the tests that serve or stub every service. Product
 * code imports the one factory it needs from ./sdk/<service>, so that it loads (and bundles) only that SDK package:
 * importing this module loads all 14.
 */

export { IAM_REGION } from './sdk/iam';
export {
  CLIENT_TIMEOUTS,
  type ClientTimeouts,
  resetClients,
  type TimedService,
  timeoutOptions,
  useClientPlugin,
} from './sdk/registry';
export {
  cloudwatchClient,
  dynamodbClient,
  eventbridgeClient,
  iamClient,
  lambdaClient,
  rdsClient,
  route53Client,
  routingControlClient,
  schedulerClient,
  secretsManagerClient,
  sfnClient,
  sqsClient,
  ssmClient,
  stsClient,
};

/** All factories at once, for tests and the simulator (product code imports the one it needs). */
export const clients = {
  rds: rdsClient,
  route53: route53Client,
  cloudwatch: cloudwatchClient,
  eventbridge: eventbridgeClient,
  sfn: sfnClient,
  dynamodb: dynamodbClient,
  secretsManager: secretsManagerClient,
  ssm: ssmClient,
  sts: stsClient,
  routingControl: routingControlClient,
  lambda: lambdaClient,
  sqs: sqsClient,
  scheduler: schedulerClient,
  iam: iamClient,
};
