import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A maker of scratch folders in the OS's temporary folder, named `<prefix><random>`, every one of them removed after
 * the last test of the file (or of the describe block it is called in): a test run leaves nothing behind. Call it
 * where jest hooks may be declared (the top of a file, a describe block); call the maker it returns anywhere.
 */
export const scratchFolders = (prefix: string): (() => string) => {
  const made: string[] = [];
  afterAll(() => {
    for (const folder of made) rmSync(folder, { recursive: true, force: true });
  });
  return () => {
    const folder = mkdtempSync(join(tmpdir(), prefix));
    made.push(folder);
    return folder;
  };
};
