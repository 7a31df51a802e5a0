// Mocha root hooks: whatever a test started through the harness is stopped, even when it failed.
// Before any test, tsx's ESM hooks join its CommonJS one (`--require tsx/cjs`), so the product's
// `await import('./x')` (how code inside a bundle defers a module) resolves TypeScript in tests too.
import { stopAllStarted } from './harness/lib';
import { stopSharedKube } from './support/kube';

export const mochaHooks = {
  async beforeAll(): Promise<void> {
    const { register } = await import('tsx/esm/api');
    register();
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(60_000);
    await stopSharedKube();
    await stopAllStarted();
  },
};
