import { type RecordFenceTarget, recordFenceBatches } from '../../../../shared/domain/fence';

const target = (zone: string, name: string, method: RecordFenceTarget['fence']['method']): RecordFenceTarget => ({
  key: `${zone}|${name}|CNAME|${name}-us-east-1`,
  hostedZoneId: zone,
  name,
  type: 'CNAME',
  setIdentifier: `${name}-us-east-1`,
  region: 'us-east-1',
  fence:
    method === 'maintenance-target'
      ? { method, value: 'maintenance.example.com' }
      : method === 'routing-control-off'
        ? { method }
        : { method, primaryHealthCheckId: 'hc-east', standbyHealthCheckId: 'hc-west' },
});

describe('recordFenceBatches', () => {
  it("puts a zone's maintenance-target records in one batch, each record of another method in its own, in order", () => {
    // Prepare
    const api = target('ZONE1', 'api', 'maintenance-target');
    const checkout = target('ZONE1', 'checkout', 'health-check-inverted');
    const admin = target('ZONE2', 'admin', 'maintenance-target');
    const pay = target('ZONE1', 'pay', 'maintenance-target');
    const search = target('ZONE1', 'search', 'routing-control-off');

    // Act
    const batches = recordFenceBatches([api, checkout, admin, pay, search]);

    // Assess
    expect(batches.map((batch) => batch.map((record) => record.name))).toEqual([
      ['api', 'pay'],
      ['checkout'],
      ['admin'],
      ['search'],
    ]);
  });

  it('makes no batch of no records', () => {
    expect(recordFenceBatches([])).toEqual([]);
  });
});
