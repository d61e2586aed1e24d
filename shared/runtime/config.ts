import { ConfigError } from '../errors';
import * as z from '../zod';
import { onColdStart } from './warm';

/**
 * The environment, parsed once. Nothing else reads `process.env`: a missing or malformed variable fails the
 * function at start with the variable's name, not halfway through a failover.
 */
/** A comma-separated list, empty items dropped (`a,b` -> ['a', 'b'], unset -> []). */
const commaList = z.pipe(
  z._default(z.string(), ''),
  z.transform((text) =>
    text
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  ),
);

const envSchema = z.object({
  /** Folder of the deployed plans (packaged with every function). */
  PLANS_DIR: z._default(z.string().check(z.minLength(1)), 'plans'),
  /** DynamoDB table holding locks, plan state, runs and approvals. */
  LEDGER_TABLE: z._default(z.string().check(z.minLength(1)), 'switchback-ledger'),
  /** EventBridge bus that Switchback's own events go to. */
  EVENT_BUS_NAME: z._default(z.string().check(z.minLength(1)), 'default'),
  /** ARN of the failover state machine (on-health-alarm starts it). */
  FAILOVER_STATE_MACHINE_ARN: z._default(z.string(), ''),
  /** ARNs of the other runbooks' state machines (the game day starts each leg on its own). */
  FENCE_STATE_MACHINE_ARN: z._default(z.string(), ''),
  REPROTECT_STATE_MACHINE_ARN: z._default(z.string(), ''),
  FAILBACK_STATE_MACHINE_ARN: z._default(z.string(), ''),
  /** Events older than this are dropped as stale (EventBridge retries for up to 24 h). */
  MAX_EVENT_AGE_SECONDS: z._default(z.coerce.number().check(z.int(), z.positive()), 900),
  /**
   * Alarm events dated further ahead than this are dropped: CloudWatch, EventBridge and Lambda all keep AWS's
   * NTP-disciplined time, so a minute covers any honest skew, while an event from the future is forged or broken.
   */
  MAX_CLOCK_SKEW_SECONDS: z._default(z.coerce.number().check(z.int(), z.nonnegative()), 60),
  /** Region of the Route 53 control plane (record edits are served from us-east-1 only). */
  ROUTE53_REGION: z._default(z.string(), 'us-east-1'),
  /** The deployment's region (the standby region of its plans). */
  AWS_REGION: z._default(z.string(), 'us-east-1'),
  /** Base URL of the drill or run reports, linked from notifications. */
  REPORT_BASE_URL: z._default(z.string(), ''),
  /** CloudWatch metric namespace for recovery metrics. */
  METRICS_NAMESPACE: z._default(z.string(), 'Switchback'),
  /**
   * Switchback's own wiring that readiness checks (serverless.yml, the readiness function's environment), each a
   * comma-separated list: the EventBridge rules (`name` or `bus|name`), the state machine ARNs, the dead-letter
   * queue URLs. Empty: that part is not checked.
   */
  WIRING_RULES: commaList,
  WIRING_STATE_MACHINE_ARNS: commaList,
  WIRING_DEAD_LETTER_QUEUE_URLS: commaList,
  /** The EventBridge Scheduler schedules, each `name=targetArn` (scripts/plan-resources.js wiringSchedules). */
  WIRING_SCHEDULES: commaList,
  /**
   * The runbook steps' roles that readiness simulates (serverless.yml): `function=roleName,...`, names and not ARNs
   * (Lambda allows 4 KB of environment in all): readinessTargetsOf builds each ARN in the function's own partition
   * and account. Empty: not checked.
   */
  FUNCTION_ROLE_NAMES: z.pipe(
    commaList,
    z.transform((pairs, context) => {
      const roles: Record<string, string> = {};
      for (const pair of pairs) {
        const [name, role] = pair.split('=');
        // IAM role names: 1-64 of letters, digits and +=,.@_- (IAM API, CreateRole RoleName).
        if (!name || !role || !/^[\w+=,.@-]{1,64}$/.test(role)) {
          context.issues.push({
            code: 'custom',
            message: `expected function=roleName (an IAM role name, not an ARN), got "${pair}"`,
            input: pair,
          });
          continue;
        }
        roles[name] = role;
      }
      return roles;
    }),
  ),
});

export type Config = Readonly<z.output<typeof envSchema>>;

/** Parses an environment; exported for tests, which pass their own. */
export const parseConfig = (env: NodeJS.ProcessEnv): Config => {
  const result = envSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Environment is not valid: ${lines.join('; ')}`);
  }
  return Object.freeze(result.data);
};

let cached: Config | undefined;
// A new deployment (a drill's) reads its environment again.
onColdStart(() => {
  cached = undefined;
});

/** The process's configuration, parsed on first use and frozen. */
export const config = (): Config => {
  cached ??= parseConfig(process.env);
  return cached;
};

/**
 * The four runbooks' state machine ARNs (the game day starts each leg on its own state machine).
 *
 * @throws ConfigError naming the variable that is not set
 */
export const runbookStateMachineArns = (
  current: Config = config(),
): Record<'failover' | 'fence' | 'reprotect' | 'failback', string> => {
  const arns = {
    failover: current.FAILOVER_STATE_MACHINE_ARN,
    fence: current.FENCE_STATE_MACHINE_ARN,
    reprotect: current.REPROTECT_STATE_MACHINE_ARN,
    failback: current.FAILBACK_STATE_MACHINE_ARN,
  };
  for (const [action, arn] of Object.entries(arns)) {
    if (!arn) {
      throw new ConfigError(
        `${action.toUpperCase()}_STATE_MACHINE_ARN is not set: set it to the ${action} state machine ARN (serverless.yml sets it for the game-day functions)`,
      );
    }
  }
  return arns;
};
