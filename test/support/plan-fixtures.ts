import type { Plan, PlanInput } from '../../shared/plan/schema';
import { parsePlan } from '../../shared/plan/validate';

/**
 * The "orders" plan of plans/example.yml as an object: one RDS read replica and one Aurora global database,
 * us-east-1 -> us-west-2, RTO 900 s, RPO 60 s. `overrides` replace whole top-level sections, except `trigger`,
 * `budgets` and `backups`, which are merged field by field.
 */
export const ordersPlanInput = (): PlanInput => ({
  app: 'orders',
  regions: { primary: 'us-east-1', standby: 'us-west-2' },
  budgets: { rtoSeconds: 900, rpoSeconds: 60 },
  trigger: {
    alarms: ['orders-primary-health'],
    coolDownSeconds: 3600,
    approval: 'on-lag-over-rpo',
    approvalTimeoutSeconds: 1800,
  },
  databases: [
    {
      id: 'orders-db',
      kind: 'rds-read-replica',
      primary: { instance: 'orders-db', region: 'us-east-1' },
      replica: { instance: 'orders-db-replica', region: 'us-west-2' },
    },
    {
      id: 'catalog',
      kind: 'aurora-global',
      globalCluster: 'catalog-global',
      primary: { cluster: 'catalog-east', region: 'us-east-1' },
      secondary: { cluster: 'catalog-west', region: 'us-west-2' },
    },
  ],
  dns: [
    {
      hostedZoneId: 'Z0123456789ORDERSAPI',
      records: [
        {
          name: 'api.orders.example.com',
          type: 'CNAME',
          primarySetIdentifier: 'api-us-east-1',
          standbySetIdentifier: 'api-us-west-2',
        },
      ],
    },
  ],
  backups: { maxAgeSeconds: 600, crossRegionCopy: true },
});

type Overrides = Omit<Partial<PlanInput>, 'trigger' | 'budgets' | 'backups'> & {
  trigger?: Partial<PlanInput['trigger']>;
  budgets?: Partial<PlanInput['budgets']>;
  backups?: Partial<NonNullable<PlanInput['backups']>>;
};

/** A validated test plan (see ordersPlanInput). */
export const ordersPlan = (overrides: Overrides = {}): Plan => {
  const base = ordersPlanInput();
  return parsePlan(
    {
      ...base,
      ...overrides,
      trigger: { ...base.trigger, ...overrides.trigger },
      budgets: { ...base.budgets, ...overrides.budgets },
      backups: { ...base.backups, ...overrides.backups },
    },
    'orders.yml',
  );
};

export const ORDERS_PRIMARY_ARN = 'arn:aws:rds:us-east-1:123456789012:db:orders-db';
export const CATALOG_EAST_ARN = 'arn:aws:rds:us-east-1:123456789012:cluster:catalog-east';
export const CATALOG_WEST_ARN = 'arn:aws:rds:us-west-2:123456789012:cluster:catalog-west';

/** The ARC switch of a test plan: routing controls on a cluster of five regional endpoints. */
export const ARC_SWITCH: Extract<Plan['dnsSwitch'], { method: 'arc-routing-control' }> = {
  method: 'arc-routing-control',
  clusterEndpoints: ['us-west-2', 'eu-west-1', 'ap-southeast-2', 'ap-northeast-1', 'us-east-1'].map((region) => ({
    region,
    url: `https://host-${region}.example.com/v1`,
  })),
  routingControls: {
    primary: 'arn:aws:route53-recovery-control::111122223333:controlpanel/abc/routingcontrol/east',
    standby: 'arn:aws:route53-recovery-control::111122223333:controlpanel/abc/routingcontrol/west',
  },
};

/** The test plan (ordersPlan) switching DNS with ARC routing controls. */
export const arcOrdersPlan = (): Plan => ordersPlan({ dnsSwitch: ARC_SWITCH });
