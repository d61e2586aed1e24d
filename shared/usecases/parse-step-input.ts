import { MalformedEventError } from '../errors';
import { toFieldIssues } from '../field-issues';
import type * as z from '../zod';

/**
 * Parses a state machine step's payload; a payload that does not fit throws MalformedEventError naming each field
 * (`promotion.pollSeconds: …`): the ASL or an upstream step changed shape, and the execution stops there.
 *
 * @param step - the step's name, for the message (`'promote-database input'`)
 */
export const parseStepInput = <T>(step: string, schema: z.ZodType<T>, event: unknown): T => {
  const result = schema.safeParse(event);
  if (!result.success) throw new MalformedEventError(step, toFieldIssues(result.error, event));
  return result.data;
};
