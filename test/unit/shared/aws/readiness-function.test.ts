import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { ReadinessFunction, ReadinessFunctionError } from '../../../../shared/aws/readiness-function';

const lambda = mockClient(LambdaClient);

// The SDK hands back a Uint8Array with helpers (Uint8ArrayBlobAdapter); the function reads only its bytes.
const encoded = (text: string) => new TextEncoder().encode(text) as never;
const payload = (value: unknown) => encoded(JSON.stringify(value));
const SUMMARY = { plan: 'orders', at: '2026-11-25T18:05:00.000Z', ready: false, findings: 2, changed: true };

describe('ReadinessFunction', () => {
  beforeEach(() => lambda.reset());

  it("invokes the function and waits for it with the schedule's input, and returns what it kept", async () => {
    // Prepare
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload(SUMMARY) });
    const fn = new ReadinessFunction('switchback-prod-readiness', { region: 'us-west-2' });

    // Act
    const run = await fn.run('orders');

    // Assess
    expect(run).toEqual(SUMMARY);
    const [call] = lambda.commandCalls(InvokeCommand);
    expect(call?.args[0].input).toMatchObject({
      FunctionName: 'switchback-prod-readiness',
      InvocationType: 'RequestResponse',
    });
    expect(JSON.parse(new TextDecoder().decode(call?.args[0].input.Payload as Uint8Array))).toEqual({
      plan: 'orders',
    });
  });

  it("names the function, the plan, Lambda's error and where its log is when the run failed", async () => {
    // Prepare: the function's answer when the deployed plans have no such plan (a handled error is still 200)
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: payload({
        errorType: 'PlanNotFoundError',
        errorMessage: 'No plan named "orders". Known plans: billing.\nFix the "plan" field of the input',
      }),
    });
    const fn = new ReadinessFunction('switchback-prod-readiness', { region: 'us-west-2' });

    // Act
    const run = fn.run('orders');

    // Assess
    await expect(run).rejects.toThrow(ReadinessFunctionError);
    await expect(run).rejects.toThrow(
      'the readiness function switchback-prod-readiness failed for plan "orders": PlanNotFoundError: No plan named "orders". Known plans: billing. Fix the "plan" field of the input; fix the cause (the function\'s log group /aws/lambda/switchback-prod-readiness has the run)',
    );
  });

  it('names the function, the call and what to check when Lambda refuses or cannot be reached', async () => {
    // Prepare
    const denied = Object.assign(new Error('User: arn:aws:iam::123456789012:user/alice is not authorized'), {
      name: 'AccessDeniedException',
    });
    lambda.on(InvokeCommand).rejects(denied);
    const fn = new ReadinessFunction('switchback-prod-readiness', { region: 'us-west-2' });

    // Act
    const run = fn.run('orders');

    // Assess
    await expect(run).rejects.toThrow(
      'could not invoke the readiness function switchback-prod-readiness for plan "orders": AccessDeniedException: User: arn:aws:iam::123456789012:user/alice is not authorized; check --region and --stage (or --function), and that your credentials allow lambda:InvokeFunction on it',
    );
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(1);
  });

  it.each([
    ['another function', { statusCode: 200, body: 'ok' }],
    ['no JSON', 'null-ish'],
    ['the readiness of another plan', { ...SUMMARY, plan: 'billing' }],
  ])('refuses an answer that is not a readiness run of the plan (%s), pointing at --function', async (_, answer) => {
    // Prepare
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      Payload: typeof answer === 'string' ? encoded(answer) : payload(answer),
    });
    const fn = new ReadinessFunction('switchback-prod-notify', { region: 'us-west-2' });

    // Act
    const run = fn.run('orders');

    // Assess
    await expect(run).rejects.toThrow(ReadinessFunctionError);
    await expect(run).rejects.toThrow(
      /^the function switchback-prod-notify answered .* for plan "orders", not a readiness run of that plan: check that --function names/,
    );
  });
});
