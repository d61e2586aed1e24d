import { GetParameterCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { ParameterPort } from '../domain/ports';
import { awsErrorName, toSwitchbackError } from './aws-errors';
import { ssmClient } from './sdk/ssm';

/** SSM parameters the application reads (the failback's write pause), in the region the plan names. */
export class SsmParameters implements ParameterPort {
  readonly #clientFor: (region: string) => SSMClient;

  constructor(options: { clientFor?: (region: string) => SSMClient } = {}) {
    this.#clientFor = options.clientFor ?? ((region) => ssmClient(region));
  }

  async putParameter(region: string, name: string, value: string): Promise<void> {
    try {
      await this.#clientFor(region).send(
        new PutParameterCommand({ Name: name, Value: value, Type: 'String', Overwrite: true }),
      );
    } catch (error) {
      throw toSwitchbackError('ssm', 'PutParameter', error);
    }
  }

  async getParameter(region: string, name: string): Promise<string | undefined> {
    try {
      const output = await this.#clientFor(region).send(new GetParameterCommand({ Name: name }));
      return output.Parameter?.Value;
    } catch (error) {
      if (awsErrorName(error) === 'ParameterNotFound') return undefined;
      throw toSwitchbackError('ssm', 'GetParameter', error);
    }
  }
}
