import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkTemplate, type Template } from '../../scripts/check-template';
import { loadPlanDirectory } from '../../shared/plan/load';
import { readPackagedTemplate } from '../support/packaged-template';

/** The template `npm run package` wrote, as it would be deployed. */

const ROOT = join(__dirname, '..', '..');

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

describe('the packaged template', () => {
  const template = readPackagedTemplate<Template & { Resources: Resources }>();

  it('passes every template check', () => {
    // Prepare
    const registry = loadPlanDirectory(join(ROOT, 'plans'));
    const alarms = registry.names.flatMap((name) => registry.get(name).trigger.alarms);
    const source = readFileSync(join(ROOT, 'statemachines', 'failover.asl.json'), 'utf8');

    // Act
    const result = checkTemplate(template, alarms, source);

    // Assess
    expect(result.problems).toEqual([]);
  });

  it("matches alarm events of the deployment's own account only", () => {
    // Act
    const patterns = Object.values(template.Resources)
      .filter((resource) => resource.Type === 'AWS::Events::Rule')
      .map((rule) => rule.Properties?.EventPattern as { source?: string[]; account?: unknown })
      .filter((pattern) => pattern?.source?.includes('aws.cloudwatch'));

    // Assess
    expect(patterns).toHaveLength(1);
    expect(patterns[0]?.account).toEqual([{ Ref: 'AWS::AccountId' }]);
  });

  it('carries the failover definition without a QueryLanguage field the source does not have', () => {
    // Act
    const definition = template.Resources.FailoverStateMachine?.Properties?.DefinitionString;

    // Assess
    expect(typeof definition).toBe('string');
    expect(definition as string).not.toContain('QueryLanguage');
  });
});
