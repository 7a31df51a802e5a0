// The commands our messages tell a student to run about their cluster and its credentials, as
// values (src/core/shellQuote.ts): a message shows one with commandInText, and the same words can
// be copied or, once no word is left blank, run. One place, so helm's, the API server's and
// apply's failures name them alike.
import { blank, type Command } from '../shellQuote';

/** Where the kubeconfig points, and whether the API server answers there. */
export const clusterInfo: Command = ['kubectl', 'cluster-info'];

/** The kubeconfig's contexts, the current one marked. */
export const getContexts: Command = ['kubectl', 'config', 'get-contexts'];

/** The kubeconfig context kubectl (and we, without --context) talk to. */
export const currentContext: Command = ['kubectl', 'config', 'current-context'];

/** Makes another kubeconfig context the current one. */
export const useContext: Command = ['kubectl', 'config', 'use-context', blank('name')];

/** Writes (or refreshes) the EKS cluster's entry in the kubeconfig, with the AWS CLI's credentials. */
export const updateKubeconfig: Command = ['aws', 'eks', 'update-kubeconfig'];

/** updateKubeconfig with the cluster and region the person fills in. */
export const updateKubeconfigFor: Command = [
  ...updateKubeconfig,
  '--name',
  blank('cluster'),
  '--region',
  blank('region'),
];

/** The EKS clusters the AWS CLI's credentials see in a region. */
export function listClusters(region: string | undefined): Command {
  return ['aws', 'eks', 'list-clusters', '--region', region ?? blank('region')];
}

/** Adds a managed node group to the cluster, so pods have somewhere to run. */
export const createNodegroup: Command = ['eksctl', 'create', 'nodegroup', '--cluster', blank('cluster')];

/** Stores access keys (and a region) in the AWS CLI's default profile. */
export const configure: Command = ['aws', 'configure'];

/** Sets up a profile that signs in through AWS IAM Identity Center (SSO). */
export const configureSso: Command = ['aws', 'configure', 'sso'];

/** Renews an AWS IAM Identity Center (SSO) session. */
export const ssoLogin: Command = ['aws', 'sso', 'login'];

/** Which AWS identity the AWS CLI's credentials are. */
export const callerIdentity: Command = ['aws', 'sts', 'get-caller-identity'];

/** The account id alone of the AWS CLI's credentials, as plain text. */
export const callerAccount: Command = [...callerIdentity, '--query', 'Account', '--output', 'text'];

/** The nodes with their capacity, taints and what runs on them. */
export const describeNodes: Command = ['kubectl', 'describe', 'nodes'];

/** The pods of a namespace (those a label selector picks, when given) and whether they are ready. */
export function getPods(namespace: string, selector?: string): Command {
  return ['kubectl', 'get', 'pods', '-n', namespace, ...(selector === undefined ? [] : ['-l', selector])];
}

/** A pod's events: why it is not scheduled, not pulling, not starting. */
export const describePod: Command = ['kubectl', 'describe', 'pod'];

/** Server-side apply that takes the fields over from their other managers, on purpose. */
export function forceApply(fieldManager: string, file: string | undefined): Command {
  return [
    'kubectl',
    'apply',
    '--server-side',
    `--field-manager=${fieldManager}`,
    '--force-conflicts',
    '-f',
    file ?? blank('file'),
  ];
}

/** Forwards a local port to a Service: `ports` is one port for both ends, or LOCAL:REMOTE. */
export function portForwardService(namespace: string, service: string, ports: string): Command {
  return ['kubectl', '-n', namespace, 'port-forward', `svc/${service}`, ports];
}
