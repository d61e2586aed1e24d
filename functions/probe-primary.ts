import { FetchHealthEndpoints } from '../shared/aws/health-endpoint';
import { CloudWatchProberMetrics } from '../shared/aws/prober-metrics';
import { MalformedEventError } from '../shared/errors';
import { toFieldIssues } from '../shared/field-issues';
import { systemClock } from '../shared/runtime/clock';
import { lambdaHandler } from '../shared/runtime/handler';
import { logger } from '../shared/runtime/logger';
import { plans } from '../shared/runtime/plans';
import { onColdStart } from '../shared/runtime/warm';
import { type ProbeOutcome, type ProbePrimaryDeps, probePrimary } from '../shared/usecases/probe-primary';
import * as z from '../shared/zod';

/** The input each plan's prober schedule sends (scripts/plan-resources.js proberResources). */
const probeEventSchema = z.looseObject({ plan: z.string().check(z.minLength(1, { error: 'expected the plan name' })) });

let adapters: Omit<ProbePrimaryDeps, 'plans'> | undefined;
onColdStart(() => {
  adapters = undefined;
});
// Built on first use, once per process; the plans are looked up on every call (a drill or a test brings its own).
const defaultDeps = (): ProbePrimaryDeps => {
  adapters ??= {
    endpoints: new FetchHealthEndpoints(),
    metrics: new CloudWatchProberMetrics(),
    clock: systemClock,
    log: logger,
  };
  return { ...adapters, plans: plans() };
};

/** Scheduled probe of one plan's primary (`{ "plan": "<app>" }`), from the standby region: one metric datapoint. */
export const handler = lambdaHandler(async (event: unknown): Promise<ProbeOutcome> => {
  const parsed = probeEventSchema.safeParse(event);
  if (!parsed.success) throw new MalformedEventError('prober schedule input', toFieldIssues(parsed.error, event));
  logger.appendKeys({ plan: parsed.data.plan });
  return probePrimary(parsed.data.plan, defaultDeps());
});
