// npm start's workbench behind code-server's own password sign-in, for real: without the password
// the workbench (and with it the student's terminal) stays closed; with it, it opens. The password
// is on no command line. (The tests' own workbenches keep --auth none: test/harness/codeserver.ts.)
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newPassword, startCodeServer, type RunningCodeServer } from '../harness/codeserver';

describe('code-server with a password (npm start)', function () {
  this.timeout(10 * 60_000);
  let dir: string;
  let server: RunningCodeServer | undefined;
  let password: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'obslab-codeserver-password-'));
    password = newPassword(join(dir, 'password'));
    server = await startCodeServer({
      name: 'codeserver-password-test',
      workspace: join(dir, 'ws'),
      auth: { password },
    });
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const login = (pw: string): Promise<Response> =>
    fetch(`${server?.base ?? ''}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ password: pw }).toString(),
    });

  it('sends a browser without the password to the sign-in page', async () => {
    const res = await fetch(`${server?.base ?? ''}/?folder=${encodeURIComponent(join(dir, 'ws'))}`, {
      redirect: 'manual',
    });
    await res.body?.cancel();
    assert.equal(res.status, 302);
    assert.match(res.headers.get('location') ?? '', /login/);
  });

  it('refuses a wrong password and accepts the right one with a session cookie', async () => {
    const wrong = await login('not-the-password');
    await wrong.body?.cancel();
    assert.doesNotMatch(wrong.headers.get('set-cookie') ?? '', /code-server-session=\w/);
    const right = await login(password);
    await right.body?.cancel();
    assert.equal(right.status, 302);
    assert.match(right.headers.get('set-cookie') ?? '', /code-server-session=/);
  });

  it('keeps the password off the command line every local account can read', () => {
    const cmdline = readFileSync(`/proc/${server?.pid ?? 0}/cmdline`, 'utf8').split('\0');
    assert.ok(cmdline.includes('--auth') && cmdline[cmdline.indexOf('--auth') + 1] === 'password', cmdline.join(' '));
    assert.ok(!cmdline.some((a) => a.includes(password)));
  });
});
