// The cluster commands live in a bundle of their own (dist/kube.js): @kubernetes/client-node is
// large, and the extension's activation must not pay for it. It is loaded on the first command
// that talks to a cluster.
import { join } from 'node:path';
import type { Ctx, CommandFactory } from './context';

export type KubeUi = typeof import('./kube/index');

let loaded: KubeUi | undefined;

export function kubeUi(ctx: Ctx): KubeUi {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require(ctx.extension.asAbsolutePath(join('dist', 'kube.js'))) as KubeUi;
  return loaded;
}

/** The kube bundle, if a command has loaded it already (deactivation must not load it just to stop nothing). */
export function kubeUiIfLoaded(): KubeUi | undefined {
  return loaded;
}

/** A command whose handler lives in the kube bundle, created on first use. */
export function lazyKubeCommand(pick: (m: KubeUi) => CommandFactory): CommandFactory {
  return (ctx) => {
    let handler: ((...args: unknown[]) => unknown) | undefined;
    return (...args: unknown[]) => {
      handler ??= pick(kubeUi(ctx))(ctx);
      return handler(...args);
    };
  };
}
