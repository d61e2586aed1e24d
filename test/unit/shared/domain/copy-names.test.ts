import { arnMatches } from '../../../../scripts/iam-grants';
import {
  copyInstanceName,
  copyName,
  copyPattern,
  rdsIdentifierProblems,
  snapshotName,
  snapshotPattern,
} from '../../../../shared/domain/copy-names';

/** Plan names for a standby: a typical one, the longest RDS allows, and one whose cut falls right after a hyphen. */
const BASES = ['orders-db-replica', `o${'x'.repeat(62)}`, `${'a'.repeat(49)}-bbbbbbbbbbbbb`];

describe('copyName', () => {
  it('derives the same name for the same reprotect and database, another for another', () => {
    // Act
    const first = copyName('orders-db-replica', 'rp', 'inc-1|orders-db');
    const again = copyName('orders-db-replica', 'rp', 'inc-1|orders-db');
    const other = copyName('orders-db-replica', 'rp', 'inc-2|orders-db');

    // Assess
    expect(first).toMatch(/^orders-db-replica-rp-[0-9a-f]{6}$/);
    expect(again).toBe(first);
    expect(other).not.toBe(first);
  });

  it('never returns a taken name (the writer or the old primary, earlier copies), still deterministically', () => {
    // Prepare
    const usual = copyName('orders-db-replica', 'rp', 'inc-1|orders-db');

    // Act
    const avoided = copyName('orders-db-replica', 'rp', 'inc-1|orders-db', [usual]);

    // Assess
    expect(avoided).not.toBe(usual);
    expect(avoided).toMatch(/^orders-db-replica-rp-[0-9a-f]{6}$/);
    expect(copyName('orders-db-replica', 'rp', 'inc-1|orders-db', [usual])).toBe(avoided);
  });

  it.each(BASES)(
    'stays a valid RDS identifier of fixed length under the one IAM pattern over 10 generations (%s)',
    (base) => {
      // Prepare: each generation's writer and old primary are earlier copies (a game day per generation)
      const names: string[] = [];
      let writer = base;
      let old = 'orders-db';

      // Act
      for (let generation = 1; generation <= 10; generation += 1) {
        const name = copyName(base, 'rp', `inc-${generation}|orders-db|us-west-2|${writer}`, [writer, old]);
        names.push(name);
        old = writer;
        writer = name;
      }

      // Assess
      const pattern = copyPattern(base, 'rp');
      expect(new Set(names).size).toBe(10);
      for (const name of names) {
        expect(rdsIdentifierProblems(name)).toEqual([]);
        expect(name.length).toBe(names[0]?.length);
        expect(name).toContain('-rp-');
        expect(
          arnMatches(
            `arn:aws:rds:us-east-1:123456789012:db:${pattern}`,
            `arn:aws:rds:us-east-1:123456789012:db:${name}`,
          ),
        ).toBe(true);
      }
      expect(names[0]?.length).toBeLessThanOrEqual(63);
    },
  );

  it.each(BASES)('names an Aurora copy and its instance within 63 characters, both under the pattern (%s)', (base) => {
    // Act
    const cluster = copyName(base, 'sc', 'inc-1|catalog');
    const instance = copyInstanceName(cluster);

    // Assess
    expect(rdsIdentifierProblems(cluster)).toEqual([]);
    expect(rdsIdentifierProblems(instance)).toEqual([]);
    expect(arnMatches(copyPattern(base, 'sc'), cluster)).toBe(true);
    expect(arnMatches(copyPattern(base, 'sc'), instance)).toBe(true);
  });
});

describe('snapshotName', () => {
  it('keeps the whole old primary name (a snapshot may have 255 characters) under its pattern', () => {
    // Prepare: the old primary is a copy with the longest base
    const old = copyName(BASES[1] as string, 'rp', 'inc-1');

    // Act
    const snapshot = snapshotName(old, 'pre', 'inc-2');

    // Assess
    expect(snapshot.startsWith(`${old}-pre-`)).toBe(true);
    expect(rdsIdentifierProblems(snapshot, 255)).toEqual([]);
    expect(arnMatches(snapshotPattern(copyPattern(BASES[1] as string, 'rp'), 'pre'), snapshot)).toBe(true);
  });
});

describe('rdsIdentifierProblems', () => {
  it.each([
    ['orders-db-rp-', ['ends with a hyphen']],
    ['orders--db', ['has two hyphens in a row']],
    ['1orders', ['does not start with a letter']],
    ['orders_db', ['has characters other than letters, digits and hyphens']],
    ['o'.repeat(64), ['is longer than 63 characters']],
    ['orders-db', []],
  ])('names each rule %s breaks', (value, expected) => {
    expect(rdsIdentifierProblems(value)).toEqual(expected);
  });
});
