// aws-sdk-client-mock-jest's matchers (about 40 ms to load) are imported by the files that use them, not here.

// Keep test output about behaviour, not Powertools' JSON logs.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
