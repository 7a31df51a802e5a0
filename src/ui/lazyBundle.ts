// The one loader for code kept out of dist/extension.js: the lazy bundles of src/features.ts (the
// Kubernetes client, the AWS SDK, the YAML client…), each required from dist/<name>.js on its first
// use, so that activation does not pay for them. What is loaded is kept on the Ctx, made once at
// activation, so a bundle that reaches this module too still finds the same modules.
import { join } from 'node:path';
import type { BundleModules, LazyBundleName } from '../features';
import type { CommandFactory, Ctx } from './context';

export function loadBundle<B extends LazyBundleName>(ctx: Ctx, name: B): BundleModules[B] {
  let m = ctx.loadedBundles.get(name);
  if (m === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    m = require(ctx.extension.asAbsolutePath(join('dist', `${name}.js`))) as unknown;
    ctx.loadedBundles.set(name, m);
  }
  return m as BundleModules[B];
}

/** The bundle, if something has loaded it already (deactivation must not load it just to stop nothing). */
export function loadedBundle<B extends LazyBundleName>(ctx: Ctx, name: B): BundleModules[B] | undefined {
  return ctx.loadedBundles.get(name) as BundleModules[B] | undefined;
}

/** A command whose handler lives in a lazy bundle: the bundle loads, and the handler is made, on first use. */
export function lazyCommand<B extends LazyBundleName>(
  name: B,
  pick: (m: BundleModules[B]) => CommandFactory,
): CommandFactory {
  return (ctx) => {
    let handler: ((...args: unknown[]) => unknown) | undefined;
    return (...args: unknown[]) => {
      handler ??= pick(loadBundle(ctx, name))(ctx);
      return handler(...args);
    };
  };
}
