import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

// The Lambda bundles carry zod/mini only through shared/zod.ts (README, "Dependencies"): biome.json's
// noRestrictedImports rule is what keeps a full `zod` import out of shared/ and functions/. Checked through Biome
// itself with the project's biome.json, on a file written at each path of a scratch copy of the layout.
const ROOT = join(__dirname, '..', '..', '..');

/**
 * Biome's own binary, run directly: node_modules/.bin/biome is a Node script that starts Node (and `ldd` on Linux)
 * only to find and spawn it, about 0.2 s of CPU for each of the lints below. The script stays the fallback where
 * this platform's package is not the one installed (musl Linux has its own).
 */
const biomeBinary = (): string => {
  try {
    const exe = process.platform === 'win32' ? '.exe' : '';
    return require.resolve(`@biomejs/cli-${process.platform}-${process.arch}/biome${exe}`);
  } catch {
    return join(ROOT, 'node_modules', '.bin', 'biome');
  }
};
const BIOME = biomeBinary();

const lint = (path: string, source: string): { status: number | null; output: string } => {
  const dir = mkdtempSync(join(tmpdir(), 'switchback-zod-imports-'));
  try {
    copyFileSync(join(ROOT, 'biome.json'), join(dir, 'biome.json'));
    mkdirSync(join(dir, dirname(path)), { recursive: true });
    writeFileSync(join(dir, path), source);
    const result = spawnSync(BIOME, ['lint', '--max-diagnostics=5', path], { cwd: dir, encoding: 'utf8' });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

describe('zod imports (biome.json noRestrictedImports)', () => {
  it.each([
    ['functions/new-step.ts', "import * as z from 'zod';\n\nexport const s = z.string();\n"],
    ['shared/usecases/new-step.ts', "import { z } from 'zod';\n\nexport const s = z.string();\n"],
    ['shared/domain/new-rule.ts', "import type { ZodType } from 'zod/v4';\n\nexport type S = ZodType<string>;\n"],
    ['functions/new-step.ts', "import * as z from 'zod/mini';\n\nexport const s = z.string();\n"],
  ])('refuses %s importing zod other than through shared/zod.ts', (path, source) => {
    // Act
    const result = lint(path, source);

    // Assess
    expect(result.output).toContain('lint/style/noRestrictedImports');
    expect(result.output).toContain('Lambda code imports zod only from shared/zod.ts');
    expect(result.status).not.toBe(0);
  });

  it.each([
    ['shared/zod.ts', "export * from 'zod/mini';\n"],
    ['cli/commands/new-command.ts', "import * as z from 'zod';\n\nexport const s = z.string();\n"],
    ['functions/new-step.ts', "import * as z from '../shared/zod';\n\nexport const s = z.string();\n"],
  ])('lets %s import it', (path, source) => {
    // Act
    const result = lint(path, source);

    // Assess
    expect(result.output).toContain('Checked 1 file');
    expect(result.output).not.toContain('noRestrictedImports');
    expect(result.status).toBe(0);
  });
});
