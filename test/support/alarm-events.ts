/**
 * EventBridge "CloudWatch Alarm State Change" events as CloudWatch sends them (times with `+0000` offsets,
 * reasonData as a JSON string).
 */
export const alarmEvent = (
  options: {
    alarmName?: string;
    value?: string;
    previous?: string;
    stateTimestamp?: string;
    time?: string;
    reasonData?: object;
  } = {},
) => {
  const alarmName = options.alarmName ?? 'orders-primary-health';
  return {
    version: '0',
    id: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: '123456789012',
    time: options.time ?? '2026-11-25T03:01:00Z',
    region: 'us-east-1',
    resources: [`arn:aws:cloudwatch:us-east-1:123456789012:alarm:${alarmName}`],
    detail: {
      alarmName,
      state: {
        value: options.value ?? 'ALARM',
        reason: 'Threshold Crossed: 3 out of the last 3 datapoints were less than the threshold (1.0).',
        reasonData: JSON.stringify(
          options.reasonData ?? {
            version: '1.0',
            queryDate: '2026-11-25T03:00:59.985+0000',
            startDate: '2026-11-25T02:58:00.000+0000',
            statistic: 'Minimum',
            period: 60,
            recentDatapoints: [0, 0, 0],
            threshold: 1,
            evaluatedDatapoints: [
              { timestamp: '2026-11-25T03:00:00.000+0000', sampleCount: 3, value: 0 },
              { timestamp: '2026-11-25T02:59:00.000+0000', sampleCount: 3, value: 0 },
              { timestamp: '2026-11-25T02:58:00.000+0000', sampleCount: 3, value: 0 },
            ],
          },
        ),
        timestamp: options.stateTimestamp ?? '2026-11-25T03:00:59.989+0000',
      },
      previousState: {
        value: options.previous ?? 'OK',
        reason: 'Threshold Crossed: 1 datapoint was not less than the threshold (1.0).',
        timestamp: '2026-11-24T12:00:00.000+0000',
      },
      configuration: { description: 'Route 53 health check of the primary region' },
    },
  };
};
