/**
 * Sets environment variables for the product, which reads them once per process through
 * shared/runtime/config.ts, so set them before the first handler runs.
 *
 * @returns a function that puts every variable back as it was (absent ones are deleted again)
 */
export const setEnvironment = (values: Record<string, string>): (() => void) => {
  const previous = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
  Object.assign(process.env, values);
  return () => {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
};
