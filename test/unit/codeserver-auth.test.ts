// npm start's workbench signs in with a password: a random one, in a file only the user can read,
// handed to code-server in $PASSWORD (never on its command line); the tests' workbench keeps none.
import { strict as assert } from 'node:assert';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeServerLaunch, newPassword, passwordFile } from '../harness/codeserver';
import { useTempCache } from '../support/tempCache';

describe('npm start: code-server with a password', () => {
  let root: string;
  useTempCache('obslab-codeserver-auth-', (d) => (root = d));

  it('writes a new random password to a file only the user can read (0600), even over a readable one', () => {
    const file = passwordFile();
    assert.equal(file, join(root, 'cache', 'codeserver-session', 'password'));
    writeFileSync(file, 'old\n', { mode: 0o644 });
    const a = newPassword();
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(readFileSync(file, 'utf8'), `${a}\n`);
    assert.match(a, /^[A-Za-z0-9_-]{24}$/, '18 random bytes');
    assert.notEqual(newPassword(), a, 'a new one each start');
  });

  const dirs = {
    port: 8123,
    extensionsDir: '/x/ext',
    userDataDir: '/x/user',
    workspace: '/x/ws',
    entry: '/cache/code-server/entry.js',
  };

  it('runs code-server with --auth password and the password in $PASSWORD, not in its arguments', () => {
    const { args, env } = codeServerLaunch({ ...dirs, auth: { password: 's3cret-value' } });
    assert.deepEqual(args.slice(0, 5), [
      '/cache/code-server/entry.js',
      '--auth',
      'password',
      '--bind-addr',
      '127.0.0.1:8123',
    ]);
    assert.ok(!args.includes('none'));
    assert.ok(
      !args.some((a) => a.includes('s3cret-value')),
      'the command line, which every account can read, has no password',
    );
    assert.deepEqual(env, { PASSWORD: 's3cret-value' });
  });

  it("keeps --auth none only for the tests' own workbench", () => {
    const { args, env } = codeServerLaunch({ ...dirs, auth: 'none' });
    assert.deepEqual(args.slice(1, 3), ['--auth', 'none']);
    assert.deepEqual(env, {});
  });
});
