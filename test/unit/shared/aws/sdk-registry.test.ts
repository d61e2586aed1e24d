import { DescribeDBClustersCommand, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import type { Pluggable } from '@smithy/types';
import {
  CLIENT_TIMEOUTS,
  clients,
  dynamodbClient,
  rdsClient,
  resetClients,
  useClientPlugin,
} from '../../../../shared/aws/clients';
import { useFakeCredentials } from '../../../support/credentials';

/**
 * The client registry (shared/aws/sdk/registry.ts): clients resolve their middleware once per command class, and a
 * plugin added later still reaches every built client.
 */

// biome-ignore lint/suspicious/noExplicitAny: a plugin of any client.
type AnyPlugin = Pluggable<any, any>;

/** A plugin that answers every call itself (no network) and counts how often a client's stack is resolved. */
const answering = (): { plugin: AnyPlugin; resolved: () => number; calls: () => number } => {
  let resolved = 0;
  let calls = 0;
  return {
    plugin: {
      applyToStack: (stack) => {
        stack.add(
          () => {
            resolved += 1;
            return async () => {
              calls += 1;
              return { output: { $metadata: {} }, response: {} };
            };
          },
          { step: 'initialize', name: 'answerHere', override: true },
        );
      },
    },
    resolved: () => resolved,
    calls: () => calls,
  };
};

/** A plugin that counts the calls that pass through it. */
const counting = (): { plugin: AnyPlugin; calls: () => number } => {
  let calls = 0;
  return {
    plugin: {
      applyToStack: (stack) => {
        stack.add(
          (next) => async (args) => {
            calls += 1;
            return next(args);
          },
          { step: 'initialize', name: 'countHere', priority: 'high', override: true },
        );
      },
    },
    calls: () => calls,
  };
};

describe('the SDK client registry', () => {
  useFakeCredentials('test');

  afterEach(() => resetClients());

  it('resolves a client middleware stack once per command class, not at every call', async () => {
    // Arrange
    const answer = answering();
    useClientPlugin(answer.plugin);
    const rds = rdsClient('us-west-2');

    // Act
    await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'orders-db' }));
    await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'catalog-db' }));
    await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'catalog' }));

    // Assert: three calls, two command classes
    expect(answer.calls()).toBe(3);
    expect(answer.resolved()).toBe(2);
  });

  it('runs a plugin added after a client has made calls on its next call', async () => {
    // Arrange: a client that has already resolved (and cached) its stack
    const answer = answering();
    useClientPlugin(answer.plugin);
    const rds = rdsClient('us-west-2');
    await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'orders-db' }));
    const later = counting();

    // Act
    useClientPlugin(later.plugin);
    await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'orders-db' }));

    // Assert
    expect(later.calls()).toBe(1);
    expect(answer.calls()).toBe(2);
  });

  it('retries in the standard mode, with its attempts, even when the environment asks for the adaptive mode', async () => {
    // Prepare: a shell or a function environment with AWS_RETRY_MODE=adaptive
    const before = process.env.AWS_RETRY_MODE;
    process.env.AWS_RETRY_MODE = 'adaptive';
    try {
      // Act
      const strategies = await Promise.all(
        Object.entries(clients).map(async ([service, factory]) => {
          // Only routing control's factory takes arguments: the cluster endpoint it calls.
          const client = (factory as (region: string, url: string) => ReturnType<typeof rdsClient>)(
            'us-west-2',
            'https://host-a.us-west-2.example.aws/v1',
          );
          const strategy = (await client.config.retryStrategy()) as { mode?: string };
          return [service, strategy.mode, await client.config.maxAttempts()];
        }),
      );

      // Assert
      expect(strategies).toEqual(
        Object.entries(CLIENT_TIMEOUTS).map(([service, timeouts]) => [service, 'standard', timeouts.maxAttempts]),
      );
    } finally {
      if (before === undefined) delete process.env.AWS_RETRY_MODE;
      else process.env.AWS_RETRY_MODE = before;
    }
  });

  it('builds the ledger client, which lib-dynamodb wraps, without the middleware cache it refuses', () => {
    // Act + Assert: lib-dynamodb throws on a client built with cacheMiddleware
    expect(() => dynamodbClient()).not.toThrow();
  });
});
