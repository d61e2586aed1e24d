import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { intakeAlarmStates, planSignals } from '../shared/domain/quorum';
import { STEP_FUNCTIONS } from '../shared/domain/step-permissions';
import { loadPlanDirectory } from '../shared/plan/load';
import { type Plan, proberAlarmName } from '../shared/plan/schema';

/**
 * Checks the CloudFormation template that `serverless package` wrote, before anyone deploys it: the functions, one
 * state machine per statemachines/<runbook>.asl.json with that definition exactly, the alarm rule
 * with every plan's alarms and this account only, the ledger table with point-in-time recovery, and no wildcard
 * IAM action. Prints each function zip's size. Exit 1, with one line per problem, when
 * a check fails. Run by `npm run package` after `serverless package`.
 */

/** The functions the product consists of (serverless.yml `functions`, the ASL's FunctionName suffixes). */
export const EXPECTED_FUNCTIONS = [
  'on-health-alarm',
  'assess',
  'request-approval',
  'promote-database',
  'check-promotion',
  'flip-dns',
  'check-dns-sync',
  'verify-recovery',
  'record-outcome',
  'release-lock',
  'on-run-failed',
  'notify',
  'assess-fence',
  'fence-database',
  'fence-record',
  'record-fence',
  'start-fence',
  'assess-reprotect',
  'reprotect-database',
  'record-reprotect',
  'assess-failback',
  'set-write-pause',
  'check-failback-lag',
  'fail-back-database',
  'verify-failback',
  'record-failback',
  'start-reprotect-back',
  'assess-game-day',
  'start-game-day-leg',
  'check-game-day-leg',
  'record-game-day',
  'plan-restore-test',
  'start-restore',
  'check-restore',
  'validate-restore',
  'clean-up-restore',
  'record-restore-test',
  'readiness',
  'probe-primary',
] as const;

/** A runbook's state machine id in serverless.yml (`stepFunctions.stateMachines.<x>.id`): restore-test -> RestoreTestStateMachine. */
export const stateMachineIdOf = (runbook: string): string =>
  `${runbook
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')}StateMachine`;

/**
 * Every runbook's source ASL as text (each `statemachines/<runbook>.asl.json`), by state machine id: a runbook
 * added there is checked without an edit here.
 */
export const readSourceDefinitions = (root: string): Record<string, string> =>
  Object.fromEntries(
    readdirSync(join(root, 'statemachines'))
      .filter((file) => file.endsWith('.asl.json'))
      .sort()
      .map((file) => [
        stateMachineIdOf(file.slice(0, -'.asl.json'.length)),
        readFileSync(join(root, 'statemachines', file), 'utf8'),
      ]),
  );

/** The runbook of a state machine id (RestoreTestStateMachine -> restore-test), for messages. */
const runbookOf = (id: string): string =>
  id
    .replace(/StateMachine$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
interface Resource {
  Type: string;
  Properties?: JsonObject;
}
export interface Template {
  Resources: Record<string, Resource>;
}

export interface CheckResult {
  problems: string[];
  /** What was found, for the report. */
  passed: string[];
  /** Function name -> zip file name (the S3 key's last part), for the size report. */
  zips: Record<string, string>;
}

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const asArray = (value: Json | undefined): Json[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const strings = (value: Json | undefined): string[] =>
  asArray(value).filter((item): item is string => typeof item === 'string');

const resourcesOf = (template: Template, type: string): [string, Resource][] =>
  Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);

/** Every IAM statement anywhere in the template (role policies, Fn::If branches, managed and queue policies). */
const statementsIn = (value: unknown, found: JsonObject[] = []): JsonObject[] => {
  if (Array.isArray(value)) {
    for (const item of value) statementsIn(item, found);
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (key === 'Statement') {
        for (const statement of asArray(item)) if (isObject(statement)) found.push(statement);
      }
      statementsIn(item, found);
    }
  }
  return found;
};

/** An action that grants more than one named API call: `*`, `s3:*`, `rds:Describe*`. */
const isWildcardAction = (action: string): boolean => action.includes('*') || action.includes('?');

const functionNames = (template: Template): Map<string, string> => {
  const byLogicalId = new Map<string, string>();
  for (const [id, resource] of resourcesOf(template, 'AWS::Lambda::Function')) {
    const name = resource.Properties?.FunctionName;
    if (typeof name === 'string') byLogicalId.set(id, name);
  }
  return byLogicalId;
};

/** The logical id a rule target points at (`{ "Fn::GetAtt": [id, "Arn"] }`). */
const targetIds = (rule: Resource): string[] =>
  asArray(rule.Properties?.Targets).flatMap((target) => {
    const arn = isObject(target) ? target.Arn : undefined;
    const getAtt = isObject(arn) ? arn['Fn::GetAtt'] : undefined;
    return Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? [getAtt[0]] : [];
  });

/** The first path at which two JSON values differ (`States.Recovered.QueryLanguage`); undefined when equal. */
export const firstDifference = (actual: unknown, expected: unknown, path = ''): string | undefined => {
  if (isDeepStrictEqual(actual, expected)) return undefined;
  const bothObjects = [actual, expected].every((value) => typeof value === 'object' && value !== null);
  if (!bothObjects || Array.isArray(actual) !== Array.isArray(expected)) return path || '(the whole definition)';
  const keys = [...new Set([...Object.keys(actual as object), ...Object.keys(expected as object)])];
  for (const key of keys) {
    const inner = firstDifference(
      (actual as Record<string, unknown>)[key],
      (expected as Record<string, unknown>)[key],
      path ? `${path}.${key}` : key,
    );
    if (inner) return inner;
  }
  return path || '(the whole definition)';
};

const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && [...a].sort().every((item, index) => item === [...b].sort()[index]);

/**
 * Checks a packaged template against what Switchback must deploy.
 *
 * @param template - .serverless/cloudformation-template-update-stack.json, parsed
 * @param alarmNames - every plan's trigger signals: its alarms and its prober's alarm (the alarm rule must match
 *   exactly these)
 * @param sourceDefinitions - each runbook's statemachines/<runbook>.asl.json as text, by state machine id: the
 *   packaged definition must be the same, apart from the function names that serverless resolves
 * @param alarmStates - the alarm states the rule must let through (shared/domain/quorum.ts intakeAlarmStates)
 * @param stackName - the stack's name (`<service>-<stage>`), for the size of the functions' environments
 */
export const checkTemplate = (
  template: Template,
  alarmNames: readonly string[],
  sourceDefinitions: Readonly<Record<string, string>>,
  alarmStates: readonly string[] = ['ALARM'],
  stackName = 'switchback-dev',
): CheckResult => {
  const problems: string[] = [];
  const passed: string[] = [];
  const zips: Record<string, string> = {};
  const functions = functionNames(template);
  const logicalIdOf = (suffix: string): string | undefined =>
    [...functions.entries()].find(([, name]) => name.endsWith(`-${suffix}`))?.[0];

  // Functions.
  for (const name of EXPECTED_FUNCTIONS) {
    const id = logicalIdOf(name);
    if (!id) {
      problems.push(`function "${name}" is missing (serverless.yml functions.${name})`);
      continue;
    }
    const key = (template.Resources[id]?.Properties?.Code as JsonObject | undefined)?.S3Key;
    if (typeof key === 'string') zips[name] = basename(key);
  }
  if (problems.length === 0) passed.push(`${EXPECTED_FUNCTIONS.length} functions`);

  // Each runbook's state machine, with every FunctionName resolved to a function of this template.
  const machines = resourcesOf(template, 'AWS::StepFunctions::StateMachine');
  for (const [id] of machines) {
    if (!(id in sourceDefinitions)) {
      problems.push(
        `state machine "${id}" has no source statemachines/${runbookOf(id)}.asl.json: add it, or remove the state machine`,
      );
    }
  }
  for (const [machineId, source] of Object.entries(sourceDefinitions)) {
    const runbook = runbookOf(machineId);
    const machine = machines.find(([id]) => id === machineId)?.[1];
    const label = `the state machine ${machineId}`;
    if (!machine) {
      problems.push(
        `state machine "${machineId}" is missing (serverless.yml stepFunctions, id: ${machineId}, definition statemachines/${runbook}.asl.json)`,
      );
      continue;
    }
    const definition = machine.Properties?.DefinitionString;
    const text = typeof definition === 'string' ? definition : JSON.stringify(definition ?? '');
    const invoked = [...text.matchAll(/"FunctionName"\s*:\s*"([^"]+)"/g)].map((match) => match[1] ?? '');
    const known = new Set(functions.values());
    const unknown = [...new Set(invoked.filter((name) => !known.has(name)))];
    if (invoked.length === 0) problems.push(`${label} invokes no function`);
    if (unknown.length > 0) problems.push(`${label} invokes functions this stack lacks: ${unknown.join(', ')}`);
    if (text.includes('${')) problems.push(`${label} definition has an unresolved \${…} variable`);
    if (invoked.length > 0 && unknown.length === 0) {
      passed.push(`state machine ${machineId} (${new Set(invoked).size} task functions)`);
    }
    // The definition as written and validated (npm run validate:asl): a packager that adds fields (the plugin's
    // validator writes QueryLanguage into every state, which CloudFormation's schema refuses on Succeed states)
    // deploys something nobody tested.
    const assess = [...functions.values()].find((name) => name.endsWith('-assess'));
    const prefix = assess ? assess.slice(0, -'assess'.length) : '';
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the serverless variables in the source ASL.
    const expected = JSON.parse(source.replaceAll('${self:service}-${sls:stage}-', prefix));
    let packaged: unknown;
    try {
      packaged = JSON.parse(text);
    } catch {
      packaged = text;
    }
    const difference = firstDifference(packaged, expected);
    if (difference) {
      problems.push(
        `the packaged ${runbook} definition differs from statemachines/${runbook}.asl.json at ${difference}: package it untouched (stepFunctions.validate stays off)`,
      );
    } else {
      passed.push(`${runbook} definition packaged as statemachines/${runbook}.asl.json has it`);
    }
  }

  // The alarm rule: every plan's alarms, ALARM state only, to on-health-alarm.
  const alarmRules = resourcesOf(template, 'AWS::Events::Rule').filter(([, rule]) => {
    const pattern = rule.Properties?.EventPattern;
    return isObject(pattern) && strings(pattern.source).includes('aws.cloudwatch');
  });
  const alarmRule = alarmRules[0]?.[1];
  if (!alarmRule) {
    problems.push('no EventBridge rule on source aws.cloudwatch (on-health-alarm events)');
  } else {
    const pattern = alarmRule.Properties?.EventPattern as JsonObject;
    const detail = isObject(pattern.detail) ? pattern.detail : {};
    const names = strings(detail.alarmName);
    const state = isObject(detail.state) ? strings(detail.state.value) : [];
    if (!sameSet(names, alarmNames)) {
      problems.push(
        `the alarm rule matches [${names.join(', ')}] but the plans name [${alarmNames.join(', ')}]: repackage`,
      );
    }
    if (!strings(pattern['detail-type']).includes('CloudWatch Alarm State Change')) {
      problems.push('the alarm rule does not match detail-type "CloudWatch Alarm State Change"');
    }
    if (!sameSet(state, alarmStates)) {
      problems.push(
        `the alarm rule must match detail.state.value ${JSON.stringify(alarmStates)} only${alarmStates.length > 1 ? ' (a plan has a trigger.quorum)' : ''}`,
      );
    }
    // An alarm of the same name in another account (forwarded to this bus) must not start a failover here.
    const accounts = asArray(pattern.account);
    const onlyThisAccount = accounts.length === 1 && isObject(accounts[0]) && accounts[0].Ref === 'AWS::AccountId';
    if (!onlyThisAccount) problems.push('the alarm rule must match this account only (account: [!Ref AWS::AccountId])');
    const target = logicalIdOf('on-health-alarm');
    if (!target || !targetIds(alarmRule).includes(target))
      problems.push('the alarm rule does not target on-health-alarm');
    if (sameSet(names, alarmNames) && onlyThisAccount) {
      passed.push(`alarm rule on ${names.length} plan alarm(s) of this account: ${names.join(', ')}`);
    }
  }

  // The ledger: the evidence of every run, recoverable to any second of the last 35 days.
  const tables = resourcesOf(template, 'AWS::DynamoDB::Table');
  const ledger = tables.find(([id]) => id === 'LedgerTable')?.[1];
  if (!ledger) {
    problems.push('the ledger table "LedgerTable" is missing');
  } else {
    const properties = ledger.Properties ?? {};
    const pitr = properties.PointInTimeRecoverySpecification;
    if (!isObject(pitr) || pitr.PointInTimeRecoveryEnabled !== true) {
      problems.push('the ledger table has no point-in-time recovery (PointInTimeRecoveryEnabled: true)');
    } else {
      passed.push('ledger table with point-in-time recovery');
    }
  }

  // Least privilege: no action that names more than one API call.
  for (const statement of statementsIn(template.Resources)) {
    // A Deny with a wildcard (the deployment bucket refusing plain HTTP) takes rights away: it is not a grant.
    if (statement.Effect === 'Deny') continue;
    if (statement.NotAction !== undefined) problems.push('an IAM statement uses NotAction (it grants everything else)');
    for (const action of strings(statement.Action)) {
      if (isWildcardAction(action)) problems.push(`an IAM statement grants the wildcard action "${action}"`);
    }
  }
  if (!problems.some((problem) => problem.includes('IAM statement'))) passed.push('no wildcard IAM action');

  const wiringProblems = checkReadinessWiring(template);
  problems.push(...wiringProblems);
  if (wiringProblems.length === 0) {
    passed.push('readiness checks every rule, state machine, schedule and queue of the stack');
  }

  const simulationProblems = checkRoleSimulation(template);
  problems.push(...simulationProblems);
  if (simulationProblems.length === 0) {
    passed.push(
      `readiness simulates the ${STEP_FUNCTIONS.length} roles that act (on the plans, or starting runbooks, or putting metrics), and only those`,
    );
  }

  const actionProblems = checkAlarmActions(template);
  problems.push(...actionProblems);
  if (actionProblems.length === 0) passed.push('every PlanReady and restore-test alarm notifies the alerts topic');

  const alarmProblems = checkAlarmIncidentWrites(template);
  problems.push(...alarmProblems);
  if (alarmProblems.length === 0) passed.push('only on-health-alarm writes alarm incidents');

  const environments = checkEnvironmentSizes(template, stackName);
  problems.push(...environments.problems);
  const [largest] = environments.sizes;
  if (environments.problems.length === 0 && largest) {
    passed.push(
      `every function environment within Lambda's ${LAMBDA_ENVIRONMENT_LIMIT_BYTES} bytes: the largest, ${largest.function}, can reach ${largest.bytes} (${largest.largest?.name} ${largest.largest?.bytes})`,
    );
  }

  return { problems, passed, zips };
};

/**
 * Lambda refuses a function whose environment variables, keys and values together, exceed 4 KB (Lambda Developer
 * Guide, "Working with Lambda environment variables"; the deployment would fail at CreateFunction/UpdateFunction).
 */
export const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;

/**
 * The longest a deployed value can be, where the template holds an intrinsic: pseudo parameters at their longest
 * (partition aws-us-gov, a 14-character region such as ap-southeast-2), and a name CloudFormation generates (a role
 * without RoleName) as `<stack>-<logical id>-<13 characters>`, cut at IAM's 64 (the form CloudFormation gives
 * physical ids); other generated names at 64.
 */
const LONGEST = {
  'AWS::Partition': 'aws-us-gov',
  'AWS::Region': 'ap-southeast-2',
  'AWS::AccountId': '123456789012',
  'AWS::URLSuffix': 'amazonaws.com',
  generatedName: 'x'.repeat(64),
} as const;

const generatedName = (stackName: string, id: string): string => `${stackName}-${id}-${'X'.repeat(13)}`.slice(0, 64);

/** A value's longest deployed form, with the intrinsic functions the environments use resolved at their longest. */
const longestValue = (template: Template, value: Json | undefined, stackName: string): string => {
  const pseudo = (name: string): string | undefined =>
    name === 'AWS::StackName' ? stackName : LONGEST[name as keyof typeof LONGEST];
  const named = (id: string, property: string): string => {
    const given = template.Resources[id]?.Properties?.[property];
    return given === undefined ? generatedName(stackName, id) : longestValue(template, given, stackName);
  };
  const { 'AWS::Partition': partition, 'AWS::Region': region, 'AWS::AccountId': account } = LONGEST;
  const ref = (id: string): string => {
    const known = pseudo(id);
    if (known !== undefined) return known;
    switch (template.Resources[id]?.Type) {
      case 'AWS::Lambda::Function':
        return named(id, 'FunctionName');
      case 'AWS::StepFunctions::StateMachine':
        return `arn:${partition}:states:${region}:${account}:stateMachine:${named(id, 'StateMachineName')}`;
      case 'AWS::SQS::Queue':
        return `https://sqs.${region}.${LONGEST['AWS::URLSuffix']}/${account}/${named(id, 'QueueName')}`;
      case 'AWS::Events::EventBus':
        return named(id, 'Name');
      case 'AWS::IAM::Role':
        return named(id, 'RoleName');
      default:
        return LONGEST.generatedName;
    }
  };
  const getAtt = (id: string, attribute: string): string => {
    const type = template.Resources[id]?.Type ?? '';
    if (attribute !== 'Arn') return LONGEST.generatedName;
    if (type === 'AWS::IAM::Role') return `arn:${partition}:iam::${account}:role/${named(id, 'RoleName')}`;
    if (type === 'AWS::Lambda::Function') {
      return `arn:${partition}:lambda:${region}:${account}:function:${named(id, 'FunctionName')}`;
    }
    return `arn:${partition}:${type.split('::')[1]?.toLowerCase() ?? 'x'}:${region}:${account}:${LONGEST.generatedName}`;
  };
  const sub = (text: string, variables: JsonObject = {}): string =>
    text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
      if (name in variables) return longestValue(template, variables[name], stackName);
      const [id, attribute] = name.split('.');
      return attribute ? getAtt(id as string, attribute) : ref(name);
    });
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (!isObject(value)) return '';
  if (typeof value.Ref === 'string') return ref(value.Ref);
  const att = value['Fn::GetAtt'];
  if (Array.isArray(att)) return getAtt(String(att[0]), String(att[1]));
  const subbed = value['Fn::Sub'];
  if (typeof subbed === 'string') return sub(subbed);
  if (Array.isArray(subbed)) return sub(String(subbed[0]), isObject(subbed[1]) ? subbed[1] : {});
  const join = value['Fn::Join'];
  if (Array.isArray(join)) {
    return asArray(join[1])
      .map((item) => longestValue(template, item, stackName))
      .join(String(join[0]));
  }
  // Another intrinsic (Fn::If, Fn::Select, ...): its whole text, a generous bound.
  return JSON.stringify(value);
};

/** One function's environment at its longest: its size in bytes (keys and values) and the largest variable. */
export interface EnvironmentSize {
  function: string;
  bytes: number;
  largest?: { name: string; bytes: number };
}

/**
 * The size of each function's environment at its longest deployed form (longestValue) in the stack `stackName`
 * (serverless: `<service>-<stage>`), largest first, and a problem
 * for each above Lambda's 4 KB, naming the function, its size, its largest variable and the fix.
 */
export const checkEnvironmentSizes = (
  template: Template,
  stackName: string,
): { problems: string[]; sizes: EnvironmentSize[] } => {
  const sizes = resourcesOf(template, 'AWS::Lambda::Function')
    .map(([id, fn]): EnvironmentSize => {
      const environment = fn.Properties?.Environment;
      const variables = isObject(environment) && isObject(environment.Variables) ? environment.Variables : {};
      const each = Object.entries(variables).map(([name, value]) => ({
        name,
        bytes: Buffer.byteLength(name) + Buffer.byteLength(longestValue(template, value, stackName)),
      }));
      const largest = [...each].sort((a, b) => b.bytes - a.bytes)[0];
      return {
        function: String(fn.Properties?.FunctionName ?? id),
        bytes: each.reduce((total, variable) => total + variable.bytes, 0),
        ...(largest ? { largest } : {}),
      };
    })
    .sort((a, b) => b.bytes - a.bytes);
  const problems = sizes
    .filter((size) => size.bytes > LAMBDA_ENVIRONMENT_LIMIT_BYTES)
    .map(
      (size) =>
        `the environment of ${size.function} can reach ${size.bytes} bytes, over Lambda's ${LAMBDA_ENVIRONMENT_LIMIT_BYTES} (keys and values together; the deployment would fail): its largest variable is ${size.largest?.name} (${size.largest?.bytes} bytes); pass names instead of ARNs, or split the plans into more deployments`,
    );
  return { problems, sizes };
};

/** A CloudFormation value as text: a string, `Ref`, `Fn::GetAtt` or `Fn::Sub` (for comparing, not resolving). */
const refText = (value: Json | undefined): string =>
  typeof value === 'string' ? value : isObject(value) ? JSON.stringify(value) : String(value);

/**
 * Readiness asks IAM's policy simulator whether each runbook role that acts on the plans' resources
 * (shared/domain/step-permissions.ts STEP_FUNCTIONS) still may: its FUNCTION_ROLE_NAMES must name each of those
 * functions with the role that function really runs with, and its role may call iam:SimulatePrincipalPolicy on
 * exactly those roles (least privilege: no other role, no "*").
 */
export const checkRoleSimulation = (template: Template): string[] => {
  const problems: string[] = [];
  const functions = resourcesOf(template, 'AWS::Lambda::Function');
  const roleOf = (fn: Resource | undefined): string | undefined => {
    const role = fn?.Properties?.Role;
    const getAtt = isObject(role) ? role['Fn::GetAtt'] : undefined;
    return Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
  };
  const functionNamed = (name: string) =>
    functions.find(([, fn]) => String(fn.Properties?.FunctionName ?? '').endsWith(`-${name}`))?.[1];
  const readiness = functionNamed('readiness');
  const environment = readiness?.Properties?.Environment;
  const variables = isObject(environment) && isObject(environment.Variables) ? environment.Variables : {};
  const joined = variables.FUNCTION_ROLE_NAMES;
  const pairs = isObject(joined) && Array.isArray(joined['Fn::Join']) ? asArray(joined['Fn::Join'][1]) : [];
  const told = new Map(
    pairs.flatMap((pair): [string, string | undefined][] => {
      const inner = isObject(pair) && Array.isArray(pair['Fn::Join']) ? asArray(pair['Fn::Join'][1]) : [];
      const [name, role] = inner;
      const ref = isObject(role) ? role.Ref : undefined;
      return typeof name === 'string' ? [[name, typeof ref === 'string' ? ref : undefined]] : [];
    }),
  );
  if (!sameSet([...told.keys()], [...STEP_FUNCTIONS])) {
    problems.push(
      `the readiness function's FUNCTION_ROLE_NAMES name [${[...told.keys()].join(', ')}], not the runbook functions of shared/domain/step-permissions.ts [${STEP_FUNCTIONS.join(', ')}]: serverless.yml must take it from scripts/plan-resources.js functionRoleNamesEnvironment`,
    );
  }
  // A function missing from the template is named by the function check; its role is not compared here.
  const present = STEP_FUNCTIONS.filter((name) => functionNamed(name) !== undefined);
  for (const name of present) {
    const role = roleOf(functionNamed(name));
    if (told.has(name) && told.get(name) !== role) {
      problems.push(
        `the readiness function's FUNCTION_ROLE_NAMES give ${name} the role ${told.get(name)}, but the function runs with ${role ?? 'no role'}: name its role <PascalCaseName>Role in serverless.yml`,
      );
    }
  }
  const granted = statementsIn(
    roleOf(readiness) ? template.Resources[roleOf(readiness) as string]?.Properties : undefined,
  )
    .filter(
      (statement) => statement.Effect === 'Allow' && strings(statement.Action).includes('iam:SimulatePrincipalPolicy'),
    )
    .flatMap((statement) => asArray(statement.Resource).map(refText));
  const expected = present.map((name) => refText({ 'Fn::GetAtt': [roleOf(functionNamed(name)) ?? name, 'Arn'] }));
  if (present.length === STEP_FUNCTIONS.length && !sameSet(granted, expected)) {
    problems.push(
      `the readiness role must grant iam:SimulatePrincipalPolicy on exactly the roles of ${STEP_FUNCTIONS.join(', ')} (granted on: ${granted.join(', ') || 'none'})`,
    );
  }
  return problems;
};

/**
 * The readiness function is told Switchback's own wiring (serverless.yml, its WIRING_* environment) and its role
 * may describe it: each must be exactly what the stack deploys, every EventBridge rule (`bus|name` for a custom
 * bus), every state machine, every schedule (with the target it must have) and every queue, so that a rule, runbook
 * or schedule added later is not silently left unchecked.
 */
export const checkReadinessWiring = (template: Template): string[] => {
  const problems: string[] = [];
  const readiness = resourcesOf(template, 'AWS::Lambda::Function').find(([, fn]) =>
    String(fn.Properties?.FunctionName ?? '').endsWith('-readiness'),
  )?.[1];
  const environment = readiness?.Properties?.Environment;
  const variables = isObject(environment) && isObject(environment.Variables) ? environment.Variables : {};
  const busName = (value: Json | undefined): string | undefined => {
    if (value === undefined) return undefined;
    const getAtt = isObject(value) ? value['Fn::GetAtt'] : undefined;
    const id = Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
    const name = id ? template.Resources[id]?.Properties?.Name : value;
    return typeof name === 'string' ? name : refText(value);
  };
  const deployedRules = resourcesOf(template, 'AWS::Events::Rule').map(([, rule]) => {
    const bus = busName(rule.Properties?.EventBusName);
    const name = String(rule.Properties?.Name ?? '');
    return bus && bus !== 'default' ? `${bus}|${name}` : name;
  });
  const toldRules = String(variables.WIRING_RULES ?? '')
    .split(',')
    .filter(Boolean);
  if (!sameSet(toldRules, deployedRules)) {
    problems.push(
      `the readiness function's WIRING_RULES [${toldRules.join(', ')}] are not the stack's rules [${deployedRules.join(', ')}]: update serverless.yml functions.readiness.environment`,
    );
  }
  const join = variables.WIRING_STATE_MACHINE_ARNS;
  const joined = isObject(join) && Array.isArray(join['Fn::Join']) ? join['Fn::Join'][1] : undefined;
  const toldMachines = asArray(joined).map(refText);
  const deployedMachines = resourcesOf(template, 'AWS::StepFunctions::StateMachine').map(([id]) =>
    refText({ Ref: id }),
  );
  if (!sameSet(toldMachines, deployedMachines)) {
    problems.push(
      `the readiness function's WIRING_STATE_MACHINE_ARNS [${toldMachines.join(', ')}] are not the stack's state machines [${deployedMachines.join(', ')}]`,
    );
  }
  const toldQueues = asArray(variables.WIRING_DEAD_LETTER_QUEUE_URLS).map(refText);
  const deployedQueues = resourcesOf(template, 'AWS::SQS::Queue').map(([id]) => refText({ Ref: id }));
  if (!sameSet(toldQueues, deployedQueues)) {
    problems.push(
      `the readiness function's WIRING_DEAD_LETTER_QUEUE_URLS [${toldQueues.join(', ')}] are not the stack's queues [${deployedQueues.join(', ')}]`,
    );
  }
  // Its role may describe exactly those.
  const roleId = (() => {
    const role = readiness?.Properties?.Role;
    const getAtt = isObject(role) ? role['Fn::GetAtt'] : undefined;
    return Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
  })();
  const granted = (action: string): string[] =>
    statementsIn(roleId ? template.Resources[roleId]?.Properties : undefined)
      .filter((statement) => statement.Effect === 'Allow' && strings(statement.Action).includes(action))
      .flatMap((statement) => asArray(statement.Resource).map(refText));
  const ruleArns = granted('events:DescribeRule');
  const ungrantedRules = deployedRules.filter(
    (rule) => !ruleArns.some((arn) => arn.endsWith(`:rule/${rule.replace('|', '/')}"}`)),
  );
  if (ungrantedRules.length > 0 || ruleArns.length !== deployedRules.length) {
    problems.push(
      `the readiness role must grant events:DescribeRule on exactly the stack's rules (not granted: ${ungrantedRules.join(', ') || 'none'}; ${ruleArns.length} granted)`,
    );
  }
  if (!sameSet(granted('states:DescribeStateMachine'), deployedMachines)) {
    problems.push("the readiness role must grant states:DescribeStateMachine on exactly the stack's state machines");
  }
  const queueArns = resourcesOf(template, 'AWS::SQS::Queue').map(([id]) => refText({ 'Fn::GetAtt': [id, 'Arn'] }));
  if (!sameSet(granted('sqs:GetQueueAttributes'), queueArns)) {
    problems.push("the readiness role must grant sqs:GetQueueAttributes on exactly the stack's queues");
  }
  // The schedules: told by name with the target each must have, and readable by exactly those names.
  const deployedSchedules = resourcesOf(template, 'AWS::Scheduler::Schedule').map(([id, schedule]) => {
    const name = schedule.Properties?.Name;
    const target = schedule.Properties?.Target;
    return {
      id,
      name: isObject(name) && typeof name['Fn::Sub'] === 'string' ? name['Fn::Sub'] : refText(name),
      target: isObject(target) ? refText(target.Arn) : 'none',
    };
  });
  const toldSchedules = (() => {
    const outer = variables.WIRING_SCHEDULES;
    const pairs = isObject(outer) && Array.isArray(outer['Fn::Join']) ? asArray(outer['Fn::Join'][1]) : [];
    return pairs.flatMap((pair) => {
      const parts = isObject(pair) && Array.isArray(pair['Fn::Join']) ? asArray(pair['Fn::Join'][1]) : [];
      const [name, target] = parts;
      return isObject(name) && typeof name['Fn::Sub'] === 'string' ? [{ name: name['Fn::Sub'], target }] : [];
    });
  })();
  for (const schedule of deployedSchedules) {
    const told = toldSchedules.find((candidate) => candidate.name === schedule.name);
    if (!told) {
      problems.push(
        `the readiness function's WIRING_SCHEDULES do not name the schedule ${schedule.id} (${schedule.name}): scripts/plan-resources.js wiringSchedules`,
      );
      continue;
    }
    // The readiness function's own ARN is told as a string (its own GetAtt would be circular).
    const toldTarget = refText(told.target);
    const sameTarget =
      toldTarget === schedule.target ||
      (schedule.target === refText({ 'Fn::GetAtt': ['ReadinessLambdaFunction', 'Arn'] }) &&
        toldTarget.endsWith(`:function:\${AWS::StackName}-readiness"}`));
    if (!sameTarget) {
      problems.push(
        `the readiness function is told that schedule ${schedule.name} targets ${toldTarget}, but the template targets ${schedule.target}`,
      );
    }
  }
  if (toldSchedules.length !== deployedSchedules.length) {
    problems.push(
      `the readiness function's WIRING_SCHEDULES name ${toldSchedules.length} schedules, the template has ${deployedSchedules.length}`,
    );
  }
  const scheduleArns = granted('scheduler:GetSchedule');
  const ungrantedSchedules = deployedSchedules.filter(
    (schedule) => !scheduleArns.some((arn) => arn.endsWith(`:schedule/default/${schedule.name}"}`)),
  );
  if (ungrantedSchedules.length > 0 || scheduleArns.length !== deployedSchedules.length) {
    problems.push(
      `the readiness role must grant scheduler:GetSchedule on exactly the stack's schedules (not granted: ${ungrantedSchedules.map((s) => s.name).join(', ') || 'none'}; ${scheduleArns.length} granted)`,
    );
  }
  return problems;
};

/** The metrics whose alarms must reach people: a plan not ready, a restore test failed or stale. */
const NOTIFYING_METRICS = ['PlanReady', 'RestoreTestPassed'];

/**
 * An alarm nobody hears is no alarm: every PlanReady and RestoreTestPassed alarm must name an SNS topic of this
 * template in its AlarmActions and OKActions (when it clears, people hear that too).
 */
export const checkAlarmActions = (template: Template): string[] => {
  const topics = new Set(resourcesOf(template, 'AWS::SNS::Topic').map(([id]) => id));
  const problems: string[] = [];
  for (const [id, alarm] of resourcesOf(template, 'AWS::CloudWatch::Alarm')) {
    if (!NOTIFYING_METRICS.includes(String(alarm.Properties?.MetricName))) continue;
    for (const field of ['AlarmActions', 'OKActions']) {
      const actions = asArray(alarm.Properties?.[field]);
      const toTopic = actions.some(
        (action) => isObject(action) && typeof action.Ref === 'string' && topics.has(action.Ref),
      );
      if (!toTopic)
        problems.push(`the alarm ${id} has no ${field} to an SNS topic of this stack: nobody would hear it`);
    }
  }
  return problems;
};

/** A plan's standby prober as the template must deploy it (scripts/plan-resources.js proberResources). */
export interface ExpectedProber {
  plan: string;
  alarmName: string;
  intervalSeconds: number;
  failuresToAlarm: number;
}

/**
 * Each plan's prober: a schedule that invokes probe-primary with the plan at the plan's interval, with a role that
 * may invoke probe-primary only, and an alarm of that name on Switchback/PrimaryReachable for that plan, evaluated
 * over `failuresToAlarm` periods of the interval. Schedules and alarms of probers no plan has are problems too.
 */
export const checkProbers = (template: Template, probers: readonly ExpectedProber[]): string[] => {
  const problems: string[] = [];
  const schedules = resourcesOf(template, 'AWS::Scheduler::Schedule').filter(([, schedule]) =>
    JSON.stringify(schedule.Properties?.Target ?? {}).includes('ProbeDashprimaryLambdaFunction'),
  );
  const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm').filter(
    ([, alarm]) => alarm.Properties?.MetricName === 'PrimaryReachable',
  );
  for (const prober of probers) {
    const schedule = schedules.find(([, each]) => {
      const input = (each.Properties?.Target as JsonObject | undefined)?.Input;
      return typeof input === 'string' && (JSON.parse(input) as { plan?: string }).plan === prober.plan;
    })?.[1];
    const minutes = prober.intervalSeconds / 60;
    if (!schedule) {
      problems.push(`plan ${prober.plan} has a trigger.prober but no prober schedule: repackage`);
    } else {
      if (schedule.Properties?.ScheduleExpression !== `rate(${minutes} ${minutes === 1 ? 'minute' : 'minutes'})`) {
        problems.push(`the prober schedule of plan ${prober.plan} does not run every ${prober.intervalSeconds} s`);
      }
      const role = (schedule.Properties?.Target as JsonObject | undefined)?.RoleArn;
      if (JSON.stringify(role) !== JSON.stringify({ 'Fn::GetAtt': ['ProberSchedulerRole', 'Arn'] })) {
        problems.push(`the prober schedule of plan ${prober.plan} must use ProberSchedulerRole`);
      }
    }
    const alarm = alarms.find(([, each]) => each.Properties?.AlarmName === prober.alarmName)?.[1]?.Properties;
    if (!alarm) {
      problems.push(`plan ${prober.plan} has a trigger.prober but no alarm ${prober.alarmName}: repackage`);
    } else if (
      alarm.Namespace !== 'Switchback' ||
      JSON.stringify(alarm.Dimensions) !== JSON.stringify([{ Name: 'plan', Value: prober.plan }]) ||
      alarm.Period !== prober.intervalSeconds ||
      alarm.EvaluationPeriods !== prober.failuresToAlarm ||
      alarm.ComparisonOperator !== 'LessThanThreshold' ||
      alarm.Threshold !== 1
    ) {
      problems.push(
        `the alarm ${prober.alarmName} must watch Switchback/PrimaryReachable of plan ${prober.plan} < 1 over ${prober.failuresToAlarm} periods of ${prober.intervalSeconds} s`,
      );
    }
  }
  if (schedules.length !== probers.length) {
    problems.push(`${schedules.length} prober schedules for ${probers.length} plans with a trigger.prober`);
  }
  if (alarms.length !== probers.length) {
    problems.push(`${alarms.length} prober alarms for ${probers.length} plans with a trigger.prober`);
  }
  // The role's grants (its trust policy's statements name a Principal: they grant nothing to the role).
  const invoke = statementsIn(template.Resources.ProberSchedulerRole ?? {}).filter(
    (statement) => statement.Principal === undefined,
  );
  const invoked = JSON.stringify(invoke.map((statement) => statement.Resource));
  if (probers.length > 0 && (!invoked.includes('-probe-primary') || invoke.length !== 1)) {
    problems.push('ProberSchedulerRole must grant lambda:InvokeFunction on probe-primary and nothing else');
  }
  return problems;
};

/** The role of the alarm intake: the one principal that may open alarm incidents (ledger keys `ALARM#…`). */
export const ALARM_INTAKE_ROLE = 'OnHealthAlarmRole';
const LEDGER_WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
const ALARM_KEYS = 'ALARM#*';

const leadingKeys = (statement: JsonObject, operator: string): string[] => {
  const condition = statement.Condition;
  const test = isObject(condition) ? condition[operator] : undefined;
  return isObject(test) ? strings(test['dynamodb:LeadingKeys']) : [];
};

/**
 * An alarm-typed run is accepted only for an incident the alarm intake opened (shared/usecases/assess-failover.ts):
 * the intake's role may write alarm incident keys and nothing else of the ledger, and every other role that may
 * write to the ledger carries a Deny on those keys for every write action.
 */
export const checkAlarmIncidentWrites = (template: Template): string[] => {
  const problems: string[] = [];
  for (const [id, role] of resourcesOf(template, 'AWS::IAM::Role')) {
    const statements = statementsIn(role.Properties);
    const writes = statements.filter(
      (statement) =>
        statement.Effect === 'Allow' && strings(statement.Action).some((action) => LEDGER_WRITES.includes(action)),
    );
    if (writes.length === 0) continue;
    if (id === ALARM_INTAKE_ROLE) {
      if (writes.some((statement) => !sameSet(leadingKeys(statement, 'ForAllValues:StringLike'), [ALARM_KEYS]))) {
        problems.push(`${id} may write ledger keys other than alarm incidents (${ALARM_KEYS})`);
      }
      continue;
    }
    const denied = statements.some(
      (statement) =>
        statement.Effect === 'Deny' &&
        LEDGER_WRITES.every((action) => strings(statement.Action).includes(action)) &&
        leadingKeys(statement, 'ForAnyValue:StringLike').includes(ALARM_KEYS),
    );
    if (!denied)
      problems.push(`${id} may write alarm incidents: add the denyAlarmIncidentWrites statement of serverless.yml`);
  }
  return problems;
};

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(0).padStart(6)} KiB`;

/** The probers the plans ask for, as checkProbers expects them. */
export const expectedProbers = (plans: readonly Plan[]): ExpectedProber[] =>
  plans.flatMap((plan) =>
    plan.trigger.prober
      ? [
          {
            plan: plan.app,
            alarmName: proberAlarmName(plan),
            intervalSeconds: plan.trigger.prober.intervalSeconds,
            failuresToAlarm: plan.trigger.prober.failuresToAlarm,
          },
        ]
      : [],
  );

/** Reads the template next to the zips, checks it, prints the report; returns the exit code. */
export const main = (root: string): number => {
  const dir = join(root, '.serverless');
  const file = join(dir, 'cloudformation-template-update-stack.json');
  if (!existsSync(file)) {
    console.error(`✗ ${file} does not exist: run \`serverless package\` first`);
    return 1;
  }
  const template = JSON.parse(readFileSync(file, 'utf8')) as Template;
  const registry = loadPlanDirectory(join(root, 'plans'));
  const plans = registry.names.map((name) => registry.get(name));
  const alarms = plans.flatMap((plan) => planSignals(plan).map((signal) => signal.alarmName));
  const state = join(dir, 'serverless-state.json');
  const service = existsSync(state)
    ? (JSON.parse(readFileSync(state, 'utf8')) as { service?: { service?: string; provider?: { stage?: string } } })
        .service
    : undefined;
  const stackName = `${service?.service ?? 'switchback'}-${service?.provider?.stage ?? 'dev'}`;
  const result = checkTemplate(template, alarms, readSourceDefinitions(root), intakeAlarmStates(plans), stackName);
  const proberProblems = checkProbers(template, expectedProbers(plans));
  result.problems.push(...proberProblems);
  if (proberProblems.length === 0)
    result.passed.push(`prober schedule and alarm of ${expectedProbers(plans).length} plan(s)`);
  for (const line of result.passed) console.log(`✓ ${line}`);
  for (const [name, zip] of Object.entries(result.zips)) {
    const path = join(dir, zip);
    if (existsSync(path)) console.log(`  ${name.padEnd(18)} ${kib(statSync(path).size)}  ${zip}`);
    else result.problems.push(`the package of ${name} (${zip}) is missing from .serverless/`);
  }
  for (const problem of result.problems) console.error(`✗ ${problem}`);
  return result.problems.length === 0 ? 0 : 1;
};

if (require.main === module) process.exitCode = main(join(__dirname, '..'));
