import { arnMatches, type Grant, grantsByFunction, type JsonObject, type TemplateLike } from '../../scripts/iam-grants';
import { STEP_FUNCTIONS } from '../../shared/domain/step-permissions';
import { awsError } from '../errors';
import { type Loose, readServerlessConfig } from '../serverless-config';

/**
 * IAM's policy simulator (SimulatePrincipalPolicy) for the drill's deployment: each function's role holds the
 * grants serverless.yml gives it for the deployment's plans (plans/), read from serverless.yml itself (its
 * CloudFormation tags and its `${self:…}` / `${file(./scripts/plan-resources.js):…}` variables resolved the way
 * serverless does, for stage `dev`), so the simulation denies what the deployed role would. What it evaluates:
 * Allow statements, their resource patterns, and the condition operators Switchback's roles use (String*, and their
 * ForAllValues / ForAnyValue forms); an operator it does not know never allows (it refuses rather than guesses).
 * Failure modes: an unknown role (NoSuchEntity), IAM's endpoint (us-east-1) down, actions an organization's
 * SCP denies (drift), which IAM reports as an explicit deny with AllowedByOrganizations false, and grants taken out
 * of a role after deployment (drift), which IAM reports as an implicit deny.
 */

/** The drill deployment's role names: `switchback-drill-<function>`. */
const ROLE_PREFIX = 'switchback-drill-';
/**
 * The drill deployment's stage: `${self:custom.prefix}` is then `switchback-drill`, the prefix of the drill's roles,
 * state machines and schedules (sim/models/wiring.ts), so a grant on `<prefix>-failover`'s executions names the
 * drill's.
 */
const STAGE = 'drill';

/** The drill deployment's role ARN of each runbook step (the readiness function's FUNCTION_ROLE_NAMES, as ARNs). */
export const simRoleArns = (account: string): Record<string, string> =>
  Object.fromEntries(STEP_FUNCTIONS.map((fn) => [fn, `arn:aws:iam::${account}:role/${ROLE_PREFIX}${fn}`]));

/** The readiness function's environment for those roles, as serverless.yml writes it (names, not ARNs). */
export const roleEnvironment = (): Record<string, string> => ({
  FUNCTION_ROLE_NAMES: STEP_FUNCTIONS.map((fn) => `${fn}=${ROLE_PREFIX}${fn}`).join(','),
});

/** Resolves serverless's variables in `value` (those Switchback's serverless.yml uses), recursively. */
const resolveVariables = (
  value: Loose,
  config: { [key: string]: Loose },
  planResources: Record<string, () => Loose>,
): Loose => {
  if (Array.isArray(value)) return value.map((item) => resolveVariables(item, config, planResources));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, resolveVariables(item, config, planResources)]),
    );
  }
  if (typeof value !== 'string') return value;
  const whole = /^\$\{file\(\.\/scripts\/plan-resources\.js\):(\w+)\}$/.exec(value);
  if (whole?.[1]) {
    const produce = planResources[whole[1]];
    if (!produce) throw new Error(`scripts/plan-resources.js exports no ${whole[1]}`);
    return resolveVariables(produce(), config, planResources);
  }
  const lookup = (path: string): Loose =>
    path
      .split('.')
      .reduce<Loose>(
        (node, key) => (node && typeof node === 'object' && !Array.isArray(node) ? (node[key] ?? null) : null),
        config,
      );
  let text = value;
  for (let pass = 0; pass < 10 && /\$\{(self|sls|opt):/.test(text); pass += 1) {
    text = text.replace(
      /\$\{(self|sls|opt):([^},]+)(?:,\s*'([^']*)')?\}/g,
      (_whole, source: string, path: string, fallback?: string) => {
        if (source === 'sls') return path === 'stage' ? STAGE : '';
        if (source === 'opt') return fallback ?? '';
        const found = lookup(path.trim());
        return typeof found === 'string' ? found : '';
      },
    );
  }
  return text;
};

/** Each function's grants as serverless.yml gives them, by function name (grantsByFunction of the resolved template). */
const grantsCache = new Map<string, Map<string, Grant[] | undefined>>();

/** serverlessGrants, read once per process for each account and region (every drill's world asks the same). */
const cachedGrants = (account: string, region: string): Map<string, Grant[] | undefined> => {
  const key = `${account}/${region}`;
  let grants = grantsCache.get(key);
  if (!grants) {
    grants = serverlessGrants(account, region);
    grantsCache.set(key, grants);
  }
  return grants;
};

export const serverlessGrants = (account: string, region: string): Map<string, Grant[] | undefined> => {
  const config = readServerlessConfig();
  const planResources = require('../../scripts/plan-resources.js') as Record<string, () => Loose>;
  // A grant on a state machine (`!Ref FailoverStateMachine`) names the drill's: its ARN, as the stack would resolve it.
  const machines = (config.stepFunctions as { [key: string]: Loose } | undefined)?.stateMachines;
  const machineArns = new Map(
    Object.values(machines && typeof machines === 'object' && !Array.isArray(machines) ? machines : {}).flatMap(
      (machine) => {
        if (!machine || typeof machine !== 'object' || Array.isArray(machine)) return [];
        const name = resolveVariables(machine.name ?? null, config, planResources);
        return typeof machine.id === 'string' && typeof name === 'string'
          ? [[machine.id, `arn:aws:states:${region}:${account}:stateMachine:${name}`] as const]
          : [];
      },
    ),
  );
  const withMachines = (value: Loose): Loose => {
    if (Array.isArray(value)) return value.map(withMachines);
    if (value === null || typeof value !== 'object') return value;
    if (typeof value.Ref === 'string' && machineArns.has(value.Ref)) return machineArns.get(value.Ref) ?? null;
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withMachines(item)]));
  };
  const fragments = withMachines(resolveVariables(config.resources ?? [], config, planResources));
  const resources: TemplateLike['Resources'] = {};
  for (const fragment of Array.isArray(fragments) ? fragments : [fragments]) {
    if (fragment && typeof fragment === 'object' && !Array.isArray(fragment)) {
      Object.assign(resources, fragment.Resources ?? {});
    }
  }
  const functions = (config.functions ?? {}) as { [name: string]: { role?: string } };
  for (const [name, fn] of Object.entries(functions)) {
    if (!fn.role) continue;
    resources[`${name}SimFunction`] = {
      Type: 'AWS::Lambda::Function',
      Properties: { FunctionName: `${ROLE_PREFIX}${name}`, Role: { 'Fn::GetAtt': [fn.role, 'Arn'] } },
    };
  }
  return grantsByFunction({ Resources: resources }, ROLE_PREFIX, { partition: 'aws', account, region });
};

const asStrings = (value: unknown): string[] =>
  (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string');

/** IAM's evaluation of one Condition block against the request's context (key -> values). */
export const conditionHolds = (condition: JsonObject, context: ReadonlyMap<string, readonly string[]>): boolean =>
  Object.entries(condition).every(([operator, tests]) => {
    const [qualifier, base] = operator.includes(':') ? operator.split(':') : [undefined, operator];
    const compare =
      base === 'StringEquals'
        ? (actual: string, expected: string) => actual === expected
        : base === 'StringLike'
          ? (actual: string, expected: string) => arnMatches(expected, actual)
          : undefined;
    if (!compare || tests === null || typeof tests !== 'object' || Array.isArray(tests)) return false;
    return Object.entries(tests).every(([key, expected]) => {
      const allowed = asStrings(expected);
      const actual = context.get(key);
      const matches = (value: string) => allowed.some((candidate) => compare(value, candidate));
      if (qualifier === 'ForAllValues') return (actual ?? []).every(matches);
      if (actual === undefined || actual.length === 0) return false;
      return qualifier === 'ForAnyValue' ? actual.some(matches) : actual.length === 1 && matches(actual[0] as string);
    });
  });

export interface IamDrift {
  /** Actions an SCP of the organization denies to every role (IAM: explicitDeny, AllowedByOrganizations false). */
  deniedByOrganizations?: readonly string[];
  /**
   * Grants taken out of a function's role after deployment (a hand-edited policy): `action` no longer allowed to
   * `function`'s role on any resource (IAM: implicitDeny).
   */
  revoked?: readonly { function: string; action: string }[];
}

export class IamModel {
  #roles: Map<string, Grant[]> | undefined;
  readonly #account: string;
  readonly #region: string;
  readonly #drift: IamDrift;

  constructor(account: string, region: string, drift: IamDrift = {}) {
    this.#account = account;
    this.#region = region;
    this.#drift = drift;
  }

  /** The roles, read from serverless.yml on the first simulation (most drills never simulate). */
  #rolesNow(): Map<string, Grant[]> {
    if (!this.#roles) {
      const grants = cachedGrants(this.#account, this.#region);
      const revoked = (fn: string, action: string) =>
        this.#drift.revoked?.some((one) => one.function === fn && one.action === action) ?? false;
      this.#roles = new Map(
        Object.entries(simRoleArns(this.#account)).map(([fn, arn]) => [
          arn,
          (grants.get(fn) ?? []).filter((grant) => !revoked(fn, grant.action)),
        ]),
      );
    }
    return this.#roles;
  }

  /** SimulatePrincipalPolicy for one of the deployment's roles: one result per action, one per resource in it. */
  simulatePrincipalPolicy(input: {
    PolicySourceArn?: string;
    ActionNames?: string[];
    ResourceArns?: string[];
    ContextEntries?: { ContextKeyName?: string; ContextKeyValues?: string[] }[];
  }) {
    const grants = this.#rolesNow().get(input.PolicySourceArn ?? '');
    if (!grants) {
      throw awsError('IAMClient', {
        code: 'NoSuchEntity',
        message: `The role with name ${String(input.PolicySourceArn).split('/').at(-1)} cannot be found.`,
        status: 404,
      });
    }
    const context = new Map(
      (input.ContextEntries ?? []).map((entry) => [entry.ContextKeyName ?? '', entry.ContextKeyValues ?? []]),
    );
    const resources = input.ResourceArns?.length ? input.ResourceArns : ['*'];
    const EvaluationResults = (input.ActionNames ?? []).map((action) => {
      const denied = this.#drift.deniedByOrganizations?.includes(action) ?? false;
      const decide = (resource: string) =>
        denied
          ? 'explicitDeny'
          : grants.some(
                (grant) =>
                  grant.action === action &&
                  grant.resource !== null &&
                  arnMatches(grant.resource, resource) &&
                  (!grant.condition || conditionHolds(grant.condition, context)),
              )
            ? 'allowed'
            : 'implicitDeny';
      const specific = resources.map((resource) => ({
        EvalResourceName: resource,
        EvalResourceDecision: decide(resource),
      }));
      return {
        EvalActionName: action,
        EvalResourceName: resources.length === 1 ? resources[0] : '*',
        EvalDecision: specific.every((one) => one.EvalResourceDecision === 'allowed')
          ? 'allowed'
          : denied
            ? 'explicitDeny'
            : 'implicitDeny',
        ResourceSpecificResults: specific,
        OrganizationsDecisionDetail: { AllowedByOrganizations: !denied },
      };
    });
    return { EvaluationResults, IsTruncated: false };
  }
}
