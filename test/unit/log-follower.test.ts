import { strict as assert } from 'node:assert';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { followLogs } from '../../src/node/sandbox/logFollower';

describe('following log files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'obslab-logs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reports only lines added after it started, whole lines, per part', () => {
    const app = join(dir, 'app.log');
    const collector = join(dir, 'collector.log');
    writeFileSync(app, 'old line\n');
    const seen: string[] = [];
    const f = followLogs(
      [
        { name: 'app', path: app },
        { name: 'collector', path: collector },
      ],
      (name, line) => seen.push(`${name}: ${line}`),
      60_000,
    );
    appendFileSync(app, 'serving on 127.0.0.1\nhalf a li');
    writeFileSync(collector, 'Everything is ready\n');
    f.poll();
    assert.deepEqual(seen, ['app: serving on 127.0.0.1', 'collector: Everything is ready']);
    appendFileSync(app, 'ne\n');
    f.poll();
    assert.equal(seen.at(-1), 'app: half a line');
    f.stop();
  });

  it('starts over when a log is truncated', () => {
    const log = join(dir, 'p.log');
    writeFileSync(log, 'a long first line\n');
    const seen: string[] = [];
    const f = followLogs([{ name: 'p', path: log }], (_n, line) => seen.push(line), 60_000);
    writeFileSync(log, 'new\n');
    f.poll();
    assert.deepEqual(seen, ['new']);
    f.stop();
  });
});
