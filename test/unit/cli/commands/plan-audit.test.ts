import { join } from 'node:path';
import { auditPlanFile } from '../../../../cli/commands/plan';
import { captureIo } from '../support';

const root = join(__dirname, '..', '..', '..', '..');
const records = join(root, 'plans', 'example.yml');
const arc = join(root, 'plans', 'example-arc.yml');

describe('auditPlanFile', () => {
  it('returns 1 and names ChangeResourceRecordSets and the alternative for a route53-records plan on us-east-1', () => {
    // Prepare
    const { io, out, err } = captureIo();

    // Act
    const code = auditPlanFile(records, {}, io);

    // Assess
    expect(code).toBe(1);
    expect(out[0]).toBe(
      'Plan orders (us-east-1 -> us-west-2), DNS switch route53-records: every AWS call of a failover',
    );
    expect(out.join('\n')).toMatch(/Flip DNS\s+route53\s+ChangeResourceRecordSets\s+us-east-1\s+control\s+us-east-1/);
    expect(err).toContain(
      '  - route53 ChangeResourceRecordSets in step "Flip DNS" depends on us-east-1, the primary region and the home of Route 53\'s control plane',
    );
    expect(err.join('\n')).toContain('alternative: set dnsSwitch.method to arc-routing-control');
  });

  it('prints the audit as JSON with ok true and exits 0 for the ARC plan, whose standby prober detects without us-east-1', () => {
    // Prepare
    const { io, out } = captureIo();

    // Act
    const code = auditPlanFile(arc, { json: true }, io);

    // Assess
    const audit = JSON.parse(out.join('\n'));
    expect(code).toBe(0);
    expect(audit).toMatchObject({ plan: 'storefront', dnsSwitch: 'arc-routing-control', ok: true, findings: [] });
    expect(
      audit.calls
        .filter((call: { step: string; region: string }) => call.step === 'Detect (prober)')
        .map((call: { region: string }) => call.region),
    ).toEqual(['us-west-2', 'us-west-2', 'us-west-2', 'us-west-2']);
  });

  it('returns 1 with one line naming the file when the plan file does not exist', () => {
    // Prepare
    const { io, out, err } = captureIo();

    // Act
    const code = auditPlanFile('plans/missing.yml', {}, io);

    // Assess
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err).toEqual([
      '✗ plan file plans/missing.yml does not exist: give the path of a plan file, e.g. plans/example.yml',
    ]);
  });
});
