import { strict as assert } from 'node:assert';
import {
  givenSandboxPrograms,
  missingProgramsMessage,
  programState,
  programsToWaitFor,
  programsWaitingTitle,
  programsWaitProgress,
  programWaitEndedMessage,
  type GivenSandboxProgram,
  type ProgramLook,
} from '../../src/core/sandbox/programWait';

const absent: ProgramLook = { exists: false, isFile: false, executable: false, size: 0, mtimeMs: 0 };
const file = (size: number, mtimeMs = 1000, executable = true): ProgramLook => ({
  exists: true,
  isFile: true,
  executable,
  size,
  mtimeMs,
});

const collector: GivenSandboxProgram = {
  part: 'collector',
  path: '/opt/lab/otelcol-obslab',
  from: 'obslab.sandbox.collectorPath',
};
const prometheus: GivenSandboxProgram = { part: 'prometheus', path: '/opt/lab/prometheus', from: '$OBSLAB_PROMETHEUS' };

describe('a sandbox program still being installed or built: when to offer to wait', () => {
  it('takes the setting over the variable, as the sandbox does, and the variable when the setting is empty', () => {
    const env = { OBSLAB_COLLECTOR: '/env/otelcol', OBSLAB_PROMETHEUS: '/env/prometheus' };
    assert.deepEqual(givenSandboxPrograms({ collector: ' /set/otelcol ', prometheus: '' }, env), [
      { part: 'collector', path: '/set/otelcol', from: 'obslab.sandbox.collectorPath' },
      { part: 'prometheus', path: '/env/prometheus', from: '$OBSLAB_PROMETHEUS' },
    ]);
    assert.deepEqual(givenSandboxPrograms({}, {}), [], 'nothing given: the sandbox finds or downloads them');
  });

  it('offers to wait only for a path with nothing there', () => {
    assert.deepEqual(
      programsToWaitFor([
        { ...collector, look: absent },
        { ...prometheus, look: file(10) },
      ]),
      [collector],
    );
    const dir = { ...file(0), isFile: false };
    assert.deepEqual(programsToWaitFor([{ ...collector, look: dir }]), [], 'a folder is a mistake, not a build');
  });

  it('runs a program once it is an executable file that has stopped growing', () => {
    assert.equal(programState(absent, absent), 'missing');
    assert.equal(programState(file(100), absent), 'growing', 'it just appeared');
    assert.equal(programState(file(200), file(100)), 'growing', 'it is still being written');
    assert.equal(programState(file(200, 2000), file(200, 1000)), 'growing', 'it was written again');
    assert.equal(programState(file(200), file(200)), 'ready');
    assert.equal(programState(file(200, 1000, false), file(200)), 'not-executable');
    assert.equal(programState({ ...file(0), isFile: false }), 'not-a-file');
    assert.equal(programState(file(5)), 'ready', 'a program there from the start runs at once');
  });

  it('names the setting and the path, says why it may be missing, and what each button does', () => {
    const one = missingProgramsMessage([collector]);
    assert.equal(
      one,
      'The sandbox cannot start yet: there is nothing at /opt/lab/otelcol-obslab (obslab.sandbox.collectorPath). ' +
        'It may still be being installed or built. Wait for It starts the sandbox once it is there; Open Settings ' +
        'names another program; Find or Download Instead clears the setting so Observability Lab finds ' +
        'otelcol-contrib on PATH or downloads it.',
    );
    const both = missingProgramsMessage([collector, prometheus]);
    assert.match(
      both,
      /nothing at \/opt\/lab\/otelcol-obslab \(obslab\.sandbox\.collectorPath\) and \/opt\/lab\/prometheus \(\$OBSLAB_PROMETHEUS\)\./,
    );
    assert.match(both, /They may still be being installed or built\./);
    const onlyEnv = missingProgramsMessage([prometheus]);
    assert.doesNotMatch(onlyEnv, /Find or Download Instead/, 'a variable cannot be cleared from the editor');
    for (const text of [one, both, onlyEnv]) assert.doesNotMatch(text, /npm|harness|\.cache|apt-get/);
  });

  it('says what it waits for, how long it has waited and how far each program is', () => {
    assert.equal(
      programsWaitingTitle([collector]),
      'Waiting for the collector at /opt/lab/otelcol-obslab (obslab.sandbox.collectorPath names it); it may still be being installed or built',
    );
    assert.match(
      programsWaitingTitle([collector, prometheus]),
      /and Prometheus at \/opt\/lab\/prometheus \(\$OBSLAB_PROMETHEUS names it\); they may/,
    );
    assert.equal(
      programsWaitProgress(75_000, [
        { part: 'collector', state: 'growing' },
        { part: 'prometheus', state: 'missing' },
      ]),
      'waited 1:15; collector: there, still being written; Prometheus: not there yet',
    );
  });

  it('tells plainly that the sandbox was not started when the wait is cancelled or runs out', () => {
    assert.equal(
      programWaitEndedMessage('cancelled', [collector]),
      'Stopped waiting for /opt/lab/otelcol-obslab; the sandbox was not started. Run Start Sandbox again once it is there.',
    );
    const late = programWaitEndedMessage('timed-out', [collector, prometheus]);
    assert.match(late, /did not become a program that can run within 60 minutes; the sandbox was not started\./);
    assert.match(
      late,
      /correct obslab\.sandbox\.collectorPath and \$OBSLAB_PROMETHEUS, then run Start Sandbox again\.$/,
    );
  });
});
