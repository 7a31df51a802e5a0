// The sandbox speaks the user's language: in the pseudo-locale the collector config's refusals, the
// consent question, why a program stopped, the Python hints, the state file's refusals, the wait for
// given programs, the program finder's errors and details, and the status lines are made of
// translated text whole, over the inputs of sandbox-config, sandbox-state-check, program-wait and
// sandbox-parts tests.
import { strict as assert } from 'node:assert';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectorConfigText, sandboxCollectorConfig } from '../../src/core/sandbox/config';
import { sandboxQuestion, type SandboxInputFile } from '../../src/core/sandbox/consent';
import { diagnose } from '../../src/core/sandbox/diagnose';
import { describeParts } from '../../src/core/sandbox/parts';
import {
  missingProgramsMessage,
  programsWaitingTitle,
  programsWaitProgress,
  programWaitEndedMessage,
  type GivenSandboxProgram,
} from '../../src/core/sandbox/programWait';
import { pythonInstallHint } from '../../src/core/sandbox/python';
import { sandboxStateProblem } from '../../src/core/sandbox/state';
import { SandboxError } from '../../src/node/sandbox/sandboxError';
import { cliPartWords, findSandboxPrograms } from '../../src/node/sandbox/sandboxParts';
import { refusalToDelete } from '../../src/node/sandbox/sandboxState';
import { inPseudoLocale, inPseudoLocaleAsync, untranslated } from '../support/pseudoLocale';

const ports = { otlpGrpc: 41001, metrics: 41002, telemetry: 41003 };
const grpc = 'receivers:\n  otlp:\n    protocols:\n      grpc:\n        endpoint: 0.0.0.0:4317\n';
const exporter = 'exporters:\n  prometheus:\n    endpoint: 0.0.0.0:8889\n';

/** Collector configs the sandbox refuses, one per reason. */
const refused = [
  `${grpc}${exporter}service:\n  telemetry:\n    metrics:\n      address: 0.0.0.0:8888\n`,
  `${grpc}${exporter}service:\n  pipelines: {}\n`,
  `${grpc}exporters:\n  debug: {}\n`,
  `receivers: {}\n${exporter}`,
  `${grpc}  key: [unclosed\n`,
  `${grpc.replace('0.0.0.0:4317', '${env:SECRET}:4317')}${exporter}`,
];

/** The message of what `fn` throws. */
function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  return 'nothing was thrown';
}

const english = (texts: readonly string[]): string[] => texts.filter((text) => untranslated(text) !== '');

const collector: GivenSandboxProgram = {
  part: 'collector',
  path: '/opt/lab/otelcol-obslab',
  from: 'obslab.sandbox.collectorPath',
};
const prometheus: GivenSandboxProgram = { part: 'prometheus', path: '/opt/lab/prometheus', from: '$OBSLAB_PROMETHEUS' };

describe('the sandbox in the pseudo-locale', () => {
  it('refuses every collector config it cannot run in a translated sentence, naming what to add', () => {
    const messages = inPseudoLocale(() => [
      ...refused.map((config) => thrown(() => sandboxCollectorConfig(config, ports))),
      thrown(() => collectorConfigText('apiVersion: v1\nkind: Service\n')),
      thrown(() => collectorConfigText('a: [unclosed\n')),
    ]);
    assert.ok(!messages.includes('nothing was thrown'), messages.join('\n'));
    assert.deepEqual(english(messages), []);
  });

  it('asks before running a lab folder, every file role and line translated', () => {
    const files = (modules: number): SandboxInputFile[] => [
      { path: 'app/app.py', role: 'app' },
      { path: 'app/requirements.txt', role: 'requirements' },
      { path: 'k8s/otel-collector-config.yaml', role: 'collector-config' },
      { path: 'k8s/app.yaml', role: 'app-manifest' },
      ...Array.from({ length: modules }, (_, i): SandboxInputFile => ({ path: `app/m${i}.py`, role: 'app-module' })),
    ];
    const texts = inPseudoLocale(() =>
      [0, 1, 3].flatMap((n) => {
        const q = sandboxQuestion('/home/me/lab', files(n));
        return [q.message, q.run, ...q.detail.split('\n').filter((line) => line !== '')];
      }),
    );
    assert.deepEqual(english(texts), []);
  });

  it('says why a program stopped or never answered, and what to do, translated', () => {
    const texts = inPseudoLocale(() =>
      [
        { logText: 'listen tcp 127.0.0.1:9090: bind: address already in use', exited: true },
        { logText: 'Error: address already in use', exited: true },
        { logText: 'Traceback: boom', exited: true },
        { logText: '', exited: true },
        { logText: 'starting', exited: false },
      ].flatMap((input) => {
        const p = diagnose({ ...input, waitedFor: 'http://127.0.0.1:9090/-/ready', fix: 'check its log' });
        return [p.reason, ...(p.fix === 'check its log' ? [] : [p.fix])];
      }),
    );
    assert.deepEqual(english(texts), []);
  });

  it("gives each OS's way to a recent Python, translated", () => {
    assert.deepEqual(english(inPseudoLocale(() => ['win32', 'darwin', 'linux'].map(pythonInstallHint))), []);
  });

  it('refuses a state file it did not write, saying why, translated', () => {
    const run = '/home/me/.cache/obslab/run/sandbox';
    const base = { version: 1, startedAt: 'now', dir: run, namespace: 'monitoring' };
    const record = { pid: 4242, log: `${run}/x.log`, marker: '/elsewhere/x' };
    const problems = inPseudoLocale(() =>
      [
        { version: 2 },
        { ...base, startingPid: -1 },
        { ...base, lab: 7 },
        { ...base, app: { pid: 'x' } },
        { ...base, app: record },
        { ...base, collector: record },
        { ...base, prometheus: record },
      ].map((v) => sandboxStateProblem(v, run) ?? 'accepted'),
    );
    assert.deepEqual(english(problems), []);
  });

  it('says what it waits for, how far each program is and how the wait ended, translated', () => {
    const texts = inPseudoLocale(() => [
      missingProgramsMessage([collector]),
      missingProgramsMessage([prometheus]),
      missingProgramsMessage([collector, prometheus]),
      programsWaitingTitle([collector]),
      programsWaitingTitle([collector, prometheus]),
      programsWaitProgress(75_000, [
        { part: 'collector', state: 'missing' },
        { part: 'prometheus', state: 'not-a-file' },
        { part: 'collector', state: 'not-executable' },
        { part: 'prometheus', state: 'growing' },
        { part: 'collector', state: 'ready' },
      ]),
      programWaitEndedMessage('cancelled', [collector]),
      programWaitEndedMessage('timed-out', [collector, prometheus]),
    ]);
    // The buttons' labels are the editor's (src/ui compares the pick with them): values here.
    const labels = /Wait for It|Open Settings|Find or Download Instead/g;
    assert.deepEqual(english(texts.map((text) => text.replace(labels, ''))), []);
  });

  it("refuses to delete what is not the sandbox's own, saying why, translated", () => {
    const dir = mkdtempSync(join(tmpdir(), 'obslab-l10n-'));
    try {
      const run = join(dir, 'run');
      const temp = join(dir, 'temp');
      mkdirSync(run);
      mkdirSync(join(temp, 'obslab-sandbox-tsdb-x'), { recursive: true });
      writeFileSync(join(run, 'elsewhere.txt'), '');
      symlinkSync(join(run, 'elsewhere.txt'), join(run, 'collector.yaml'));
      mkdirSync(join(run, 'prometheus.yml'));
      writeFileSync(join(temp, 'obslab-sandbox-tsdb-file'), '');
      const roots = { run, temp };
      const refusals = inPseudoLocale(() =>
        [
          refusalToDelete('relative/collector.yaml', 'config', roots),
          refusalToDelete(join(run, 'passwords'), 'config', roots),
          refusalToDelete('/etc/obslab-sandbox-tsdb-x', 'tsdb', roots),
          refusalToDelete(join(dir, 'gone', 'collector.yaml'), 'config', roots),
          refusalToDelete(join(run, 'collector.yaml'), 'config', roots),
          refusalToDelete(join(run, 'prometheus.yml'), 'config', roots),
          refusalToDelete(join(temp, 'obslab-sandbox-tsdb-file'), 'tsdb', roots),
        ].map((r) => r ?? 'allowed'),
      );
      assert.deepEqual(english(refusals), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names a given program that is not there, and where each program came from, translated', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'obslab-l10n-'));
    try {
      const bin = join(dir, 'bin');
      mkdirSync(bin);
      for (const name of ['otelcol-contrib', 'prometheus']) {
        writeFileSync(join(bin, name), '');
        chmodSync(join(bin, name), 0o755);
      }
      const options = { root: join(dir, 'parts'), network: { env: {} }, words: cliPartWords, platform: 'linux' };
      const failure = await inPseudoLocaleAsync(() =>
        findSandboxPrograms({
          ...options,
          env: { PATH: bin },
          collector: { path: join(dir, 'nope'), from: 'obslab.sandbox.collectorPath' },
        }).then(
          () => undefined,
          (e: unknown) => e,
        ),
      );
      assert.ok(failure instanceof SandboxError);
      const found = await inPseudoLocaleAsync(() =>
        findSandboxPrograms({ ...options, env: { PATH: bin, OBSLAB_PROMETHEUS: join(bin, 'prometheus') } }),
      );
      assert.deepEqual(english([failure.reason, failure.fix, found.collector.detail, found.prometheus.detail]), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('heads the end of a log with a translated line, and lists a part with a translated log line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'obslab-l10n-'));
    try {
      const log = join(dir, 'collector.log');
      writeFileSync(log, 'Error: boom\n');
      const message = inPseudoLocale(() => new SandboxError('collector', 'r', 'f', log).message);
      const heading = message.split('\n')[1] ?? '';
      assert.equal(untranslated(heading.replace(log, '').replace(/-/g, '')), '', heading);
      assert.ok(readFileSync(log, 'utf8').includes('boom'));
      const lines = inPseudoLocale(() =>
        describeParts([{ name: 'app', url: null, state: 'stopped', log }])
          .join('\n')
          .split('\n'),
      );
      assert.equal(untranslated(lines[1]?.trim() ?? ''), '', lines[1]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
