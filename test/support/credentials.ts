/**
 * Static fake AWS credentials in the environment for the whole test file, as a drill gives its process: the SDK
 * resolves credentials before any middleware answers, so clients served by the simulator (or a test plugin) need
 * some. Registers the beforeAll/afterAll hooks of the calling file; afterAll puts the variables back as they were.
 */
export const useFakeCredentials = (value = 'sim'): void => {
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

  beforeAll(() => {
    process.env.AWS_ACCESS_KEY_ID = value;
    process.env.AWS_SECRET_ACCESS_KEY = value;
  });

  afterAll(() => {
    if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    else process.env.AWS_ACCESS_KEY_ID = saved.id;
    if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
  });
};
