// Workspace trust, decided once: which commands act on the world (run a program, talk to a
// cluster or AWS, install or delete) and so need a trusted folder, which stay usable in
// Restricted Mode and why, and what the student is told. package.json's `enablement` and the
// guard every command passes through (src/ui/trust.ts) are both checked against these tables.
// Titles are the commands' titles as package.json has them (the trust test compares them); why
// each is safe or what it does is said through t`…` in getters, made when read, in the language
// installed by then.
import { t } from './text/l10n';

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
    get safe() {
      return t`writes the extension's own templates into a folder you pick, asking before it replaces a file`;
    },
  },
  'obslab.openWalkthrough': {
    title: 'Open Walkthrough',
    get safe() {
      return t`opens the walkthrough`;
    },
  },
  'obslab.openTaskFiles': {
    title: 'Open Task Files',
    get safe() {
      return t`opens lab files in the editor`;
    },
  },
  'obslab.stopSandbox': {
    title: 'Stop Sandbox',
    get safe() {
      return t`stops only the programs the sandbox recorded starting; runs nothing`;
    },
  },
  'obslab.sandboxStatus': {
    title: 'Sandbox Status',
    get safe() {
      return t`reads the sandbox's record and asks its 127.0.0.1 addresses; runs nothing`;
    },
  },
  'obslab.queryPrometheus': {
    title: 'Query Prometheus',
    get safe() {
      return t`sends the PromQL you type to the Prometheus URL you give`;
    },
  },
  'obslab.summarizeResults': {
    title: 'Summarize Results',
    get safe() {
      return t`reads a .jtl file and summarizes it`;
    },
  },
  'obslab.stopPortForward': {
    title: 'Stop Port-Forward',
    get safe() {
      return t`closes a forward this window started`;
    },
  },
  'obslab.stopAllPortForwards': {
    title: 'Stop All Port-Forwards',
    get safe() {
      return t`closes the forwards this window started`;
    },
  },
  'obslab.showPipeline': {
    title: 'Show Collector Pipelines',
    get safe() {
      return t`draws the open YAML file's collector pipelines and reads the sandbox's or a port-forward's collector telemetry on 127.0.0.1; runs nothing`;
    },
  },
};

export const commandsNeedingTrust: Readonly<Record<string, TrustedCommand>> = {
  'obslab.checkPrerequisites': {
    title: 'Check Prerequisites',
    get does() {
      return t`runs kubectl, helm, aws, eksctl, docker and jmeter and connects to the cluster of your current kube context`;
    },
  },
  'obslab.startSandbox': {
    title: 'Start Sandbox',
    get does() {
      return t`runs this folder's app/app.py, installs its app/requirements.txt with pip, and starts a collector on its k8s/otel-collector-config.yaml`;
    },
  },
  'obslab.runLoadTest': {
    title: 'Run Load Test',
    get does() {
      return t`sends load to a target, or runs JMeter on a plan from this folder`;
    },
  },
  'obslab.startPortForward': {
    title: 'Start Port-Forward',
    get does() {
      return t`connects to the cluster of your current kube context and opens local ports`;
    },
  },
  'obslab.cleanUp': {
    title: 'Clean Up',
    get does() {
      return t`deletes objects and the Helm release in your cluster (and runs helm)`;
    },
  },
  'obslab.helmInstall': {
    title: 'Install kube-prometheus-stack (Helm)',
    get does() {
      return t`runs helm with this folder's values file to install into your cluster`;
    },
  },
  'obslab.helmInstallCollector': {
    title: 'Install the OpenTelemetry Collector (Helm)',
    get does() {
      return t`runs helm with this folder's values file to install into your cluster`;
    },
  },
  'obslab.applyManifests': {
    title: 'Apply Manifests',
    get does() {
      return t`applies this folder's manifests to your cluster`;
    },
  },
  'obslab.createIrsaRole': {
    title: 'Create IAM Policy and IRSA Role',
    get does() {
      return t`creates an IAM policy and role in your AWS account (and may run eksctl)`;
    },
  },
  'obslab.inspectIrsaRole': {
    title: 'Inspect IRSA Role',
    get does() {
      return t`reads IAM and your cluster with your AWS and Kubernetes credentials`;
    },
  },
  'obslab.runDoctor': {
    title: 'Run Doctor',
    get does() {
      return t`reads your cluster, the sandbox and IAM with your credentials, and offers fixes that run commands`;
    },
  },
  'obslab.cleanUpAws': {
    title: 'Clean Up AWS (IAM Role and Policy)',
    get does() {
      return t`deletes an IAM role and policy in your AWS account`;
    },
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
  return c
    ? t`Observability Lab: ${title} is not available in Restricted Mode: it ${c.does}. Trust this folder only if you trust \
its authors (${manageTrustLabel}), then run ${title} again.`
    : t`Observability Lab: ${title} is not available in Restricted Mode: Trust this folder only if you trust \
its authors (${manageTrustLabel}), then run ${title} again.`;
}

/** Where a setting's value came from, as VS Code's `inspect` tells it. */
export type SettingScope = 'user' | 'workspace' | 'folder';

function scopeWords(scope: SettingScope): string {
  if (scope === 'user') return t`your user settings`;
  return scope === 'workspace' ? t`this workspace's settings` : t`this folder's settings`;
}

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
    message: t`Run ${path}?`,
    detail: t`The setting ${setting} in ${scopeWords(scope)} names this program. Observability Lab runs it ${purpose}. \
It asks once for each path; clear the setting to use the program on PATH instead.`,
    run: t`Run It`,
  };
}
