// Entry of the kube bundle (dist/kube.js): everything that needs @kubernetes/client-node.
export { probeCluster } from '../../node/kube/cluster';
