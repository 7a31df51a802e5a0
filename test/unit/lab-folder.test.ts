// An invalid obslab-lab.json is shown to the student once a window, however many bundles read it:
// src/ui/labFolder.ts is bundled into six of them, so what it has already reported lives on the
// Ctx made at activation, never in the module. Here with a stand-in vscode, each fresh copy of the
// module standing for one bundle.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { englishL10n, withStandInVscode } from '../support/standInVscode';

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
    l10n: englishL10n,
    commands: { executeCommand: () => Promise.resolve(undefined) },
  };
  const labFolderPath = require.resolve('../../src/ui/labFolder');
  const context = withStandInVscode(
    vscodeStub,
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    () => require('../../src/ui/context') as typeof import('../../src/ui/context'),
  );
  let lab = '';

  /** A fresh copy of labFolder.ts, as each bundle evaluates its own. */
  function bundleCopy(): typeof import('../../src/ui/labFolder') {
    delete require.cache[labFolderPath];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(labFolderPath) as typeof import('../../src/ui/labFolder');
  }

  function newCtx(): InstanceType<ReturnType<typeof context>['Ctx']> {
    const { Ctx } = context();
    return new Ctx({} as ConstructorParameters<typeof Ctx>[0]);
  }

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
