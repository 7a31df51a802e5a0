// The editor side speaks through vscode.l10n.t: no notification, button, progress line, quick-pick
// or input-box text, status bar item or tree item of src/ui is an English literal (a static look at
// every file), and the texts the load test's questions and confirmation are made of come out of
// translations whole in the pseudo-locale (with a stand-in vscode whose l10n.t speaks it).
// Output-channel lines are logs and stay English; they are not looked at.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';
import { pseudo } from '../../scripts/l10n';
import { fillMessage } from '../../src/core/text/l10n';
import { inPseudoLocale, untranslated } from '../support/pseudoLocale';
import { withStandInVscode } from '../support/standInVscode';

const root = join(__dirname, '..', '..');
const uiDir = join(root, 'src', 'ui');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The literal text of a string or template literal (a template's parts joined), else undefined. */
function literalText(node: ts.Node): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node))
    return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' ');
  return undefined;
}

/** Words a person reads: two words of letters side by side, or one capitalised word (a button). */
const prose = /[A-Za-z]{2,}[ ,;:]+[A-Za-z]{2,}|^[A-Z][a-z]+$/;
const shownProperties = new Set([
  'title',
  'prompt',
  'placeHolder',
  'label',
  'detail',
  'description',
  'message',
  'tooltip',
]);
const shownFields = new Set(['text', 'tooltip', 'name', 'description']);

/** file:line: text of every English literal src/ui puts in front of the student outside vscode.l10n.t. */
function englishShown(): string[] {
  const found: string[] = [];
  for (const file of tsFiles(uiDir)) {
    const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const report = (node: ts.Node): void => {
      const text = literalText(node);
      if (text === undefined || !prose.test(text)) return;
      const { line } = src.getLineAndCharacterOfPosition(node.getStart(src));
      found.push(`${relative(root, file)}:${line + 1}: ${text}`);
    };
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression.getText(src).replace(/\s+/g, '');
        if (callee === 'vscode.l10n.t') return;
        if (/\.show(Information|Warning|Error)Message$/.test(callee)) node.arguments.forEach(report);
        if (/\.(createOutputChannel|createStatusBarItem)$/.test(callee)) node.arguments.slice(1).forEach(report);
      }
      if (ts.isPropertyAssignment(node) && shownProperties.has(node.name.getText(src))) report(node.initializer);
      if (
        ts.isBinaryExpression(node) &&
        node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
        ts.isPropertyAccessExpression(node.left) &&
        shownFields.has(node.left.name.text)
      )
        report(node.right);
      ts.forEachChild(node, visit);
    };
    visit(src);
  }
  return found;
}

describe('the editor side in other languages (src/ui)', () => {
  it('shows no English literal: notifications and their buttons, progress, questions, picks, status bar and tree items', () => {
    assert.deepEqual(englishShown(), []);
  });

  describe("the load test's questions and confirmation, with a stand-in vscode in the pseudo-locale", () => {
    const vscodeStub = {
      l10n: {
        t: (message: string, ...args: (string | number | boolean)[]) =>
          fillMessage(
            pseudo(message),
            args.map((a) => String(a)),
          ),
      },
      window: {},
      workspace: {},
      Uri: {},
    };
    type Distributed = typeof import('../../src/ui/loadtestDistributed');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const loaded = withStandInVscode(vscodeStub, () => require('../../src/ui/loadtestDistributed') as Distributed);

    const whole = (texts: string[]): void => {
      assert.ok(texts.length);
      for (const text of texts)
        for (const line of text.split('\n')) assert.equal(untranslated(line), '', `English left in: ${line}`);
    };

    it("words the distributed engines' picks, whether JMeter is installed or not", () => {
      inPseudoLocale(() => {
        whole(
          loaded()
            .distributedEngineChoices('/opt/jmeter/bin/jmeter')
            .flatMap((c) => [c.label, c.detail]),
        );
        whole(
          loaded()
            .distributedEngineChoices(undefined)
            .flatMap((c) => [c.label, c.detail]),
        );
      });
    });

    it("words the confirmation's engine lines for remote servers and for pods in the cluster", () => {
      inPseudoLocale(() => {
        whole(
          loaded().distributionDetail(
            { kind: 'remote', engines: [{ host: '10.0.0.5', port: 1099 }] } as Parameters<
              Distributed['distributionDetail']
            >[0],
            'jmeter',
          ),
        );
        const [first, second] = loaded().distributionDetail(
          {
            kind: 'cluster',
            target: 'otel-flask.app.svc:80',
            loaded: { context: 'lab', server: 'https://127.0.0.1:6443' },
            spec: { namespace: 'obslab-loadtest', engines: 2, planXml: '<jmeterTestPlan/>', props: {}, runId: 'r1' },
          } as unknown as Parameters<Distributed['distributionDetail']>[0],
          undefined,
        );
        whole([first ?? '', second ?? '']);
      });
    });

    it("says why JMeter's run did not complete, with an exit code, a signal or neither", () => {
      inPseudoLocale(() => {
        whole([
          loaded().jmeterExited(1, 'results.log'),
          loaded().jmeterExited('SIGTERM', 'results.log'),
          loaded().jmeterExited(null, 'results.log'),
        ]);
      });
    });
  });
});
