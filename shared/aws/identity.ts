import { GetCallerIdentityCommand, type GetCallerIdentityCommandOutput, type STSClient } from '@aws-sdk/client-sts';
import type { CallerIdentity, IdentityPort } from '../domain/ports';
import { IdentityUnknownError } from '../errors';
import { isThrottling, toSwitchbackError } from './aws-errors';
import { stsClient } from './sdk/sts';

/**
 * Who the caller is, as AWS authenticated it: STS GetCallerIdentity needs no permission and cannot be told a
 * different answer by the caller (STS API reference, GetCallerIdentity).
 */
export class StsIdentity implements IdentityPort {
  readonly #client: STSClient;

  constructor(options: { client?: STSClient } = {}) {
    this.#client = options.client ?? stsClient();
  }

  /**
   * The caller's IAM identity.
   *
   * @throws ThrottledError when STS throttles; IdentityUnknownError for anything else (no or expired credentials)
   */
  async callerIdentity(): Promise<CallerIdentity> {
    let result: GetCallerIdentityCommandOutput;
    try {
      result = await this.#client.send(new GetCallerIdentityCommand({}));
    } catch (error) {
      throw isThrottling(error)
        ? toSwitchbackError('sts', 'GetCallerIdentity', error)
        : new IdentityUnknownError(error);
    }
    if (!result.Arn) throw new IdentityUnknownError(new Error('the answer named no Arn'));
    return { arn: result.Arn, account: result.Account ?? '', userId: result.UserId ?? '' };
  }
}
