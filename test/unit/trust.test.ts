// Restricted Mode: every command is either allowed in an untrusted folder (with the reason) or
// greyed out there by package.json AND refused by the one guard every command passes through.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { features } from '../../src/features';
import {
  commandsAllowedUntrusted,
  commandsNeedingTrust,
  configuredProgramQuestion,
  manageTrustCommand,
  manageTrustLabel,
  needsTrust,
  restrictedSettings,
  trustEnablement,
  untrustedMessage,
} from '../../src/core/trust';
import { englishManifest } from '../support/manifest';
import { englishL10n, withStandInVscode } from '../support/standInVscode';

const root = join(__dirname, '..', '..');
interface Command {
  command: string;
  title: string;
  enablement?: string;
}
interface Step {
  id: string;
  description: string;
}
const manifest = englishManifest() as {
  capabilities: {
    untrustedWorkspaces: { supported: string; description: string; restrictedConfigurations?: string[] };
  };
  contributes: {
    commands: Command[];
    configuration: { properties: Record<string, { markdownDescription?: string; description?: string }> };
    walkthroughs: { steps: Step[] }[];
  };
};
const commands = manifest.contributes.commands;

describe('workspace trust: which commands need a trusted folder', () => {
  it('puts every command of package.json in exactly one table: needs trust, or allowed in Restricted Mode', () => {
    const ids = commands.map((c) => c.command).sort();
    const tabled = [...Object.keys(commandsNeedingTrust), ...Object.keys(commandsAllowedUntrusted)].sort();
    assert.deepEqual(tabled, ids);
    for (const id of Object.keys(commandsNeedingTrust))
      assert.ok(!(id in commandsAllowedUntrusted), `${id} is in both tables`);
  });

  it('gives each command needing trust `enablement: isWorkspaceTrusted`, and no allowed command any enablement', () => {
    for (const c of commands) {
      if (c.command in commandsNeedingTrust)
        assert.equal(c.enablement, trustEnablement, `${c.command} is greyed out in Restricted Mode`);
      else assert.equal(c.enablement, undefined, `${c.command} stays usable in Restricted Mode`);
    }
  });

  it('names each command by its package.json title', () => {
    for (const c of commands)
      assert.equal((commandsNeedingTrust[c.command] ?? commandsAllowedUntrusted[c.command])?.title, c.title, c.command);
  });

  it('treats an unknown command as needing trust (fails closed)', () => {
    assert.equal(needsTrust('obslab.somethingNew'), true);
    assert.equal(needsTrust('obslab.startSandbox'), true);
    assert.equal(needsTrust('obslab.scaffold'), false);
  });

  it('keeps what the issue names usable in Restricted Mode: the walkthrough, Create Lab Files, the query panel', () => {
    for (const id of ['obslab.openWalkthrough', 'obslab.scaffold', 'obslab.queryPrometheus', 'obslab.openTaskFiles'])
      assert.equal(needsTrust(id), false, id);
    for (const id of [
      'obslab.startSandbox',
      'obslab.applyManifests',
      'obslab.helmInstall',
      'obslab.cleanUp',
      'obslab.createIrsaRole',
      'obslab.inspectIrsaRole',
      'obslab.cleanUpAws',
      'obslab.runLoadTest',
      'obslab.runDoctor',
      'obslab.startPortForward',
      'obslab.checkPrerequisites',
    ])
      assert.equal(needsTrust(id), true, id);
  });

  it('says which command refused, what it would do, and how to trust the folder', () => {
    const m = untrustedMessage('obslab.startSandbox');
    assert.equal(
      m,
      "Observability Lab: Start Sandbox is not available in Restricted Mode: it runs this folder's app/app.py, installs its app/requirements.txt with pip, and starts a collector on its k8s/otel-collector-config.yaml. Trust this folder only if you trust its authors (Manage Workspace Trust), then run Start Sandbox again.",
    );
    assert.match(
      untrustedMessage('obslab.applyManifests'),
      /^Observability Lab: Apply Manifests is not available in Restricted Mode: it applies this folder's manifests to your cluster\./,
    );
    assert.equal(manageTrustCommand, 'workbench.trust.manage');
  });
});

describe('workspace trust: settings that name programs', () => {
  it('are restrictedConfigurations of the limited untrusted-workspace support, and say so in their descriptions', () => {
    const u = manifest.capabilities.untrustedWorkspaces;
    assert.equal(u.supported, 'limited');
    assert.deepEqual([...(u.restrictedConfigurations ?? [])].sort(), [...restrictedSettings].sort());
    for (const key of restrictedSettings) {
      const p = manifest.contributes.configuration.properties[key];
      assert.ok(p, `${key} is a setting`);
      assert.match(
        p.markdownDescription ?? p.description ?? '',
        /Restricted Mode/,
        `${key} says it is ignored in workspace settings in Restricted Mode`,
      );
    }
  });

  it('includes every setting whose name says it is a path to a program', () => {
    for (const key of Object.keys(manifest.contributes.configuration.properties)) {
      if (/Path$/.test(key)) assert.ok(restrictedSettings.includes(key), `${key} names a program: restrict it`);
    }
  });

  it('asks before the first run of a program a setting names, saying where the setting is', () => {
    const q = configuredProgramQuestion('obslab.helmPath', '/opt/x/helm', 'workspace', 'for its version');
    assert.equal(q.message, 'Run /opt/x/helm?');
    assert.match(
      q.detail,
      /^The setting obslab\.helmPath in this workspace's settings names this program\. Observability Lab runs it for its version\./,
    );
  });
});

describe('workspace trust: the walkthrough says which buttons need a trusted folder', () => {
  for (const step of manifest.contributes.walkthroughs[0]?.steps ?? []) {
    const linked = [...step.description.matchAll(/command:([\w.]+)/g)].map((m) => m[1] ?? '');
    const trusted = linked.filter((id) => id in commandsNeedingTrust);
    if (!trusted.length) continue;
    it(`${step.id}: names Restricted Mode and why for ${trusted.join(', ')}`, () => {
      assert.match(step.description, /trusted folder/);
      assert.match(step.description, /Restricted Mode/);
    });
  }
});

describe('workspace trust: the guard every command passes through', () => {
  const extensionSource = readFileSync(join(root, 'src', 'extension.ts'), 'utf8');

  it('registers every command of package.json in src/extension.ts through registerCommand, from the feature table', () => {
    assert.match(
      extensionSource,
      /for \(const \[id, name\] of Object\.entries\(f\.commands\)\)\s*[^\n]*registerCommand\(ctx, id, /,
    );
    assert.deepEqual(features.flatMap((f) => Object.keys(f.commands)).sort(), commands.map((c) => c.command).sort());
  });

  it('has no other vscode.commands.registerCommand in src/ than the guarded one in src/ui/context.ts', () => {
    const hits = execFileSync('grep', ['-rln', 'commands.registerCommand', join(root, 'src')], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((f) => f.slice(root.length + 1));
    assert.deepEqual(hits, ['src/ui/context.ts']);
    assert.match(
      readFileSync(join(root, 'src', 'ui', 'context.ts'), 'utf8'),
      /registerCommand\(id, async \(\.\.\.args: unknown\[\]\) => \{\n\s+if \(!requireTrust\(id\)\) return undefined;/,
    );
  });

  describe('with a stand-in vscode', () => {
    let trusted = false;
    const shown: { message: string; items: string[] }[] = [];
    const executed: string[] = [];
    const handlers = new Map<string, (...args: unknown[]) => Promise<unknown>>();
    let pickButton: string | undefined;
    const vscodeStub = {
      workspace: {
        get isTrusted() {
          return trusted;
        },
      },
      window: {
        showWarningMessage: (message: string, ...items: string[]) => {
          shown.push({ message, items });
          return Promise.resolve(pickButton);
        },
        showErrorMessage: () => Promise.resolve(undefined),
        createOutputChannel: () => ({ appendLine: () => undefined, show: () => undefined, dispose: () => undefined }),
      },
      l10n: englishL10n,
      commands: {
        registerCommand: (id: string, fn: (...args: unknown[]) => Promise<unknown>) => {
          handlers.set(id, fn);
          return { dispose: () => undefined };
        },
        executeCommand: (id: string) => {
          executed.push(id);
          return Promise.resolve(undefined);
        },
      },
    };
    const loaded = withStandInVscode(
      vscodeStub,
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      () => require('../../src/ui/context') as typeof import('../../src/ui/context'),
    );

    function register(id: string): { calls: number } {
      const counter = { calls: 0 };
      const context = loaded();
      const fakeCtx = {} as ConstructorParameters<typeof context.Ctx>[0];
      context.registerCommand(new context.Ctx(fakeCtx), id, () => () => {
        counter.calls++;
        return 'ran';
      });
      return counter;
    }

    it('refuses a command needing trust in an untrusted folder, before its handler runs, with the message and a button that manages trust', async () => {
      trusted = false;
      shown.length = 0;
      pickButton = manageTrustLabel;
      const c = register('obslab.startSandbox');
      assert.equal(await handlers.get('obslab.startSandbox')?.(), undefined);
      assert.equal(c.calls, 0);
      assert.deepEqual(shown, [{ message: untrustedMessage('obslab.startSandbox'), items: [manageTrustLabel] }]);
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(executed, ['workbench.trust.manage']);
    });

    it('runs an allowed command in an untrusted folder, and every command in a trusted one', async () => {
      trusted = false;
      shown.length = 0;
      const scaffold = register('obslab.scaffold');
      assert.equal(await handlers.get('obslab.scaffold')?.(), 'ran');
      assert.equal(scaffold.calls, 1);
      trusted = true;
      const apply = register('obslab.applyManifests');
      assert.equal(await handlers.get('obslab.applyManifests')?.(), 'ran');
      assert.equal(apply.calls, 1);
      assert.deepEqual(shown, []);
    });
  });
});
