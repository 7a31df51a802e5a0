// obslab iam: usage errors before any AWS call, and the IRSA page's message guard.
import { strict as assert } from 'node:assert';
import { runIam } from '../../src/cli/iam';
import { UsageError, type Io } from '../../src/cli/io';
import { parseIrsaPageMessage } from '../../src/core/protocol/iam';

const io: Io = { out: () => undefined, err: () => undefined };

describe('obslab iam', () => {
  it('rejects a missing subcommand, a missing role name and an unknown format as bad usage', async () => {
    await assert.rejects(
      runIam([], io),
      (e: unknown) => e instanceof UsageError && /inspect, setup or cleanup/.test(e.message),
    );
    await assert.rejects(
      runIam(['inspect'], io),
      (e: unknown) => e instanceof UsageError && /role's name/.test(e.message),
    );
    await assert.rejects(
      runIam(['inspect', 'r', '--format', 'yaml'], io),
      (e: unknown) => e instanceof UsageError && /json or text/.test(e.message),
    );
    await assert.rejects(runIam(['inspect', 'r', '--bogus'], io), UsageError);
  });

  it('accepts only ready and refresh from the IRSA page', () => {
    assert.deepEqual(parseIrsaPageMessage({ type: 'refresh' }), { type: 'refresh' });
    assert.equal(parseIrsaPageMessage({ type: 'refresh', role: 'x' }), undefined);
    assert.equal(parseIrsaPageMessage({ type: 'deleteRole' }), undefined);
    assert.equal(parseIrsaPageMessage('ready'), undefined);
  });
});
