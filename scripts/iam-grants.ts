/**
 * Each function's IAM grants as the packaged CloudFormation template gives them, and their comparison with the AWS
 * calls the function was seen to make (the IAM check in test/integration/drill-scenarios.test.ts records them by
 * running the real handlers in
 * every drill scenario). A call that no grant allows fails (AWS would answer AccessDenied); a grant that no call
 * uses fails too, unless an allowance names it with the reason the drill cannot reach it.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface TemplateLike {
  Resources: Record<string, { Type: string; Properties?: JsonObject }>;
}

/** One action on one resource, as a role grants it. */
export interface Grant {
  action: string;
  /**
   * The resource ARN pattern (IAM's `*` and `?` wildcards) with the pseudo parameters filled in; null when the
   * template names a resource of the stack itself (`!GetAtt LedgerTable.Arn`, `!Ref EventBus`): any call of the
   * action counts for it, since the drill's stand-ins have other names.
   */
  resource: string | null;
  /** The statement's Condition, when it has one (the simulator evaluates it; the comparison with calls does not). */
  condition?: JsonObject;
}

/** One AWS call a function made: its IAM action and, where IAM authorizes per resource, the resource's ARN. */
export interface Call {
  action: string;
  resources?: string[];
}

/** A grant the drill cannot show in use, kept on purpose. */
export interface Allowance {
  /** The function's short name, or `*` for every function. */
  function: string;
  action: string;
  /** Only grants whose resource pattern contains this text; any resource when omitted. */
  resource?: string;
  /** Why the grant is needed although no drill calls it. */
  reason: string;
}

/** Values for CloudFormation's pseudo parameters, those of the drill's simulated account. */
export interface PseudoParameters {
  partition: string;
  account: string;
  region: string;
}

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const asArray = (value: Json | undefined): Json[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Every statement under `value` (Fn::If branches included: a grant on either branch is a grant). */
const statementsIn = (value: unknown, found: JsonObject[] = []): JsonObject[] => {
  if (Array.isArray(value)) {
    for (const item of value) statementsIn(item, found);
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'Statement') {
        for (const statement of asArray(item)) if (isObject(statement)) found.push(statement);
      } else {
        statementsIn(item, found);
      }
    }
  }
  return found;
};

/** A statement's Resource entry as an ARN pattern; null for a resource of the stack (Ref, GetAtt, Sub naming one). */
const resourcePattern = (resource: Json, pseudo: PseudoParameters): string | null => {
  const text = typeof resource === 'string' ? resource : isObject(resource) ? resource['Fn::Sub'] : undefined;
  if (typeof text !== 'string') return null;
  const values: Record<string, string> = {
    'AWS::Partition': pseudo.partition,
    'AWS::AccountId': pseudo.account,
    'AWS::Region': pseudo.region,
  };
  // Fn::Sub's `${Name}`: the pseudo parameters are filled in; any other name refers to this stack.
  let stackReference = false;
  const resolved = text.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) stackReference = true;
    return value ?? whole;
  });
  return stackReference ? null : resolved;
};

/** The logical id of the role a function runs with (`Role: !GetAtt SomeRole.Arn`). */
const roleIdOf = (fn: { Properties?: JsonObject }): string | undefined => {
  const role = fn.Properties?.Role;
  const getAtt = isObject(role) ? role['Fn::GetAtt'] : undefined;
  return Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
};

/**
 * Each function's grants, by short name (the FunctionName after `prefix`, e.g. `switchback-dev-`): the role's
 * inline policies and any AWS::IAM::Policy or ManagedPolicy attached to that role. A function without a role of
 * this template maps to undefined.
 */
export const grantsByFunction = (
  template: TemplateLike,
  prefix: string,
  pseudo: PseudoParameters,
): Map<string, Grant[] | undefined> => {
  const grants = new Map<string, Grant[] | undefined>();
  const resources = template.Resources;
  for (const fn of Object.values(resources).filter((resource) => resource.Type === 'AWS::Lambda::Function')) {
    const functionName = fn.Properties?.FunctionName;
    if (typeof functionName !== 'string' || !functionName.startsWith(prefix)) continue;
    const name = functionName.slice(prefix.length);
    const roleId = roleIdOf(fn);
    const role = roleId ? resources[roleId] : undefined;
    if (!roleId || role?.Type !== 'AWS::IAM::Role') {
      grants.set(name, undefined);
      continue;
    }
    const attached = Object.values(resources).filter(
      (resource) =>
        (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') &&
        asArray(resource.Properties?.Roles).some((ref) => isObject(ref) && ref.Ref === roleId),
    );
    const statements = [
      ...statementsIn(role.Properties?.Policies),
      ...attached.flatMap((policy) => statementsIn(policy.Properties?.PolicyDocument)),
    ].filter((statement) => statement.Effect === 'Allow');
    grants.set(
      name,
      statements.flatMap((statement) =>
        asArray(statement.Action).flatMap((action) =>
          typeof action !== 'string'
            ? []
            : asArray(statement.Resource).map((resource) => ({
                action,
                resource: resourcePattern(resource, pseudo),
                ...(isObject(statement.Condition) ? { condition: statement.Condition } : {}),
              })),
        ),
      ),
    );
  }
  return grants;
};

/** IAM's wildcard match: `*` any run of characters, `?` one character, case-sensitive like ARNs. */
export const arnMatches = (pattern: string, arn: string): boolean => {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(arn);
};

const grantAllows = (grant: Grant, call: Call, resource: string | undefined): boolean =>
  grant.action === call.action &&
  (resource === undefined || grant.resource === null || arnMatches(grant.resource, resource));

const describe = (grant: Grant): string => `${grant.action} on ${grant.resource ?? 'a resource of this stack'}`;

const allowanceCovers = (allowance: Allowance, name: string, grant: Grant): boolean =>
  (allowance.function === '*' || allowance.function === name) &&
  allowance.action === grant.action &&
  (allowance.resource === undefined || (grant.resource ?? '').includes(allowance.resource));

/**
 * Compares what each function called with what its role grants. Returns one line per problem (empty: they match):
 * - a function of the template that made no call (the drill never ran it, so its role is unchecked);
 * - a function that made calls but has no role in the template;
 * - a call that no grant allows (AccessDenied in AWS);
 * - a grant that no call uses and no allowance explains;
 * - an allowance that explains nothing (its grant is gone, or the drill does call it now).
 */
export const compareGrants = (
  calls: ReadonlyMap<string, readonly Call[]>,
  grants: ReadonlyMap<string, readonly Grant[] | undefined>,
  allowances: readonly Allowance[],
): string[] => {
  const problems: string[] = [];
  const usedAllowances = new Set<Allowance>();
  const names = [...new Set([...grants.keys(), ...calls.keys()])].sort();
  for (const name of names) {
    const made = calls.get(name) ?? [];
    const granted = grants.get(name);
    if (!grants.has(name) || granted === undefined) {
      problems.push(
        `${name}: calls ${[...new Set(made.map((call) => call.action))].join(', ')} but has no role in the template (serverless.yml functions.${name}.role)`,
      );
      continue;
    }
    if (made.length === 0) {
      problems.push(
        `${name}: no drill invoked it or it made no AWS call, so its role cannot be checked: drive it in the IAM check in test/integration/drill-scenarios.test.ts`,
      );
      continue;
    }
    const missing = new Set<string>();
    for (const call of made) {
      for (const resource of call.resources?.length ? call.resources : [undefined]) {
        if (!granted.some((grant) => grantAllows(grant, call, resource))) {
          missing.add(`${call.action}${resource ? ` on ${resource}` : ''}`);
        }
      }
    }
    for (const line of missing) problems.push(`${name}: calls ${line}, which its role does not grant`);
    for (const grant of granted) {
      const used = made.some(
        (call) =>
          call.action === grant.action &&
          (grant.resource === null ||
            !call.resources?.length ||
            call.resources.some((resource) => arnMatches(grant.resource as string, resource))),
      );
      if (used) continue;
      const allowance = allowances.find((candidate) => allowanceCovers(candidate, name, grant));
      if (allowance) {
        usedAllowances.add(allowance);
        continue;
      }
      problems.push(`${name}: its role grants ${describe(grant)}, which no call uses: remove the grant`);
    }
  }
  for (const allowance of allowances) {
    if (!usedAllowances.has(allowance)) {
      problems.push(
        `allowance ${allowance.function} ${allowance.action}${allowance.resource ? ` (${allowance.resource})` : ''} explains no unused grant: remove it`,
      );
    }
  }
  return problems;
};
