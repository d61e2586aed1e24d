import type {
  Assessment,
  DnsResult,
  Outcome,
  PromotionResult,
  RunContext,
  RunInput,
  RunRecord,
  Trigger,
  VerificationResult,
} from '../../shared/domain/run';

/**
 * A failover of the "orders" plan (test/support/plan-fixtures.ts) as the ASL carries it, with round times:
 * impact 03:00:00, Assess 03:01:30, decided 03:01:31, promotions 03:01:32 -> 03:06:32 / 03:04:02, DNS flip
 * 03:06:33 -> INSYNC 03:07:33, verify 03:07:34 -> 03:07:40.
 */
export const runContext = (overrides: Partial<RunContext> = {}): RunContext => ({
  incidentId: 'orders-20261125T030100Z-1a2b3c4d',
  plan: 'orders',
  action: 'failover',
  mode: 'live',
  reason: 'alarm orders-primary-health entered ALARM',
  requestedBy: 'alarm:orders-primary-health',
  trigger: { type: 'alarm', alarmName: 'orders-primary-health', impactStartedAt: '2026-11-25T03:00:00.000Z' },
  regions: { primary: 'us-east-1', standby: 'us-west-2' },
  impactStartedAt: '2026-11-25T03:00:00.000Z',
  startedAt: '2026-11-25T03:01:30.000Z',
  executionArn: 'arn:aws:states:us-west-2:123456789012:execution:switchback-failover:orders-20261125T030100Z-1a2b3c4d',
  epoch: 7,
  ...overrides,
});

export const assessment = (overrides: Partial<Assessment> = {}): Assessment => ({
  decision: 'proceed',
  reasons: ['worst replica lag 4 s within RPO budget 60 s'],
  warnings: ['catalog has no cross-region backup copy in us-west-2 (backups.crossRegionCopy)'],
  decidedAt: '2026-11-25T03:01:31.000Z',
  databases: [
    { id: 'orders-db', kind: 'rds-read-replica', standbyStatus: 'available', alreadyPromoted: false, lagSeconds: 4 },
    { id: 'catalog', kind: 'aurora-global', standbyStatus: 'available', alreadyPromoted: false, lagSeconds: 0.5 },
  ],
  maxLagSeconds: 4,
  approvalTimeoutSeconds: 1800,
  ...overrides,
});

export const promotions = (): PromotionResult[] => [
  {
    databaseId: 'orders-db',
    kind: 'rds-read-replica',
    writable: true,
    pollSeconds: 30,
    status: 'available',
    startedAt: '2026-11-25T03:01:32.000Z',
    writableAt: '2026-11-25T03:06:32.250Z',
    lagSecondsAtPromotion: 4.2,
    alreadyPromoted: false,
    newPrimary: { region: 'us-west-2', identifier: 'orders-db-replica' },
    actions: [
      {
        service: 'rds',
        operation: 'PromoteReadReplica',
        target: 'orders-db-replica',
        region: 'us-west-2',
        at: '2026-11-25T03:01:32.100Z',
        dryRun: false,
      },
    ],
  },
  {
    databaseId: 'catalog',
    kind: 'aurora-global',
    writable: true,
    pollSeconds: 15,
    status: 'available',
    startedAt: '2026-11-25T03:01:32.000Z',
    writableAt: '2026-11-25T03:04:02.000Z',
    lagSecondsAtPromotion: 0.6,
    alreadyPromoted: false,
    newPrimary: { region: 'us-west-2', identifier: 'catalog-west' },
    actions: [
      {
        service: 'rds',
        operation: 'FailoverGlobalCluster',
        target: 'catalog-global',
        region: 'us-west-2',
        at: '2026-11-25T03:01:32.050Z',
        dryRun: false,
      },
    ],
  },
];

export const dnsResult = (): DnsResult => ({
  changes: [{ hostedZoneId: 'Z0123456789ORDERSAPI', changeId: 'C123', status: 'INSYNC' }],
  inSync: true,
  pollSeconds: 10,
  startedAt: '2026-11-25T03:06:33.000Z',
  inSyncAt: '2026-11-25T03:07:33.000Z',
  alreadyFlipped: [],
  actions: [
    {
      service: 'route53',
      operation: 'ChangeResourceRecordSets',
      target: 'Z0123456789ORDERSAPI',
      region: 'us-east-1',
      at: '2026-11-25T03:06:33.100Z',
      dryRun: false,
    },
  ],
});

export const verification = (): VerificationResult => ({
  startedAt: '2026-11-25T03:07:34.000Z',
  endedAt: '2026-11-25T03:07:40.000Z',
  checks: [{ name: 'orders-db writable', ok: true, detail: 'available' }],
  warnings: ['orders-db automated backups were off; turned on with 7 days retention'],
});

/** The execution ARN a test run of `incidentId` has (the same shape as runContext's). */
export const executionArnOf = (incidentId: string): string =>
  `arn:aws:states:us-west-2:123456789012:execution:switchback-failover:${incidentId}`;

/** A lock owner: an incident run by its execution (by default the one named after it). */
export const lockOwner = (incidentId: string, executionArn: string = executionArnOf(incidentId)) => ({
  incidentId,
  executionArn,
});

/**
 * The record of a runbook's run started as `name` with `input` that ended at once with `outcome`: what a test's model
 * of Step Functions leaves in the ledger for a run it "ran" (a game day's legs, the fence a failback starts).
 */
export const endedRunRecord = (
  name: string,
  input: RunInput,
  outcome: Outcome,
  trigger: Trigger = { type: 'manual' },
): RunRecord => {
  const at = new Date().toISOString();
  return {
    run: {
      incidentId: name,
      plan: input.plan,
      action: input.action,
      mode: input.mode,
      reason: input.reason,
      requestedBy: input.requestedBy,
      trigger,
      regions: { primary: 'us-east-1', standby: 'us-west-2' },
      impactStartedAt: at,
      startedAt: at,
      executionArn: `arn:aws:states:us-west-2:123456789012:execution:switchback-${input.action}:${name}`,
      epoch: 1,
    },
    outcome,
    phases: [],
    actions: [],
    warnings: [],
    endedAt: at,
  };
};
