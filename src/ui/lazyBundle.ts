// Commands whose code lives in a bundle of its own (dist/kube.js, dist/iam.js): the Kubernetes
// client and the AWS SDK are large, and the extension's activation must not pay for them. A bundle
// is required on the first command that needs it.
import { join } from 'node:path';
import type { CommandFactory, Ctx } from './context';

export interface LazyBundle<T> {
  load(ctx: Ctx): T;
  /** The bundle, if a command has loaded it already (deactivation must not load it just to stop nothing). */
  ifLoaded(): T | undefined;
  /** A command whose handler lives in the bundle, created on first use. */
  command(pick: (m: T) => CommandFactory): CommandFactory;
}

export function lazyBundle<T>(file: string): LazyBundle<T> {
  let loaded: T | undefined;
  const load = (ctx: Ctx): T => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded ??= require(ctx.extension.asAbsolutePath(join('dist', file))) as T;
    return loaded;
  };
  return {
    load,
    ifLoaded: () => loaded,
    command: (pick) => (ctx) => {
      let handler: ((...args: unknown[]) => unknown) | undefined;
      return (...args: unknown[]) => {
        handler ??= pick(load(ctx))(ctx);
        return handler(...args);
      };
    },
  };
}
