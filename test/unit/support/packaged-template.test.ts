import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_STATUS_ENV, packagedTemplate } from '../../support/packaged-template';

/** `npm test` runs jest while it packages; the template suites wait on the status file scripts/test.js writes. */
describe('packagedTemplate', () => {
  const saved = process.env[PACKAGE_STATUS_ENV];
  let dir: string;
  let statusFile: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'package-status-'));
    statusFile = join(dir, 'package-status');
    process.env[PACKAGE_STATUS_ENV] = statusFile;
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    if (saved === undefined) delete process.env[PACKAGE_STATUS_ENV];
    else process.env[PACKAGE_STATUS_ENV] = saved;
  });

  it('fails naming npm run package when packaging failed', async () => {
    // Prepare
    writeFileSync(statusFile, 'failed\n');

    // Act / Assess
    await expect(packagedTemplate()).rejects.toThrow('`npm run package` failed');
  });

  it('waits while packaging runs, then reports how it ended', async () => {
    // Prepare
    writeFileSync(statusFile, 'pending\n');
    const started = Date.now();
    setTimeout(() => writeFileSync(statusFile, 'failed\n'), 300);

    // Act
    const outcome = await packagedTemplate().catch((error: Error) => error.message);

    // Assess
    expect(outcome).toContain('`npm run package` failed');
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('gives up, saying so, when packaging has not ended in time', async () => {
    // Prepare
    writeFileSync(statusFile, 'pending\n');

    // Act / Assess
    await expect(packagedTemplate(250)).rejects.toThrow('`npm run package` had not ended after 0.25 s');
  });
});
