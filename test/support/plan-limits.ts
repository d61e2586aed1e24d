import type { Plan } from '../../shared/plan/schema';

/** `suffix` padded at the front with `pad` to `length` characters: the longest value a field takes. */
const longest = (suffix: string, length: number, pad = 'x'): string => suffix.padStart(length, pad);

/** An RDS identifier (database id, instance, cluster, global cluster) at RDS's longest, 63 characters. */
const rdsName = (name: string): string => longest(name, 63);

/** A DNS name of four 63-character labels under example.com: 244 characters, near DNS's 253. */
const dnsName = (label: string): string =>
  [longest(label, 63, 'a'), longest('b', 63, 'b'), longest('c', 63, 'c'), 'd'.repeat(40), 'example', 'com'].join('.');

/** A Route 53 set identifier at its longest, 128 characters. */
const setIdentifier = (name: string): string => longest(name, 128, 's');

/**
 * The example plan grown to `databases` databases (half RDS read replicas, half Aurora global clusters, after the
 * example's two) and `records` failover record pairs (after the example's two: half with a maintenance-target fence,
 * half with an inverted health check) in `zones` hosted zones, with every identifier and name at its longest: the
 * plan whose runbooks carry the most state for its size (shared/plan/schema.ts, MAX_DATABASES_PER_PLAN).
 */
export const planAtSize = (base: Plan, size: { databases: number; records: number; zones?: number }): Plan => {
  const rds = base.databases.find((db) => db.kind === 'rds-read-replica');
  const aurora = base.databases.find((db) => db.kind === 'aurora-global');
  const [maintenance, inverted] = base.dns[0]?.records ?? [];
  if (rds?.kind !== 'rds-read-replica' || aurora?.kind !== 'aurora-global' || !maintenance || !inverted) {
    throw new Error(
      'the base plan needs an rds-read-replica, an aurora-global database and two records in its first zone',
    );
  }
  const databases = Array.from({ length: size.databases }, (_, i): Plan['databases'][number] => {
    const n = `${Math.floor(i / 2) + 1}`;
    return i % 2 === 0
      ? {
          ...rds,
          id: rdsName(`${rds.id}-${n}`),
          primary: { ...rds.primary, instance: rdsName(`${rds.primary.instance}-${n}`) },
          replica: { ...rds.replica, instance: rdsName(`${rds.replica.instance}-${n}`) },
        }
      : {
          ...aurora,
          id: rdsName(`${aurora.id}-${n}`),
          globalCluster: rdsName(`${aurora.globalCluster}-${n}`),
          primary: { ...aurora.primary, cluster: rdsName(`${aurora.primary.cluster}-${n}`) },
          secondary: { ...aurora.secondary, cluster: rdsName(`${aurora.secondary.cluster}-${n}`) },
        };
  });
  const records = Array.from({ length: size.records }, (_, i) => {
    const template = i % 2 === 0 ? maintenance : inverted;
    const fence =
      template.fence?.method === 'maintenance-target'
        ? { ...template.fence, value: dnsName('maintenance') }
        : template.fence;
    return {
      ...template,
      name: dnsName(`svc${i}`),
      primarySetIdentifier: setIdentifier(`svc${i}-${base.regions.primary}`),
      standbySetIdentifier: setIdentifier(`svc${i}-${base.regions.standby}`),
      ...(fence ? { fence } : {}),
    };
  });
  const zones = size.zones ?? 1;
  const zoneId = base.dns[0]?.hostedZoneId ?? 'Z0123456789EXAMPLE';
  const dns = Array.from({ length: zones }, (_, z) => ({
    hostedZoneId: z === 0 ? zoneId : `${zoneId}${z}`,
    records: records.filter((_, i) => i % zones === z),
  }));
  return { ...base, databases, dns };
};
