import type { Plan } from '../plan/schema';

/**
 * The AWS resources a plan names, each as a key compared the way AWS compares it: RDS identifiers without regard to
 * case (RDS stores them in lower case), DNS names without case or trailing dot, a record by zone, name, type and set
 * identifier, alarms exactly. Two plans that share a key would act on the same resource.
 */
export interface PlanResource {
  key: string;
  /** Where the plan names it, e.g. `databases[0].replica.instance`. */
  path: string;
  /** For people: `database orders-db-replica (us-west-2)`. */
  label: string;
}

const rds = (kind: 'instance' | 'cluster' | 'global', region: string, identifier: string) =>
  `rds:${kind}:${region}:${identifier.toLowerCase()}`;

const dnsName = (name: string): string => name.toLowerCase().replace(/\.$/, '');
const zoneId = (id: string): string => id.replace(/^\/hostedzone\//, '');

/** Every resource of `plan`, with where the plan names it. */
export const planResources = (plan: Plan): PlanResource[] => {
  const resources: PlanResource[] = [];
  plan.databases.forEach((db, index) => {
    if (db.kind === 'rds-read-replica') {
      for (const role of ['primary', 'replica'] as const) {
        const ref = db[role];
        resources.push({
          key: rds('instance', ref.region, ref.instance),
          path: `databases[${index}].${role}.instance`,
          label: `database ${ref.instance} (${ref.region})`,
        });
      }
    } else {
      for (const role of ['primary', 'secondary'] as const) {
        const ref = db[role];
        resources.push({
          key: rds('cluster', ref.region, ref.cluster),
          path: `databases[${index}].${role}.cluster`,
          label: `database ${ref.cluster} (${ref.region})`,
        });
      }
      resources.push({
        key: rds('global', 'global', db.globalCluster),
        path: `databases[${index}].globalCluster`,
        label: `global cluster ${db.globalCluster}`,
      });
    }
  });
  plan.dns.forEach((zone, z) => {
    zone.records.forEach((record, r) => {
      for (const role of ['primary', 'standby'] as const) {
        const setIdentifier = record[`${role}SetIdentifier`];
        resources.push({
          key: `route53:${zoneId(zone.hostedZoneId)}|${dnsName(record.name)}|${record.type}|${setIdentifier}`,
          path: `dns[${z}].records[${r}].${role}SetIdentifier`,
          label: `record ${record.name} ${record.type} ${setIdentifier} in ${zoneId(zone.hostedZoneId)}`,
        });
      }
    });
  });
  plan.trigger.alarms.forEach((alarm, index) => {
    resources.push({ key: `alarm:${alarm}`, path: `trigger.alarms[${index}]`, label: `alarm ${alarm}` });
  });
  return resources;
};

/** The resources that both plans name: `[mine, theirs]` per shared key. */
export const sharedResources = (plan: Plan, other: Plan): [PlanResource, PlanResource][] => {
  const theirs = new Map(planResources(other).map((resource) => [resource.key, resource]));
  const seen = new Set<string>();
  const shared: [PlanResource, PlanResource][] = [];
  for (const mine of planResources(plan)) {
    const match = theirs.get(mine.key);
    if (match && !seen.has(mine.key)) {
      seen.add(mine.key);
      shared.push([mine, match]);
    }
  }
  return shared;
};
