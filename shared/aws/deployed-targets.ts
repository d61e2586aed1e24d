import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { parseConfig } from '../runtime/config';
import { arnOwner, type ReadinessTargets, readinessTargetsOf } from './readiness-adapters';
import { timeoutOptions } from './sdk/registry';

/**
 * The targets the deployed readiness function was given: its environment, read with Lambda's
 * GetFunctionConfiguration and parsed as the function parses it. The CLI checks what the schedule checks, from the
 * one list serverless.yml writes.
 *
 * @throws the SDK's error when Lambda does not answer (the caller reports it as "could not check")
 */
export const readDeployedTargets = async (functionName: string, region: string): Promise<ReadinessTargets> => {
  // A small control-plane read: the connection and request bounds of the other control-plane clients (clients.ts).
  const client = new LambdaClient({ region, ...timeoutOptions('sfn') });
  const out = await client.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
  return readinessTargetsOf(parseConfig(out.Environment?.Variables ?? {}), arnOwner(out.FunctionArn ?? ''));
};
