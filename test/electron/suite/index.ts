// The extension-host suite test/electron/runTest.ts hands to VS Code: mocha, built here rather
// than from spec files, so the whole suite is one bundle. It runs with the real vscode API.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

const extensionId = 'obslab.observability-lab';

interface Manifest {
  contributes: { commands: { command: string }[] };
}

function tests(): [string, () => Promise<void>][] {
  const extension = (): vscode.Extension<unknown> => {
    const ext = vscode.extensions.getExtension(extensionId);
    assert.ok(ext, `${extensionId} is loaded`);
    return ext;
  };
  return [
    [
      'activates',
      async () => {
        await extension().activate();
        assert.equal(extension().isActive, true);
      },
    ],
    [
      'registers every command package.json contributes',
      async () => {
        const manifest = JSON.parse(readFileSync(join(extension().extensionPath, 'package.json'), 'utf8')) as Manifest;
        const registered = new Set(await vscode.commands.getCommands(true));
        for (const { command } of manifest.contributes.commands)
          assert.ok(registered.has(command), `${command} is registered`);
      },
    ],
    [
      'runs Create Lab Files up to its first question, and stops when it is dismissed',
      async () => {
        const result = vscode.commands.executeCommand('obslab.scaffold');
        // The "where?" quick pick is open now; dismiss it as a student pressing Escape would.
        await new Promise((r) => setTimeout(r, 1_000));
        await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
        assert.equal(await result, undefined, 'dismissed: nothing written, no error');
      },
    ],
    [
      'checks the prerequisites and returns one line per check',
      async () => {
        const lines = (await vscode.commands.executeCommand('obslab.checkPrerequisites')) as
          { name: string; ok: boolean }[] | undefined;
        assert.ok(Array.isArray(lines), 'the command returns its lines');
        assert.ok(lines.some((l) => l.name === 'kubeconfig'));
        assert.ok(lines.some((l) => l.name === 'kubectl'));
      },
    ],
  ];
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: true, timeout: 60_000 });
  const suite = Mocha.Suite.create(mocha.suite, 'Observability Lab in the extension host');
  for (const [title, fn] of tests()) suite.addTest(new Mocha.Test(title, fn));
  return new Promise((resolve, reject) => {
    mocha.run((failures) =>
      failures > 0 ? reject(new Error(`${failures} extension-host test(s) failed`)) : resolve(),
    );
  });
}
