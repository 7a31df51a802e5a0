// An invalid obslab-lab.json is shown to the student once a window, however many bundles read it:
// src/ui/labFolder.ts is bundled into six of them, so what it has already reported lives on the
// Ctx made at activation, never in the module. Here with a stand-in vscode, each fresh copy of the
// module standing for one bundle.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface StandInUri {
  fsPath: string;
  toString(): string;
}

const uri = (fsPath: string): StandInUri => ({ fsPath, toString: () => `file://${fsPath}` });

describe('the lab manifest read in the editor (src/ui/labFolder.ts)', () => {
  const warnings: string[] = [];
  const logged: string[] = [];
  const vscodeStub = {
    Uri: { joinPath: (base: StandInUri, ...parts: string[]) => uri(join(base.fsPath, ...parts)) },
    workspace: {
      fs: { readFile: (u: StandInUri) => import('node:fs/promises').then((fs) => fs.readFile(u.fsPath)) },
      asRelativePath: (u: StandInUri) => u.fsPath,
    },
    window: {
      showWarningMessage: (message: string) => {
        warnings.push(message);
        return Promise.resolve(undefined);
      },
      createOutputChannel: () => ({
        appendLine: (l: string) => logged.push(l),
        show: () => undefined,
        dispose: () => undefined,
      }),
    },
    l10n: {
      t: (message: string, ...args: unknown[]) =>
        message.replace(/\{(\d+)\}/g, (_m: string, i: string) => String(args[Number(i)])),
    },
    commands: { executeCommand: () => Promise.resolve(undefined) },
  };
  type Loader = (request: string, ...rest: unknown[]) => unknown;
  const moduleWithLoad = Module as unknown as { _load: Loader };
  const realLoad = moduleWithLoad._load;
  const labFolderPath = require.resolve('../../src/ui/labFolder');
  let context: typeof import('../../src/ui/context');
  let lab = '';

  /** A fresh copy of labFolder.ts, as each bundle evaluates its own. */
  function bundleCopy(): typeof import('../../src/ui/labFolder') {
    delete require.cache[labFolderPath];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(labFolderPath) as typeof import('../../src/ui/labFolder');
  }

  function newCtx(): InstanceType<typeof context.Ctx> {
    return new context.Ctx({} as ConstructorParameters<typeof context.Ctx>[0]);
  }

  /** Drops every src/ui module from the require cache, so no other test's stand-in vscode is met here, nor ours there. */
  function forgetUiModules(): void {
    for (const key of Object.keys(require.cache)) if (key.includes(join('src', 'ui'))) delete require.cache[key];
  }

  before(() => {
    forgetUiModules();
    moduleWithLoad._load = function (this: unknown, request: string, ...rest: unknown[]) {
      return request === 'vscode' ? vscodeStub : realLoad.call(this, request, ...rest);
    };
    // Loaded only now, so their `import 'vscode'` meets the stand-in.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    context = require('../../src/ui/context') as typeof import('../../src/ui/context');
  });
  after(() => {
    moduleWithLoad._load = realLoad;
    forgetUiModules();
  });
  beforeEach(() => {
    lab = mkdtempSync(join(tmpdir(), 'obslab-labfolder-'));
    warnings.length = 0;
    logged.length = 0;
  });
  afterEach(() => rmSync(lab, { recursive: true, force: true }));

  it('warns once a window about one invalid manifest, whichever bundle reads it, and logs every read', async () => {
    writeFileSync(join(lab, 'obslab-lab.json'), '{"kind": "observability-lab"');
    const ctx = newCtx();
    const kube = bundleCopy();
    const loadtest = bundleCopy();
    assert.notEqual(kube, loadtest, 'two copies of the module, as two bundles have');
    assert.equal(await kube.readLabManifestIn(ctx, uri(lab) as never), undefined);
    assert.equal(await kube.readLabManifestIn(ctx, uri(lab) as never), undefined);
    assert.equal(await loadtest.readLabManifestIn(ctx, uri(lab) as never), undefined);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(
      warnings[0] ?? '',
      /^Observability Lab: .*obslab-lab\.json.*not JSON.* Until then the settings' names are used\.$/,
    );
    assert.equal(logged.length, 3);
  });

  it('warns again when the text changes, and in a new window', async () => {
    const file = join(lab, 'obslab-lab.json');
    writeFileSync(file, '[]');
    const ctx = newCtx();
    const copy = bundleCopy();
    await copy.readLabManifestIn(ctx, uri(lab) as never);
    writeFileSync(file, '{"kind": "other"}');
    await copy.readLabManifestIn(ctx, uri(lab) as never);
    await bundleCopy().readLabManifestIn(newCtx(), uri(lab) as never);
    assert.equal(warnings.length, 3, warnings.join('\n'));
  });
});
