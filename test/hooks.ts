// Mocha root hooks: whatever a test started through the harness is stopped, even when it failed.
import { stopAllStarted } from './harness/lib';
import { stopSharedKube } from './support/kube';

export const mochaHooks = {
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(60_000);
    await stopSharedKube();
    await stopAllStarted();
  },
};
