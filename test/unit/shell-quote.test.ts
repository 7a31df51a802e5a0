// Commands shown for a person to copy: hostile values (spaces, quotes, $(...), backticks, ';',
// newlines, unicode) survive a real shell word for word. POSIX quoting is checked by running the
// quoted line through sh and bash; PowerShell's by its quoting rules (no PowerShell here).
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  blank,
  commandInText,
  commandLine,
  quotePosix,
  quotePowerShell,
  runnableArgv,
  shellFor,
} from '../../src/core/shellQuote';

const hostile = [
  'plain',
  '',
  'with space',
  "it's",
  'say "hi"',
  '$(touch /tmp/obslab-pwned)',
  '`touch /tmp/obslab-pwned`',
  'a; touch /tmp/obslab-pwned',
  'line1\nline2',
  'tab\there',
  'ünïcødé ✓ 名前',
  '~/home',
  '=cmd',
  '*.yaml',
  '{a,b}',
  'x={}',
  '$HOME',
  '!!',
  'back\\slash',
  '-n',
  '--%',
  '’typographic‘',
  "'",
  '&&',
  '|| rm -rf ~',
  '#comment',
];

/** The words sh (or bash) sees in a command line, one per NUL-terminated chunk. */
function wordsIn(shell: string, line: string): string[] {
  const out = execFileSync(shell, ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

describe('shell quoting for commands a person copies', () => {
  for (const shell of ['/bin/sh', '/bin/bash'].filter((s) => existsSync(s))) {
    it(`POSIX: ${shell} reads every hostile value back as exactly one unchanged word`, () => {
      for (const value of hostile) assert.deepEqual(wordsIn(shell, quotePosix(value)), [value], JSON.stringify(value));
      assert.deepEqual(wordsIn(shell, hostile.map(quotePosix).join(' ')), hostile);
      assert.ok(!existsSync('/tmp/obslab-pwned'), 'nothing was run');
    });
  }

  it('POSIX: leaves plain words (paths, flags, key=value) readable', () => {
    assert.equal(
      commandLine(
        [
          'kubectl',
          '--context',
          'kind-lab',
          '-n',
          'monitoring',
          'label',
          'servicemonitor',
          'otel',
          'release=prometheus',
          '--overwrite',
        ],
        'posix',
      ),
      'kubectl --context kind-lab -n monitoring label servicemonitor otel release=prometheus --overwrite',
    );
    assert.equal(quotePosix('/home/me/lab dir/k8s'), "'/home/me/lab dir/k8s'");
    assert.equal(quotePosix('x; touch /tmp/pwned'), "'x; touch /tmp/pwned'");
    assert.equal(quotePosix("it's"), "'it'\\''s'");
  });

  it('PowerShell: single quotes around anything not plain, every quote (typographic too) doubled', () => {
    assert.equal(quotePowerShell('plain-word.yaml'), 'plain-word.yaml');
    assert.equal(quotePowerShell('C:\\Users\\me\\lab'), 'C:\\Users\\me\\lab');
    assert.equal(quotePowerShell(''), "''");
    assert.equal(quotePowerShell('$(Remove-Item x)'), "'$(Remove-Item x)'");
    assert.equal(quotePowerShell('`n; calc'), "'`n; calc'");
    assert.equal(quotePowerShell("it's"), "'it''s'");
    assert.equal(quotePowerShell('’x‘'), "'’’x‘‘'");
    assert.equal(quotePowerShell('@args'), "'@args'");
    assert.equal(quotePowerShell('a,b'), "'a,b'");
    assert.equal(quotePowerShell('--%'), "'--%'");
    for (const value of hostile) {
      const q = quotePowerShell(value);
      if (q === value) {
        assert.match(value, /^[A-Za-z0-9_+:./\\=-]+$/, `${JSON.stringify(value)} is left bare only when plain`);
        continue;
      }
      // Inside PowerShell's single quotes only a quote ends the string, and every one is doubled.
      const inner = q.slice(1, -1);
      assert.equal(q[0], "'");
      assert.equal(q.at(-1), "'");
      assert.equal(
        inner.replace(/(['\u2018\u2019\u201A\u201B])\1/g, ''),
        value.replace(/['\u2018\u2019\u201A\u201B]/g, ''),
        JSON.stringify(value),
      );
    }
    // A quoted program needs the call operator.
    assert.equal(
      commandLine(['C:\\Program Files\\kubectl.exe', 'get', 'pods'], 'powershell'),
      "& 'C:\\Program Files\\kubectl.exe' get pods",
    );
  });

  it('shows a command with a word left to the person as <name>, and refuses to hand it to execFile', () => {
    const refresh = ['aws', 'eks', 'update-kubeconfig', '--name', blank('cluster'), '--region', blank('region')];
    assert.equal(commandLine(refresh, 'posix'), 'aws eks update-kubeconfig --name <cluster> --region <region>');
    assert.equal(commandLine(refresh, 'powershell'), 'aws eks update-kubeconfig --name <cluster> --region <region>');
    assert.equal(runnableArgv(refresh), undefined);
    assert.deepEqual(runnableArgv(['helm', 'status', 'prometheus', '-n', 'monitoring']), [
      'helm',
      'status',
      'prometheus',
      '-n',
      'monitoring',
    ]);
  });

  it('puts a command into a sentence between backticks, quoted for sh so a copied line runs the same words', () => {
    assert.equal(commandInText(['kubectl', 'cluster-info']), '`kubectl cluster-info`');
    const words = ['kubectl', 'apply', '-f', '/my lab/k8s/app.yaml'];
    const shown = commandInText(words);
    assert.equal(shown, "`kubectl apply -f '/my lab/k8s/app.yaml'`");
    if (existsSync('/bin/sh')) assert.deepEqual(wordsIn('/bin/sh', shown.slice(1, -1)), words);
  });

  it('chooses PowerShell on Windows and POSIX quoting elsewhere', () => {
    assert.equal(shellFor('win32'), 'powershell');
    assert.equal(shellFor('linux'), 'posix');
    assert.equal(shellFor('darwin'), 'posix');
  });
});
