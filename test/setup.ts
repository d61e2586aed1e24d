import 'aws-sdk-client-mock-jest';

// Keep test output about behaviour, not Powertools' JSON logs.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
