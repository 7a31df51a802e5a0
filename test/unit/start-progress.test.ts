// npm start's "Lab setup" status-bar item: what it says while the background build runs, and
// when it has ended (test/harness/start-progress/text.ts).
import assert from 'node:assert/strict';
import type { PrepareProgress } from '../harness/prepare';
import { duration, stepLine, summary } from '../harness/start-progress/text';

const base = (steps: PrepareProgress['steps'], finished = false): PrepareProgress => ({
  startedAt: '2026-12-05T19:00:00Z',
  ...(finished ? { finishedAt: '2026-12-05T19:20:00Z' } : {}),
  steps,
});

describe('npm start progress in the workbench', () => {
  it('says durations in seconds, minutes, then hours', () => {
    assert.equal(duration(40_000), '40 s');
    assert.equal(duration(3 * 60_000), '3 min');
    assert.equal(duration(65 * 60_000), '1 h 5 min');
  });

  it('names the running step, its place and how long it took last time', () => {
    const s = summary(
      base([
        { id: 'prometheus', label: 'Build Prometheus', state: 'done', ms: 1000 },
        { id: 'kube', label: 'Build the control plane', state: 'running', lastMs: 14 * 60_000 },
        { id: 'helm', label: 'Build helm', state: 'waiting' },
      ]),
    );
    assert.equal(s.done, false);
    assert.equal(s.text, '$(sync~spin) Lab setup 2/3: Build the control plane, 14 min last time');
  });

  it('says ready when every step ended well, and counts failures otherwise', () => {
    const ok = base(
      [
        { id: 'kube', label: 'Build the control plane', state: 'skipped', why: 'your own kubeconfig is used' },
        { id: 'helm', label: 'Build helm', state: 'done', ms: 5000 },
      ],
      true,
    );
    assert.deepEqual(summary(ok), { text: '$(check) Lab setup: ready', done: true });
    const bad = base([{ id: 'helm', label: 'Build helm', state: 'failed', why: 'go: no network' }], true);
    assert.deepEqual(summary(bad), { text: '$(warning) Lab setup: 1 step failed', done: true });
    assert.equal(stepLine(bad.steps[0]!), '$(error) Build helm: go: no network');
  });

  it('lists a waiting step with the time it took last time', () => {
    assert.equal(
      stepLine({ id: 'jmeter', label: 'Install JMeter', state: 'waiting', lastMs: 90_000 }),
      '$(circle-outline) Install JMeter (2 min last time)',
    );
  });
});
