import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { COMPILED_PLAN_EXTENSION, compiledPlanText } from './compiled';
import { planFilesIn, readPlanYaml } from './load';
import { PlanRegistry } from './registry';
import { parsePlan } from './validate';

/**
 * Plans are data: the package step compiles each `plans/*.yml` to `<name>.json` in `outDir` (./compiled.ts): the
 * validated plan, defaults applied, with a digest of each field, which is what loading it checks. Every plan is
 * validated here with the errors `switchback plan validate` gives, the registry's checks included (two plans of one
 * name, one alarm named by two plans), so a bad plan fails the package, not a function's first cold start. Earlier compiled plans
 * in `outDir` are removed first: a plan deleted from the source must not outlive it in the package.
 * Returns the files written.
 */
export const compilePlans = (sourceDir: string, outDir: string): string[] => {
  const documents = planFilesIn(sourceDir).map((file) => {
    const source = basename(file);
    return { source, plan: parsePlan(readPlanYaml(readFileSync(file, 'utf8'), source), source) };
  });
  new PlanRegistry(documents.map((document) => document.plan));
  mkdirSync(outDir, { recursive: true });
  for (const file of readdirSync(outDir)) {
    if (extname(file) === COMPILED_PLAN_EXTENSION) rmSync(join(outDir, file));
  }
  return documents.map(({ source, plan }) => {
    const out = join(outDir, `${basename(source, extname(source))}${COMPILED_PLAN_EXTENSION}`);
    writeFileSync(out, compiledPlanText(plan));
    return out;
  });
};
