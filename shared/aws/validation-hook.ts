import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from '@aws-sdk/client-lambda';
import { toSwitchbackError } from './aws-errors';
import { lambdaClient } from './sdk/lambda';

/** What a validation hook answers: whether the restored data is right, and a short line why. */
export interface HookAnswer {
  passed: boolean;
  detail?: string;
}

/** Asks a plan's validation hook about a restored database. */
export interface ValidationHookPort {
  invoke(functionName: string, payload: object): Promise<HookAnswer>;
}

/**
 * ValidationHookPort over Lambda Invoke (RequestResponse). A hook that throws answers `passed: false` with its error;
 * an answer that is not `{ passed: boolean, detail?: string }` is a failed validation that says what was expected.
 */
export class LambdaValidationHook implements ValidationHookPort {
  private readonly client: () => LambdaClient;

  constructor(deps: { client?: () => LambdaClient } = {}) {
    this.client = deps.client ?? lambdaClient;
  }

  async invoke(functionName: string, payload: object): Promise<HookAnswer> {
    let out: InvokeCommandOutput;
    try {
      out = await this.client().send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'RequestResponse',
          Payload: new TextEncoder().encode(JSON.stringify(payload)),
        }),
      );
    } catch (error) {
      throw toSwitchbackError('lambda', 'Invoke', error);
    }
    const text = out.Payload ? new TextDecoder().decode(out.Payload) : '';
    let answer: unknown;
    try {
      answer = text ? JSON.parse(text) : undefined;
    } catch {
      answer = text;
    }
    if (out.FunctionError) {
      const error = answer as { errorType?: string; errorMessage?: string } | undefined;
      return { passed: false, detail: `hook failed: ${error?.errorType ?? 'Error'}: ${error?.errorMessage ?? text}` };
    }
    const shaped = answer as { passed?: unknown; detail?: unknown } | undefined;
    if (typeof shaped?.passed !== 'boolean') {
      return {
        passed: false,
        detail: `hook answered ${text.slice(0, 200) || 'nothing'}; expected {"passed": true|false, "detail": "..."}`,
      };
    }
    return {
      passed: shaped.passed,
      ...(typeof shaped.detail === 'string' ? { detail: shaped.detail.slice(0, 500) } : {}),
    };
  }
}
