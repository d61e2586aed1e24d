import { awsErrorName, isThrottling, toSwitchbackError } from '../../../../shared/aws/aws-errors';
import { EndpointUnreachableError, LockHeldError, SwitchbackError, ThrottledError } from '../../../../shared/errors';

const sdkError = (name: string, extra: object = {}): Error =>
  Object.assign(new Error(`${name} happened`), { name, ...extra });

describe('toSwitchbackError', () => {
  it.each([
    'Throttling',
    'ThrottlingException',
    'TooManyRequestsException',
    'PriorRequestNotComplete',
    'RequestLimitExceeded',
  ])('returns a retryable ThrottledError when AWS answers %s', (name) => {
    // Prepare
    const cause = sdkError(name);

    // Act
    const mapped = toSwitchbackError('route53', 'ChangeResourceRecordSets', cause);

    // Assess
    expect(mapped).toBeInstanceOf(ThrottledError);
    expect(mapped).toMatchObject({ name: 'ThrottledError', retryable: true, cause });
    expect(mapped.message).toBe('route53 ChangeResourceRecordSets was throttled');
  });

  it.each([
    ['TimeoutError', { code: 'ETIMEDOUT' }],
    ['Error', { code: 'ECONNREFUSED' }],
    ['Error', { code: 'ECONNRESET' }],
  ])('returns a retryable EndpointUnreachableError naming the call when the SDK throws %s %o', (name, extra) => {
    // Prepare
    const cause = sdkError(name, { ...extra, $metadata: { attempts: 2 } });

    // Act
    const mapped = toSwitchbackError('route53', 'ChangeResourceRecordSets', cause);

    // Assess
    expect(mapped).toBeInstanceOf(EndpointUnreachableError);
    expect(mapped).toMatchObject({
      name: 'EndpointUnreachableError',
      service: 'route53',
      operation: 'ChangeResourceRecordSets',
      retryable: true,
      cause,
    });
    expect(mapped.message).toContain('route53 ChangeResourceRecordSets got no answer');
  });

  it('keeps an HTTP answer as it is when the service answered with an error status', () => {
    // Prepare: a 504 from a load balancer is an answer, with its own name and status.
    const cause = sdkError('TimeoutError', { $metadata: { httpStatusCode: 504 } });

    // Act
    const mapped = toSwitchbackError('rds', 'DescribeDBInstances', cause);

    // Assess
    expect(mapped).toBe(cause);
  });

  it('returns a ThrottledError when the SDK classifies an unnamed error as throttling', () => {
    // Prepare
    const cause = sdkError('SomeNewSlowDown', { $retryable: { throttling: true } });

    // Act
    const mapped = toSwitchbackError('rds', 'DescribeDBInstances', cause);

    // Assess
    expect(mapped).toBeInstanceOf(ThrottledError);
  });

  it('returns the same error when it is not throttling', () => {
    // Prepare
    const cause = sdkError('DBInstanceNotFound');

    // Act
    const mapped = toSwitchbackError('rds', 'PromoteReadReplica', cause);

    // Assess
    expect(mapped).toBe(cause);
  });

  it('passes a SwitchbackError through unchanged when one is given', () => {
    // Prepare
    const cause = new LockHeldError('orders', 'orders-1');

    // Act
    const mapped = toSwitchbackError('dynamodb', 'UpdateItem', cause);

    // Assess
    expect(mapped).toBe(cause);
  });

  it('wraps a thrown non-Error in a SwitchbackError naming the call when something odd is thrown', () => {
    // Act
    const mapped = toSwitchbackError('sfn', 'StartExecution', 'socket hang up');

    // Assess
    expect(mapped).toBeInstanceOf(SwitchbackError);
    expect(mapped.message).toBe('sfn StartExecution failed: socket hang up');
  });
});

describe('isThrottling', () => {
  it('reads the code of awsQuery-style errors when the name is missing', () => {
    // Act
    const result = isThrottling({ Code: 'Throttling' });

    // Assess
    expect(result).toBe(true);
  });

  it('returns false when the error is not an object', () => {
    // Act
    const results = [isThrottling(undefined), isThrottling(null), isThrottling(42)];

    // Assess
    expect(results).toEqual([false, false, false]);
  });
});

describe('awsErrorName', () => {
  it('returns UnknownError when the error has no name', () => {
    // Act
    const name = awsErrorName({});

    // Assess
    expect(name).toBe('UnknownError');
  });
});
