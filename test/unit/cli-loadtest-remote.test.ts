// obslab loadtest --remote: the remote servers are checked before anything starts, and bad usage
// exits 2 with a sentence naming the problem (the real distributed run is in
// test/integration/jmeter-distributed.test.ts).
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { repoRoot } from '../harness/lib';

const PLAN = join(repoRoot, 'templates', 'jmeter', 'hash-load.jmx');

async function run(args: string[]): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  const code = await main(['loadtest', ...args], { out: () => undefined, err: (l) => err.push(l) });
  return { code, err: err.join('\n') };
}

describe('obslab loadtest --remote', () => {
  it('refuses a server list it cannot read, naming the entry', async () => {
    const r = await run([PLAN, '--engine', 'jmeter', '--remote', '10.0.0.5:1099,10.0.0.6:rmi']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--remote: '10\.0\.0\.6:rmi' in the remote servers: 'rmi' is not a port/);
  });

  it('needs --engine jmeter, since the engines are JMeter servers', async () => {
    const r = await run([PLAN, '--remote', '10.0.0.5:1099']);
    assert.equal(r.code, 2);
    assert.match(r.err, /--remote runs JMeter's distributed mode: add --engine jmeter/);
  });

  it('lists --remote and --jmeter-properties in its usage', async () => {
    const out: string[] = [];
    await main(['loadtest', '--help'], { out: (l) => out.push(l), err: (l) => out.push(l) });
    assert.match(out.join('\n'), /--remote HOST:PORT,\.\.\./);
    assert.match(out.join('\n'), /--jmeter-properties FILE/);
  });
});
