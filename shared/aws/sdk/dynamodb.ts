import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { memo, region, timeoutOptions } from './registry';

/** The ledger's DynamoDB, as a document client, in the deployment's region. */
export const dynamodbClient = () =>
  memo('dynamodb', () =>
    DynamoDBDocumentClient.from(new DynamoDBClient({ region: region(), ...timeoutOptions('dynamodb') }), {
      marshallOptions: { removeUndefinedValues: true },
    }),
  );
