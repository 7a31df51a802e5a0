// The layer arrows of ARCHITECTURE.md are eslint.config.mjs rules; these cases show each rule bites
// (and lets the allowed imports through), so loosening the config breaks a test, not just the map.
import { strict as assert } from 'node:assert';
import { resolve } from 'node:path';
import { ESLint } from 'eslint';

const repoRoot = resolve(__dirname, '..', '..');
const layerRule = /Layer rule \(docs: ARCHITECTURE\.md "Layers"\)/;

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: repoRoot });
  const [result] = await eslint.lintText(code, { filePath });
  assert.ok(result, `no lint result for ${filePath}`);
  assert.equal(result.fatalErrorCount, 0, JSON.stringify(result.messages));
  return result.messages
    .filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports' && layerRule.test(m.message))
    .map((m) => m.message);
}

/** One import and a use of it, so no other rule (unused variables) has anything to say. */
const importing = (from: string): string => `import { thing } from '${from}';\nexport const used = thing;\n`;

describe('layers enforced by the linter', function () {
  this.timeout(60_000);

  const refused: [file: string, from: string, why: RegExp][] = [
    ['src/core/x.ts', 'node:fs', /src\/core is pure/],
    ['src/core/x.ts', 'https', /src\/core is pure/],
    ['src/core/x.ts', 'crypto', /src\/core is pure/],
    ['src/core/iam/x.ts', 'os', /src\/core is pure/],
    ['src/core/x.ts', '../node/x', /src\/core imports only src\/core/],
    ['src/core/iam/x.ts', '../../ui/context', /src\/core imports only src\/core/],
    ['src/core/x.ts', 'vscode', /only src\/ui and src\/extension\.ts import vscode/],
    ['src/node/x.ts', '../ui/x', /src\/node is the adapters/],
    ['src/node/kube/x.ts', '../../cli/io', /src\/node is the adapters/],
    ['src/node/x.ts', 'vscode', /only src\/ui/],
    ['src/node/aws/x.ts', '../kube/config', /src\/node\/aws reaches Kubernetes only through functions/],
    ['src/cli/x.ts', 'vscode', /only src\/ui/],
    ['src/cli/x.ts', '../ui/context', /src\/cli imports node and core only/],
    ['src/webview/x.ts', '../node/x', /src\/webview speaks to the host only through src\/core\/protocol/],
    ['src/webview/lib/x.ts', '../../ui/x', /src\/webview speaks to the host only through src\/core\/protocol/],
    ['src/webview/x.ts', 'node:path', /src\/webview is browser code/],
    ['src/webview/x.ts', '../core/iam/report', /src\/webview imports src\/core\/protocol and core types only/],
    ['src/lintServer/x.ts', '../ui/x', /language servers are their own processes/],
    ['src/yamlServer/x.ts', 'vscode', /only src\/ui/],
  ];
  for (const [file, from, why] of refused) {
    it(`refuses ${from} in ${file}`, async () => {
      const errors = await layerErrors(file, importing(from));
      assert.ok(
        errors.some((m) => why.test(m)),
        `expected ${why} for ${from} in ${file}, got ${JSON.stringify(errors)}`,
      );
    });
  }

  const allowed: [file: string, code: string][] = [
    ['src/core/x.ts', importing('./isRecord')],
    ['src/core/iam/x.ts', importing('../kube/cleanup')],
    ['src/core/x.ts', importing('yaml')],
    ['src/node/x.ts', importing('node:fs')],
    ['src/node/x.ts', importing('../core/finding')],
    ['src/node/aws/x.ts', importing('../../core/kube/cleanup')],
    ['src/node/doctor/x.ts', importing('../kube/config')],
    ['src/ui/x.ts', importing('vscode')],
    ['src/ui/x.ts', importing('../node/kube/config')],
    ['src/cli/x.ts', importing('../node/kube/config')],
    ['src/webview/x.ts', importing('../core/protocol/iam')],
    ['src/webview/x.ts', "import type { IrsaReport } from '../core/iam/report';\nexport type Shown = IrsaReport;\n"],
    ['src/webview/x.ts', importing('uplot')],
    ['src/lintServer/x.ts', importing('../node/lint/x')],
  ];
  for (const [file, code] of allowed) {
    it(`allows ${code.split('\n')[0]} in ${file}`, async () => {
      assert.deepEqual(await layerErrors(file, code), []);
    });
  }
});
