import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { planFilesIn, readPlanYaml } from './load';
import { COMPILED_PLAN_EXTENSION, PlanRegistry } from './registry';
import { parsePlan } from './validate';

/**
 * Plans are data: the package step compiles each `plans/*.yml` to `<name>.json` in `outDir`, the document as its
 * author wrote it (defaults are applied where it is loaded, by the same schema). Every plan is validated here with
 * the errors `switchback plan validate` gives, the registry's checks included (two plans of one name, one alarm
 * named by two plans), so a bad plan fails the package, not a function's first cold start. Earlier compiled plans
 * in `outDir` are removed first: a plan deleted from the source must not outlive it in the package.
 * Returns the files written.
 */
export const compilePlans = (sourceDir: string, outDir: string): string[] => {
  const documents = planFilesIn(sourceDir).map((file) => {
    const source = basename(file);
    const value = readPlanYaml(readFileSync(file, 'utf8'), source);
    return { source, value, plan: parsePlan(value, source) };
  });
  new PlanRegistry(documents.map((document) => document.plan));
  mkdirSync(outDir, { recursive: true });
  for (const file of readdirSync(outDir)) {
    if (extname(file) === COMPILED_PLAN_EXTENSION) rmSync(join(outDir, file));
  }
  return documents.map(({ source, value }) => {
    const out = join(outDir, `${basename(source, extname(source))}${COMPILED_PLAN_EXTENSION}`);
    writeFileSync(out, `${JSON.stringify(value, null, 2)}\n`);
    return out;
  });
};
