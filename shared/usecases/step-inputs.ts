import * as z from 'zod';
import type {
  ActionRecord,
  ApprovalAnswer,
  Assessment,
  DatabaseAssessment,
  DnsResult,
  PromotionResult,
} from '../domain/run';
import { MalformedEventError } from '../errors';

export { runContextSchema } from '../domain/run';

import { toFieldIssues } from '../plan/validate';

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
  error: z.string().optional(),
});

export const databaseAssessmentSchema: z.ZodType<DatabaseAssessment> = z.looseObject({
  id: z.string().min(1),
  kind,
  standbyStatus: z.string(),
  alreadyPromoted: z.boolean(),
  lagSeconds: z.number().nullable(),
  latestRestorableTime: isoTime.optional(),
  latestCrossRegionCopy: isoTime.optional(),
});

export const assessmentSchema: z.ZodType<Assessment> = z.looseObject({
  decision: z.enum(['proceed', 'approve', 'skip']),
  reasons: z.array(z.string()),
  warnings: z.array(z.string()),
  decidedAt: isoTime,
  databases: z.array(databaseAssessmentSchema),
  maxLagSeconds: z.number().nullable(),
  approvalTimeoutSeconds: z.number(),
});

/** The answer to an approval (`$.approval`): null when none was asked. */
export const approvalAnswerSchema: z.ZodType<ApprovalAnswer> = z.looseObject({
  approved: z.boolean(),
  by: z.string().min(1),
  displayName: z.string().optional(),
  comment: z.string().optional(),
  answeredAt: isoTime,
});

export const promotionResultSchema: z.ZodType<PromotionResult> = z.looseObject({
  databaseId: z.string().min(1),
  kind,
  writable: z.boolean(),
  pollSeconds: z.number().int().positive(),
  status: z.string(),
  startedAt: isoTime,
  writableAt: isoTime.optional(),
  lagSecondsAtPromotion: z.number().nullable(),
  alreadyPromoted: z.boolean(),
  newPrimary: z.looseObject({ region: z.string().min(1), identifier: z.string().min(1) }),
  actions: z.array(actionRecordSchema),
});

export const dnsResultSchema: z.ZodType<DnsResult> = z.looseObject({
  changes: z.array(
    z.looseObject({
      hostedZoneId: z.string().min(1),
      changeId: z.string().min(1).nullable(),
      status: z.enum(['PENDING', 'INSYNC']),
    }),
  ),
  inSync: z.boolean(),
  pollSeconds: z.number().int().positive(),
  startedAt: isoTime,
  inSyncAt: isoTime.optional(),
  alreadyFlipped: z.array(z.string()),
  actions: z.array(actionRecordSchema),
  routingControls: z.array(z.looseObject({ arn: z.string().min(1), state: z.enum(['On', 'Off']) })).optional(),
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

/**
 * Parses a state machine step's payload; a payload that does not fit throws MalformedEventError naming each field
 * (`promotion.pollSeconds: …`): the ASL or an upstream step changed shape, and the execution stops there.
 *
 * @param step - the step's name, for the message (`'promote-database input'`)
 */
export const parseStepInput = <T>(step: string, schema: z.ZodType<T>, event: unknown): T => {
  const result = schema.safeParse(event);
  if (!result.success) throw new MalformedEventError(step, toFieldIssues(result.error, event));
  return result.data;
};
