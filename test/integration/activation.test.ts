// The built extension activates with the activation bench's vscode stub: the bench's first step
// (`npm run bench`) cannot break unseen, and activation loads none of the lazy bundles.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { lazyBundles } from '../../src/features';

const root = join(__dirname, '..', '..');

describe('activation of the built extension (dist/extension.js)', () => {
  it("requires and activates with the bench's vscode stub and prints its time", () => {
    const out = execFileSync(
      process.execPath,
      [join(root, 'bench', 'activate-child.cjs'), join(root, 'dist', 'extension.js')],
      { encoding: 'utf8' },
    );
    assert.ok(Number.isFinite(Number(out.trim())), `a time in ms, not: ${out}`);
  });

  it('loads none of the bundles kept for later (the lint server, and every lazy bundle of src/features.ts) and starts no process', () => {
    const names = ['lint', 'lintServer', ...Object.keys(lazyBundles)].join('|');
    const probe = `
      const Module = require('node:module');
      const real = Module._load;
      const loaded = [];
      Module._load = function (request, ...rest) {
        if (/dist[\\\\/](${names})\\.js$/.test(request) || /^\\.\\/(${names})\\.js$/.test(request)) loaded.push(request);
        return real.call(this, request, ...rest);
      };
      // The lint server is a process started on the first lint, never at activation.
      const cp = require('node:child_process');
      for (const name of ['fork', 'spawn', 'execFile', 'exec']) {
        const original = cp[name];
        cp[name] = function (...args) {
          loaded.push(name + ' ' + String(args[0]));
          return original.apply(this, args);
        };
      }
      process.argv[2] = ${JSON.stringify(join(root, 'dist', 'extension.js'))};
      require(${JSON.stringify(join(root, 'bench', 'activate-child.cjs'))});
      process.stdout.write('loaded: ' + JSON.stringify(loaded) + '\\n');
    `;
    const out = execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' });
    const line = out.split('\n').find((l) => l.startsWith('loaded: '));
    assert.ok(line, out);
    assert.deepEqual(JSON.parse(line.slice('loaded: '.length)), []);
  });
});
