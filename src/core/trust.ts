// Workspace trust, decided once: which commands act on the world (run a program, talk to a
// cluster or AWS, install or delete) and so need a trusted folder, which stay usable in
// Restricted Mode and why, and what the student is told. package.json's `enablement` and the
// guard every command passes through (src/ui/trust.ts) are both checked against these tables.

/** A command that runs nothing of the workspace's and changes nothing outside the editor. */
export interface AllowedCommand {
  title: string;
  /** Why it is safe in a folder someone else wrote. */
  safe: string;
}

/** A command that runs programs or acts on a cluster or AWS, so a folder's author could steer it. */
export interface TrustedCommand {
  title: string;
  /** What it does that a folder someone else wrote must not be able to start: "it runs …". */
  does: string;
}

export const commandsAllowedUntrusted: Readonly<Record<string, AllowedCommand>> = {
  'obslab.scaffold': {
    title: 'Create Lab Files',
    safe: "writes the extension's own templates into a folder you pick, asking before it replaces a file",
  },
  'obslab.openWalkthrough': { title: 'Open Walkthrough', safe: 'opens the walkthrough' },
  'obslab.openTaskFiles': { title: 'Open Task Files', safe: 'opens lab files in the editor' },
  'obslab.stopSandbox': {
    title: 'Stop Sandbox',
    safe: 'stops only the programs the sandbox recorded starting; runs nothing',
  },
  'obslab.sandboxStatus': {
    title: 'Sandbox Status',
    safe: "reads the sandbox's record and asks its 127.0.0.1 addresses; runs nothing",
  },
  'obslab.queryPrometheus': {
    title: 'Query Prometheus',
    safe: 'sends the PromQL you type to the Prometheus URL you give',
  },
  'obslab.summarizeResults': { title: 'Summarize Results', safe: 'reads a .jtl file and summarizes it' },
  'obslab.stopPortForward': { title: 'Stop Port-Forward', safe: 'closes a forward this window started' },
  'obslab.stopAllPortForwards': { title: 'Stop All Port-Forwards', safe: 'closes the forwards this window started' },
  'obslab.showPipeline': {
    title: 'Show Collector Pipelines',
    safe: "draws the open YAML file's collector pipelines and reads the sandbox's or a port-forward's collector telemetry on 127.0.0.1; runs nothing",
  },
};

export const commandsNeedingTrust: Readonly<Record<string, TrustedCommand>> = {
  'obslab.checkPrerequisites': {
    title: 'Check Prerequisites',
    does: 'runs kubectl, helm, aws, eksctl, docker and jmeter and connects to the cluster of your current kube context',
  },
  'obslab.startSandbox': {
    title: 'Start Sandbox',
    does: "runs this folder's app/app.py, installs its app/requirements.txt with pip, and starts a collector on its k8s/otel-collector-config.yaml",
  },
  'obslab.runLoadTest': {
    title: 'Run Load Test',
    does: 'sends load to a target, or runs JMeter on a plan from this folder',
  },
  'obslab.startPortForward': {
    title: 'Start Port-Forward',
    does: 'connects to the cluster of your current kube context and opens local ports',
  },
  'obslab.cleanUp': { title: 'Clean Up', does: 'deletes objects and the Helm release in your cluster (and runs helm)' },
  'obslab.helmInstall': {
    title: 'Install kube-prometheus-stack (Helm)',
    does: "runs helm with this folder's values file to install into your cluster",
  },
  'obslab.helmInstallCollector': {
    title: 'Install the OpenTelemetry Collector (Helm)',
    does: "runs helm with this folder's values file to install into your cluster",
  },
  'obslab.applyManifests': { title: 'Apply Manifests', does: "applies this folder's manifests to your cluster" },
  'obslab.createIrsaRole': {
    title: 'Create IAM Policy and IRSA Role',
    does: 'creates an IAM policy and role in your AWS account (and may run eksctl)',
  },
  'obslab.inspectIrsaRole': {
    title: 'Inspect IRSA Role',
    does: 'reads IAM and your cluster with your AWS and Kubernetes credentials',
  },
  'obslab.runDoctor': {
    title: 'Run Doctor',
    does: 'reads your cluster, the sandbox and IAM with your credentials, and offers fixes that run commands',
  },
  'obslab.cleanUpAws': {
    title: 'Clean Up AWS (IAM Role and Policy)',
    does: 'deletes an IAM role and policy in your AWS account',
  },
};

/**
 * Settings that name a program the extension runs, or where it downloads one from: VS Code ignores
 * their workspace values in Restricted Mode.
 */
export const restrictedSettings: readonly string[] = [
  'obslab.helmPath',
  'obslab.jmeterPath',
  'obslab.sandbox.collectorPath',
  'obslab.sandbox.prometheusPath',
  'obslab.downloads.mirror',
];

/** The `when` clause package.json gives every command in commandsNeedingTrust. */
export const trustEnablement = 'isWorkspaceTrusted';

/** The command VS Code's own UI uses to show and change a folder's trust. */
export const manageTrustCommand = 'workbench.trust.manage';
export const manageTrustLabel = 'Manage Workspace Trust';

/** Fails closed: a command in neither table needs trust. */
export function needsTrust(commandId: string): boolean {
  return !(commandId in commandsAllowedUntrusted);
}

/** What a command says when it is run in a folder that is not trusted. */
export function untrustedMessage(commandId: string): string {
  const c = commandsNeedingTrust[commandId];
  const title = c?.title ?? commandId;
  const why = c ? ` it ${c.does}.` : '';
  return (
    `Observability Lab: ${title} is not available in Restricted Mode:${why} Trust this folder only if you trust ` +
    `its authors (${manageTrustLabel}), then run ${title} again.`
  );
}

/** Where a setting's value came from, as VS Code's `inspect` tells it. */
export type SettingScope = 'user' | 'workspace' | 'folder';

const scopeWords: Record<SettingScope, string> = {
  user: 'your user settings',
  workspace: "this workspace's settings",
  folder: "this folder's settings",
};

/**
 * The question asked before the first run of a program a setting names (obslab.helmPath): the
 * path is someone's choice, so nothing runs it, not even for its version, until the student says so.
 */
export function configuredProgramQuestion(
  setting: string,
  path: string,
  scope: SettingScope,
  purpose: string,
): { message: string; detail: string; run: string } {
  return {
    message: `Run ${path}?`,
    detail:
      `The setting ${setting} in ${scopeWords[scope]} names this program. Observability Lab runs it ${purpose}. ` +
      `It asks once for each path; clear the setting to use the program on PATH instead.`,
    run: 'Run It',
  };
}
