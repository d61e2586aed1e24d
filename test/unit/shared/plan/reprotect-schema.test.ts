import { PlanValidationError } from '../../../../shared/errors';
import { parsePlan } from '../../../../shared/plan/load';
import { ordersPlanInput } from '../../../support/plan-fixtures';

const KEY_EAST_1 = 'arn:aws:kms:us-east-1:123456789012:key/0b7e5a4c-3f21-4d8e-9a61-5c2f0e8d7b13';

/** The orders plan with `reprotect` on its RDS database. */
const withReprotect = (reprotect: unknown) => {
  const input = ordersPlanInput();
  const [orders, catalog] = input.databases;
  return { ...input, databases: [{ ...orders, reprotect }, catalog] };
};

const issues = (input: unknown) => {
  try {
    parsePlan(input, 'orders.yml');
  } catch (error) {
    if (error instanceof PlanValidationError) return error.issues;
    throw error;
  }
  throw new Error('expected a PlanValidationError');
};

describe('databases[].reprotect', () => {
  it('accepts a key per region and defaults deleteOldPrimary to false', () => {
    // Act
    const plan = parsePlan(withReprotect({ kmsKeys: { 'us-east-1': KEY_EAST_1 } }), 'orders.yml');

    // Assess
    expect(plan.databases[0]?.reprotect).toEqual({ kmsKeys: { 'us-east-1': KEY_EAST_1 }, deleteOldPrimary: false });
  });

  it('names the field when the key is not a KMS key ARN', () => {
    expect(issues(withReprotect({ kmsKeys: { 'us-east-1': 'alias/orders' } }))).toEqual([
      {
        path: 'databases[0].reprotect.kmsKeys.us-east-1',
        message: expect.stringContaining('"alias/orders" is not a KMS key ARN'),
      },
    ]);
  });

  it('names the field when the key belongs to another region than the one it is given for', () => {
    expect(issues(withReprotect({ kmsKeys: { 'us-east-2': KEY_EAST_1 } }))).toEqual([
      {
        path: 'databases[0].reprotect.kmsKeys.us-east-2',
        message: 'the key is in us-east-1, not us-east-2: a replica in us-east-2 needs a key of us-east-2',
      },
    ]);
  });

  it('names unknown settings and a bad deleteOldPrimary', () => {
    expect(issues(withReprotect({ deleteOldPrimary: 'yes', kmsKey: KEY_EAST_1 })).map((issue) => issue.path)).toEqual(
      expect.arrayContaining(['databases[0].reprotect.deleteOldPrimary', 'databases[0].reprotect.kmsKey']),
    );
  });
});
