// The doctor's fixes are programs with argument arrays: a hostile context name, lab folder or
// release reaches the program as one unchanged word when run, and as one quoted word when shown.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDoctor } from '../../src/core/doctor/chain';
import type { CommandFix } from '../../src/core/doctor/report';
import type { DoctorSnapshot } from '../../src/core/doctor/snapshot';
import { commandText, formatReport } from '../../src/core/doctor/text';
import { commandLine } from '../../src/core/shellQuote';
import { bundledCliResolver, runCommandSteps } from '../../src/node/doctor/commandSteps';

const pwned = join(tmpdir(), `obslab-pwned-${process.pid}`);
const hostileContext = `kind; touch ${pwned}`;
const hostileDir = `/tmp/lab $(touch ${pwned}) \`touch ${pwned}\` it's\nnext ✓`;

function brokenEverywhere(): DoctorSnapshot {
  return {
    mode: 'cluster',
    takenAt: 0,
    lab: {
      dir: hostileDir,
      context: hostileContext,
      appNamespace: 'app',
      monitoringNamespace: 'monitoring',
      helmRelease: 'prometheus',
      prometheusServiceAccount: 'prometheus-sa',
      collectorService: 'otel-collector',
      portNames: { telemetry: 'telemetry', metrics: 'metrics' },
    },
    app: {
      object: 'Deployment app/otel-flask',
      namespace: 'app',
      pods: [{ name: 'otel-flask-1', ready: false, phase: 'Pending' }],
      otlpEndpoint: 'http://otel-collector.monitoring:4317',
      otlpEndpointSource: 'env',
    },
    collector: {
      object: 'Deployment monitoring/otel-collector',
      pods: [],
      configSource: 'ConfigMap monitoring/otel-collector-config',
      configMap: { namespace: 'monitoring', name: 'otel-collector-config' },
    },
    prometheusObject: {
      namespace: 'monitoring',
      name: 'p',
      serviceMonitorSelector: { matchLabels: { release: 'prometheus' } },
      serviceMonitorNamespaceSelector: null,
      serviceAccountName: 'default',
      pods: [],
    },
    serviceMonitors: [],
    iam: {
      roleName: '-role; rm -rf ~',
      roleArn: 'arn:aws:iam::1:role/x',
      serviceAccountFound: true,
      expectedSubject: 'system:serviceaccount:monitoring:prometheus-sa',
      canAssume: false,
      trustedSubjects: [],
      findings: [],
    },
    unavailable: {},
  };
}

function commandFixes(s: DoctorSnapshot): CommandFix[] {
  return runDoctor(s)
    .links.flatMap((l) => l.findings.flatMap((f) => f.remedies))
    .filter((f): f is CommandFix => f.kind === 'command');
}

/** The words sh sees in one command line. */
function wordsIn(line: string): string[] {
  return execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${line}`], { encoding: 'utf8' })
    .split('\0')
    .slice(0, -1);
}

describe('doctor fixes: argument arrays, quoted only when shown', () => {
  after(() => rmSync(pwned, { force: true }));

  it('puts a hostile context name, lab folder and role name into single arguments, never into shell text', () => {
    const fixes = commandFixes(brokenEverywhere());
    assert.ok(fixes.length >= 5, `fixes: ${fixes.map((f) => f.title).join(', ')}`);
    const words = fixes.flatMap((f) => [...f.steps, ...(f.alongside ? [f.alongside] : [])]).flat();
    assert.ok(words.includes(hostileContext), 'the context is one word');
    assert.ok(
      words.some((w) => w.startsWith(hostileDir)),
      'the lab folder starts a word',
    );
    assert.ok(words.includes('-role; rm -rf ~'), 'the role is one word');
    for (const f of fixes) {
      for (const step of [...f.steps, ...(f.alongside ? [f.alongside] : [])]) {
        assert.ok(
          ['kubectl', 'helm', 'npx'].includes(step[0] ?? ''),
          `${f.title}: a known program, not a shell (${step[0]})`,
        );
        // A value from data after an obslab command comes after `--`, so it is never read as an option.
        if (step[0] === 'npx' && step.includes('-role; rm -rf ~'))
          assert.equal(step[step.indexOf('-role; rm -rf ~') - 1], '--');
      }
    }
  });

  it('shows each step quoted so that sh reads back exactly the words the step has', () => {
    for (const f of commandFixes(brokenEverywhere())) {
      for (const step of [...f.steps, ...(f.alongside ? [f.alongside] : [])])
        assert.deepEqual(wordsIn(commandLine(step, 'posix')), step, f.title);
    }
    const text = formatReport(runDoctor(brokenEverywhere())).join('\n');
    assert.ok(text.includes(`--context 'kind; touch ${pwned}'`), text);
    assert.ok(!existsSync(pwned), 'nothing ran');
  });

  it('chains steps so that each runs only after the last succeeded, in sh and in PowerShell', () => {
    const fix: CommandFix = {
      kind: 'command',
      title: 't',
      steps: [
        ['kubectl', 'apply', '-f', 'a b.yaml'],
        ['kubectl', 'rollout', 'restart', 'deploy/x'],
      ],
    };
    assert.equal(commandText(fix, 'posix'), "kubectl apply -f 'a b.yaml' && kubectl rollout restart deploy/x");
    assert.equal(
      commandText(fix, 'powershell'),
      "kubectl apply -f 'a b.yaml'; if ($?) { kubectl rollout restart deploy/x }",
    );
    const forward: CommandFix = {
      ...fix,
      steps: [['npx', 'obslab', 'loadtest', '--', 'plan.jmx']],
      alongside: ['kubectl', 'port-forward', 'svc/a', '8080:80'],
    };
    assert.equal(
      commandText(forward, 'posix'),
      'kubectl port-forward svc/a 8080:80 & sleep 2 && npx obslab loadtest -- plan.jmx; kill $!',
    );
    assert.match(
      commandText(forward, 'powershell'),
      /^\$alongside = Start-Job \{ kubectl port-forward svc\/a 8080:80 \}; Start-Sleep 2; npx obslab loadtest -- plan\.jmx; Stop-Job \$alongside$/,
    );
  });

  describe('running a fix', () => {
    const node = process.execPath;
    const echoArgs = 'process.stdout.write(JSON.stringify(process.argv.slice(1)))';

    it('passes hostile words to the program unchanged, with no shell in between', async () => {
      let out = '';
      const r = await runCommandSteps(
        { steps: [[node, '-e', echoArgs, hostileContext, hostileDir, '$(id)', '`id`']] },
        { output: (t) => (out += t) },
      );
      assert.equal(r.ok, true, r.message);
      assert.deepEqual(JSON.parse(out), [hostileContext, hostileDir, '$(id)', '`id`']);
      assert.ok(!existsSync(pwned));
    });

    it('stops at the first failing step and says which', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'obslab-steps-'));
      try {
        const marker = join(dir, 'second-ran');
        const r = await runCommandSteps(
          {
            steps: [
              [node, '-e', 'process.exit(3)'],
              [node, '-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, '')`],
            ],
          },
          { output: () => undefined },
        );
        assert.equal(r.ok, false);
        assert.equal(r.code, 3);
        assert.match(r.message, /failed \(exit 3\)/);
        assert.ok(!existsSync(marker), 'the second step did not run');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('names a program that is not installed', async () => {
      const r = await runCommandSteps({ steps: [['obslab-no-such-program-xyz', 'x']] }, { output: () => undefined });
      assert.equal(r.ok, false);
      assert.match(r.message, /obslab-no-such-program-xyz could not start \(not found on PATH\)/);
    });

    it('starts the alongside program first and stops it after the steps', async () => {
      let out = '';
      const alongside = [node, '-e', 'console.log("alongside up"); setInterval(() => undefined, 1000)'];
      const t0 = Date.now();
      const r = await runCommandSteps(
        { steps: [[node, '-e', 'console.log("step ran")']], alongside },
        { output: (t) => (out += t), alongsideStartMs: 300 },
      );
      assert.equal(r.ok, true, r.message);
      assert.match(out, /alongside up[\s\S]*step ran/);
      assert.ok(Date.now() - t0 < 5000, 'the alongside program was stopped, not waited for');
    });

    it("runs `npx obslab …` as the extension's own bundled CLI, never through npx", async function () {
      this.timeout(30_000);
      const cli = join(__dirname, '..', '..', 'dist', 'cli.js');
      if (!existsSync(cli)) this.skip();
      const dir = mkdtempSync(join(tmpdir(), 'obslab-steps-cli-'));
      try {
        const file = join(dir, "it's $(x).yaml");
        writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n');
        let out = '';
        const r = await runCommandSteps(
          { steps: [['npx', 'obslab', 'lint', '--format', 'json', '--', file]] },
          { output: (t) => (out += t), resolve: bundledCliResolver(cli) },
        );
        assert.equal(r.ok, true, `${r.message}\n${out}`);
        assert.ok(Array.isArray(JSON.parse(out)), out);
        assert.deepEqual(bundledCliResolver(cli, '/node')(['kubectl', 'get', 'pods']), {
          file: 'kubectl',
          args: ['get', 'pods'],
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('stops a running step when cancelled', async () => {
      const abort = new AbortController();
      setTimeout(() => abort.abort(), 200);
      const t0 = Date.now();
      const r = await runCommandSteps(
        { steps: [[node, '-e', 'setTimeout(() => undefined, 30000)']] },
        { output: () => undefined, signal: abort.signal },
      );
      assert.equal(r.ok, false);
      assert.equal(r.message, 'Stopped.');
      assert.ok(Date.now() - t0 < 5000);
    });
  });
});
