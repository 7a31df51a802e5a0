// A describe block's own temporary folder with OBSLAB_CACHE pointing into it, so no sandbox or
// session this machine has recorded is seen or touched; put back and removed when the block ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Registers the block's before and after hooks; `use` gets the folder (its cache is `<folder>/cache`). */
export function useTempCache(prefix: string, use: (dir: string) => void): void {
  let dir = '';
  let saved: string | undefined;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    saved = process.env['OBSLAB_CACHE'];
    process.env['OBSLAB_CACHE'] = join(dir, 'cache');
    use(dir);
  });
  after(() => {
    if (saved === undefined) delete process.env['OBSLAB_CACHE'];
    else process.env['OBSLAB_CACHE'] = saved;
    rmSync(dir, { recursive: true, force: true });
  });
}
