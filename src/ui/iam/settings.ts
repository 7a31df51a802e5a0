// The names and places the IRSA commands use: the lab's choices (obslab-lab.json in the lab
// folder), else the settings, else the lab's defaults.
import * as vscode from 'vscode';
import { defaultParams } from '../../core/scaffold/params';
import { labNames } from '../../core/scaffold/plan';
import { awsClients, type AwsClients } from '../../node/aws/clients';
import { KubeError, loadKube, type LoadedKube } from '../../node/kube/config';
import { findLabManifest } from '../../node/files/labManifest';
import type { Ctx } from '../context';
import { offerKubeconfigWait } from '../kube/kubeconfigWait';
import { findLabFolder } from '../labFolder';

export interface IrsaSettings {
  labFolder?: vscode.Uri;
  clusterName: string;
  region: string;
  namespace: string;
  serviceAccount: string;
  roleName: string;
  policyName: string;
}

export async function irsaSettings(ctx: Ctx): Promise<IrsaSettings> {
  const cfg = vscode.workspace.getConfiguration('obslab');
  const labFolder = await findLabFolder(ctx);
  const params = labFolder ? findLabManifest(labFolder.fsPath)?.params : undefined;
  return {
    ...(labFolder ? { labFolder } : {}),
    clusterName: params?.clusterName ?? (cfg.get<string>('clusterName') || defaultParams.clusterName),
    region: params?.awsRegion ?? (cfg.get<string>('awsRegion') || defaultParams.awsRegion),
    namespace:
      params?.monitoringNamespace ?? (cfg.get<string>('monitoringNamespace') || defaultParams.monitoringNamespace),
    serviceAccount: labNames.prometheusServiceAccount,
    roleName: cfg.get<string>('irsaRoleName') || labNames.roleName,
    policyName: cfg.get<string>('irsaPolicyName') || labNames.policyName,
  };
}

export function clientsFor(s: IrsaSettings): AwsClients {
  return awsClients({ region: s.region });
}

/**
 * The current kubeconfig context, or why there is none (the cluster side is then skipped, not
 * fatal). A kubeconfig KUBECONFIG names but that is not there yet is offered to be waited for.
 */
export async function kubeOrError(ctx: Ctx): Promise<LoadedKube | KubeError> {
  try {
    return loadKube();
  } catch (e) {
    if (!(e instanceof KubeError)) throw e;
    return (await offerKubeconfigWait(ctx, e)) ?? e;
  }
}
