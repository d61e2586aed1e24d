/** Which services a simulated region outage takes down (no runtime import: the CLI lists scenarios without the simulator). */

/** Regional services whose endpoints a region outage can take down. */
export type OutageService =
  | 'rds'
  | 'cloudwatch'
  | 'eventbridge'
  | 'sfn'
  | 'secretsmanager'
  | 'ssm'
  | 'sts'
  | 'route53'
  /** The region's endpoint of a Route 53 ARC cluster (routing control data plane). */
  | 'arc'
  /** Lambda Invoke (a restore test's validation hook, the team's function). */
  | 'lambda'
  /** SQS (readiness reads the dead-letter queue's depth). */
  | 'sqs'
  /** EventBridge Scheduler (readiness reads the readiness and restore-test schedules). */
  | 'scheduler'
  /** IAM's policy simulation (readiness): IAM's one endpoint is in us-east-1. */
  | 'iam';

/** Every service a region outage can take down (a whole-region outage such as `us-east-1-outage`). */
export const ALL_OUTAGE_SERVICES: readonly OutageService[] = [
  'rds',
  'cloudwatch',
  'eventbridge',
  'sfn',
  'secretsmanager',
  'ssm',
  'sts',
  'route53',
  'arc',
  'lambda',
  'sqs',
  'scheduler',
  'iam',
];
