import type {
  ActionRecord,
  ApprovalAnswer,
  Assessment,
  DatabaseAssessment,
  DnsResult,
  PromotionResult,
} from '../domain/run';
import * as z from '../zod';

export { runContextSchema } from '../domain/run';

/**
 * Schemas of what the failover state machine hands the resource steps (promote-database, check-promotion,
 * flip-dns, check-dns-sync, verify-recovery): the shapes of run.ts, checked at the edge. Objects are loose: a field
 * that a newer step adds passes through untouched instead of failing an execution in flight.
 */

const isoTime = z.iso.datetime({ offset: true, error: 'expected an ISO-8601 time' });

const kind = z.enum(['rds-read-replica', 'aurora-global']);

export const actionRecordSchema: z.ZodType<ActionRecord> = z.looseObject({
  service: z.enum(['rds', 'route53', 'route53-recovery-cluster', 'ssm', 'cloudwatch']),
  operation: z.string(),
  target: z.string(),
  region: z.string(),
  at: isoTime,
  dryRun: z.boolean(),
  error: z.optional(z.string()),
});

export const databaseAssessmentSchema: z.ZodType<DatabaseAssessment> = z.looseObject({
  id: z.string().check(z.minLength(1)),
  kind,
  standbyStatus: z.string(),
  alreadyPromoted: z.boolean(),
  lagSeconds: z.nullable(z.number()),
  latestRestorableTime: z.optional(isoTime),
  latestCrossRegionCopy: z.optional(isoTime),
});

export const assessmentSchema: z.ZodType<Assessment> = z.looseObject({
  decision: z.enum(['proceed', 'approve', 'skip']),
  reasons: z.array(z.string()),
  warnings: z.array(z.string()),
  decidedAt: isoTime,
  databases: z.array(databaseAssessmentSchema),
  maxLagSeconds: z.nullable(z.number()),
  approvalTimeoutSeconds: z.number(),
});

/**
 * The fields that a record step reads of a runbook's assessment that may block before any change (reprotect, game
 * day): spread into each step's own loose object, next to the fields only it reads.
 */
export const blockableAssessmentFields = {
  decision: z.enum(['proceed', 'block']),
  reasons: z.array(z.string()),
  decidedAt: z.string(),
  findings: z.array(z.looseObject({ check: z.string(), resource: z.string() })),
};

/** The answer to an approval (`$.approval`): null when none was asked. */
export const approvalAnswerSchema: z.ZodType<ApprovalAnswer> = z.looseObject({
  approved: z.boolean(),
  by: z.string().check(z.minLength(1)),
  displayName: z.optional(z.string()),
  comment: z.optional(z.string()),
  answeredAt: isoTime,
});

export const promotionResultSchema: z.ZodType<PromotionResult> = z.looseObject({
  databaseId: z.string().check(z.minLength(1)),
  kind,
  writable: z.boolean(),
  pollSeconds: z.number().check(z.int(), z.positive()),
  status: z.string(),
  startedAt: isoTime,
  writableAt: z.optional(isoTime),
  lagSecondsAtPromotion: z.nullable(z.number()),
  alreadyPromoted: z.boolean(),
  newPrimary: z.looseObject({ region: z.string().check(z.minLength(1)), identifier: z.string().check(z.minLength(1)) }),
  actions: z.array(actionRecordSchema),
});

export const dnsResultSchema: z.ZodType<DnsResult> = z.looseObject({
  changes: z.array(
    z.looseObject({
      hostedZoneId: z.string().check(z.minLength(1)),
      changeId: z.nullable(z.string().check(z.minLength(1))),
      status: z.enum(['PENDING', 'INSYNC']),
    }),
  ),
  inSync: z.boolean(),
  pollSeconds: z.number().check(z.int(), z.positive()),
  startedAt: isoTime,
  inSyncAt: z.optional(isoTime),
  alreadyFlipped: z.array(z.string()),
  actions: z.array(actionRecordSchema),
  routingControls: z.optional(
    z.array(z.looseObject({ arn: z.string().check(z.minLength(1)), state: z.enum(['On', 'Off']) })),
  ),
  switchAlarm: z.optional(
    z.looseObject({
      name: z.string().check(z.minLength(1)),
      region: z.string().check(z.minLength(1)),
      wanted: z.enum(['ALARM', 'OK']),
      state: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']),
      since: isoTime,
    }),
  ),
});

export { parseStepInput } from './parse-step-input';
