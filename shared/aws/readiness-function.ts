import { InvokeCommand, type InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import { SwitchbackError } from '../errors';
import * as z from '../zod';
import { timeoutOptions } from './sdk/registry';

/** What the deployed readiness function answers for one plan (functions/readiness.ts). */
export interface ReadinessRunSummary {
  plan: string;
  /** When the run checked the plan: the sort key of the readiness it kept in the ledger. */
  at: string;
  ready: boolean;
  /** How many findings it kept (warnings included). */
  findings: number;
  /** Whether readiness flipped with this run (and a `Readiness Changed` event went out). */
  changed: boolean;
}

const summarySchema = z.object({
  plan: z.string(),
  at: z.string(),
  ready: z.boolean(),
  findings: z.number(),
  changed: z.boolean(),
});

/** The deployed readiness function could not run the plan's readiness, or answered something else. */
export class ReadinessFunctionError extends SwitchbackError {
  constructor(message: string) {
    super(message);
    this.name = 'ReadinessFunctionError';
  }
}

/** The part of the Lambda client the invoker uses (a test passes a mocked client). */
type LambdaLike = Pick<LambdaClient, 'send'>;

/**
 * Runs a plan's readiness in the deployed readiness function, as its schedule does (Lambda Invoke, RequestResponse,
 * with the schedule's input `{ "plan": "<app>" }`): the function checks the plan with its own role and keeps the
 * result in the ledger, where a failover's Assess reads it. What `switchback readiness --record` calls.
 */
export class ReadinessFunction {
  private readonly client: LambdaLike;

  constructor(
    private readonly functionName: string,
    options: { region: string; client?: LambdaLike },
  ) {
    // Lambda's client bounds (one attempt: a run is not repeated unseen); its request outlasts the function's own
    // timeout (serverless.yml: 60 s), which ends a run that hangs.
    this.client = options.client ?? new LambdaClient({ region: options.region, ...timeoutOptions('lambda') });
  }

  /** @throws ReadinessFunctionError when the function failed or its answer is not a readiness summary */
  async run(plan: string): Promise<ReadinessRunSummary> {
    let out: InvokeCommandOutput;
    try {
      out = await this.client.send(
        new InvokeCommand({
          FunctionName: this.functionName,
          InvocationType: 'RequestResponse',
          Payload: new TextEncoder().encode(JSON.stringify({ plan })),
        }),
      );
    } catch (error) {
      // Not retried: Lambda may have started the run (a request that timed out), and a second one would only repeat it.
      const name = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new ReadinessFunctionError(
        `could not invoke the readiness function ${this.functionName} for plan "${plan}": ${name}; check --region and --stage (or --function), and that your credentials allow lambda:InvokeFunction on it`,
      );
    }
    const text = out.Payload ? new TextDecoder().decode(out.Payload) : '';
    if (out.FunctionError) {
      throw new ReadinessFunctionError(
        `the readiness function ${this.functionName} failed for plan "${plan}": ${functionErrorText(text)}; fix the cause (the function's log group /aws/lambda/${this.functionName} has the run) and run the command again`,
      );
    }
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      answer = text;
    }
    const parsed = summarySchema.safeParse(answer);
    if (!parsed.success || parsed.data.plan !== plan) {
      throw new ReadinessFunctionError(
        `the function ${this.functionName} answered ${JSON.stringify(answer).slice(0, 200)} for plan "${plan}", not a readiness run of that plan: check that --function names the deployment's readiness function (switchback-<stage>-readiness)`,
      );
    }
    return parsed.data;
  }
}

/** Lambda's error payload (`{ errorType, errorMessage }`) in one line, or the payload as it came. */
const functionErrorText = (payload: string): string => {
  try {
    const error = JSON.parse(payload) as { errorType?: unknown; errorMessage?: unknown };
    if (typeof error.errorMessage === 'string') {
      const type = typeof error.errorType === 'string' ? `${error.errorType}: ` : '';
      return `${type}${error.errorMessage}`.replace(/\n\s*/g, ' ');
    }
  } catch {
    // Not JSON: shown as it came.
  }
  return payload || 'no error message';
};
