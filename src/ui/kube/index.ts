// Entry of the kube bundle (dist/kube.js): everything that needs @kubernetes/client-node.
export { probeCluster } from '../../node/kube/cluster';
export {
  activeForwards,
  startPortForwardCommand,
  stopAllForwards,
  stopAllPortForwardsCommand,
  stopPortForwardCommand,
} from './portForwards';
export { cleanupCommand } from './cleanupCommand';
export { applyManifestsCommand } from './applyCommand';
export { helmInstallCollectorCommand, helmInstallCommand, stopRunningHelm } from './helmCommand';
