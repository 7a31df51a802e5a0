// The cluster commands' bundle (dist/kube.js, from src/ui/kube/index.ts): @kubernetes/client-node.
import { lazyBundle } from './lazyBundle';

export type KubeUi = typeof import('./kube/index');

export const kubeBundle = lazyBundle<KubeUi>('kube.js');
