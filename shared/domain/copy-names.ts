import { createHash } from 'node:crypto';

/**
 * The names of what reprotect makes, and the IAM patterns that grant on them: one module, read by the reprotect
 * runbook (shared/domain/reprotect.ts), the readiness simulation (shared/domain/step-permissions.ts) and the packaged
 * roles (scripts/plan-resources.js), so the names and the grants cannot drift apart.
 *
 * A copy is named from the plan's own name for the database (the RDS replica instance, the Aurora secondary cluster),
 * never from the current writer's name: `<base>-<role>-<6 hex>`. Every generation has the same length, so repeated
 * game days never grow a name (`orders-db-replica-rp-01269b`, then `orders-db-replica-rp-d2323f`, ...), and every
 * copy of a database, in either region and of any generation, matches one IAM pattern: `<base>-<role>-*`.
 */

/**
 * RDS naming constraints for DB instance, cluster and global cluster identifiers (RDS User Guide, "Naming
 * constraints in Amazon RDS"; RDS API, CreateDBInstance DBInstanceIdentifier, CreateDBCluster DBClusterIdentifier):
 * 1 to 63 letters, digits or hyphens; first a letter; no hyphen at the end and no two in a row. DB snapshot
 * identifiers follow the same rules with up to 255 characters (RDS API, CreateDBSnapshot DBSnapshotIdentifier).
 */
export const MAX_RDS_IDENTIFIER = 63;
export const MAX_RDS_SNAPSHOT_IDENTIFIER = 255;

/** Each rule RDS checks on an identifier, with what a broken one is called. */
export const rdsIdentifierRules = (max = MAX_RDS_IDENTIFIER): [rule: (value: string) => boolean, broken: string][] => [
  [(value) => value.length <= max, `is longer than ${max} characters`],
  [(value) => /^[a-zA-Z]/.test(value), 'does not start with a letter'],
  [(value) => /^[a-zA-Z0-9-]*$/.test(value), 'has characters other than letters, digits and hyphens'],
  [(value) => !value.endsWith('-'), 'ends with a hyphen'],
  [(value) => !value.includes('--'), 'has two hyphens in a row'],
];

/** The rules `value` breaks, by name (none: RDS accepts it). */
export const rdsIdentifierProblems = (value: string, max = MAX_RDS_IDENTIFIER): string[] =>
  rdsIdentifierRules(max)
    .filter(([rule]) => !rule(value))
    .map(([, broken]) => broken);

/** What a copy is: an RDS read replica (`rp`) or an Aurora secondary cluster (`sc`). */
export type CopyRole = 'rp' | 'sc';

const HASH_LENGTH = 6;
/** An Aurora copy's first instance: the cluster's name and this suffix. */
const INSTANCE_SUFFIX = '-i1';
/** The longest base a copy keeps: `<base>-sc-<6 hex>-i1` must fit 63 characters. */
const MAX_BASE = MAX_RDS_IDENTIFIER - `-sc-${'0'.repeat(HASH_LENGTH)}${INSTANCE_SUFFIX}`.length;

/**
 * The plan's name cut to the longest base a copy keeps, with no hyphen at the cut (a plan's identifier has no two
 * hyphens in a row, so none can appear before the role).
 */
const copyBase = (base: string): string => base.slice(0, MAX_BASE).replace(/-+$/, '');

const hex = (seed: string): string => createHash('sha256').update(seed).digest('hex').slice(0, HASH_LENGTH);

/**
 * The name of a copy reprotect makes of the database the plan calls `base`: `<base>-<role>-<6 hex of seed>`. The
 * same seed (one reprotect of one database) gives the same name, so a retry or a redrive finds the copy it started.
 * A name in `taken` (the writer and the old primary, which may be earlier copies) is never returned: the seed is
 * salted until the name differs, still deterministically.
 */
export const copyName = (base: string, role: CopyRole, seed: string, taken: readonly string[] = []): string => {
  const head = copyBase(base);
  for (let salt = 0; ; salt += 1) {
    const name = `${head}-${role}-${hex(salt === 0 ? seed : `${seed}#${salt}`)}`;
    if (!taken.includes(name)) return name;
  }
};

/** The first instance of an Aurora copy (cluster `<base>-sc-<6 hex>`): `<cluster>-i1`, within 63 characters. */
export const copyInstanceName = (cluster: string): string => `${cluster}${INSTANCE_SUFFIX}`;

/** Every copy of the database the plan calls `base`, any generation, any region, as an IAM resource pattern. */
export const copyPattern = (base: string, role: CopyRole): string => `${copyBase(base)}-${role}-*`;

/**
 * The snapshot reprotect takes of an old primary (`pre`) or deletes it with (`final`): `<old primary>-<role>-<6 hex>`.
 * An identifier has at most 63 characters, so this is at most 75, well within a snapshot's 255: nothing is cut.
 */
export const snapshotName = (source: string, role: 'pre' | 'final', seed: string): string =>
  `${source}-${role}-${hex(seed)}`;

/** The snapshots of `source` (an identifier, or a copyPattern) as an IAM resource pattern. */
export const snapshotPattern = (source: string, role: 'pre' | 'final'): string => `${source}-${role}-*`;
