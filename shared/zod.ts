import { en } from 'zod/locales';
import { config, type core, ZodMiniISODateTime, ZodMiniNumber, type ZodMiniType } from 'zod/mini';
import { _coercedNumber, _isoDateTime } from 'zod/v4/core';

/**
 * The one place Lambda code imports zod from: zod/mini, the tree-shakable build of the same schemas (zod's classic
 * entry point carries every locale and method chain into each bundle, about 460 KiB; see the README's dependency
 * notes). Schemas use the forms both builds share (`z.optional(x)`, `.check(z.minLength(1))`), so a schema reads the
 * same here as in the CLI, which keeps full zod. Biome's `noRestrictedImports` (biome.json) forbids `zod` elsewhere in
 * `shared/` and `functions/`.
 */
export * from 'zod/mini';

/**
 * `z.iso` and `z.coerce` with the members Lambda code uses, built as zod/mini builds them. zod/mini exports both as
 * namespaces (`export * as iso`), and a namespace reached through this module's `export *` is kept whole by esbuild:
 * every ISO format and coercion (dates, durations, bigints, with their classes and regexes) lands in each bundle.
 * Add a member here when a schema needs another.
 */
export const iso = {
  datetime: (params?: string | core.$ZodISODateTimeParams): ZodMiniISODateTime =>
    _isoDateTime(ZodMiniISODateTime, params),
};
export const coerce = {
  number: <T = unknown>(params?: string | core.$ZodNumberParams): ZodMiniNumber<T> =>
    _coercedNumber(ZodMiniNumber, params) as ZodMiniNumber<T>,
};

/** A schema whose output is `Output` (zod's `ZodType`, so that annotations read the same in both builds). */
export type ZodType<Output = unknown, Input = unknown> = ZodMiniType<Output, Input>;
/** What `safeParse` fails with. */
export type ZodError<T = unknown> = core.$ZodError<T>;

// zod/mini loads no locale: without English, a type mismatch reads "Invalid input" instead of "Invalid input:
// expected string, received number", which is what plan authors and the CLI (full zod) see.
config(en());
