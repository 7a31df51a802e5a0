// The one table of what the extension contributes and where its code lives: each feature's commands,
// the bundle its code is in, its panels and their serializers, and what deactivation stops.
// src/extension.ts registers from it, esbuild.mjs builds the lazy bundles from it (it loads this
// file through esbuild, so it holds data and type-only imports), and test/unit/features.test.ts
// fails when package.json (commands, activation events) and this table disagree.

/**
 * The bundles loaded after activation, each built from its entry to dist/<name>.js and required on
 * first use by the one loader (src/ui/lazyBundle.ts). `activation` is dist/extension.js itself.
 */
export const lazyBundles = {
  /** Cluster commands and @kubernetes/client-node: loaded on the first command that talks to a cluster. */
  kube: 'src/ui/kube/index.ts',
  /** The IRSA commands and the AWS SDK clients: loaded on the first IRSA command. */
  iam: 'src/ui/iam/index.ts',
  /** Starting and stopping the app, the collector and Prometheus, with the config rendering. */
  sandbox: 'src/ui/sandboxCommands.ts',
  /** The plan model, both engines and the live view's host side. */
  loadtest: 'src/ui/loadtestCommands.ts',
  /** Run Doctor: the cluster client and the AWS SDK, loaded on the command or to restore its panel. */
  doctor: 'src/ui/doctor/index.ts',
  /** The collector pipeline view: the lint engine and the graph, loaded on Show Collector Pipelines or to restore its panel. */
  pipeline: 'src/ui/pipelinePanel.ts',
  /** The YAML language client: loaded on the first YAML file. */
  yamlClient: 'src/ui/yamlClient.ts',
  /** Which bundled schema a YAML file gets (it parses YAML): loaded on the YAML server's first question. */
  schemaChoice: 'src/core/lint/schemaChoice.ts',
  /** .promql files: parse errors through lezer-promql and the Run lenses, loaded on the first PromQL file. */
  promql: 'src/ui/promqlLanguage.ts',
} as const;

import type * as vscode from 'vscode';
import type { CommandFactory, Ctx } from './ui/context';

export type LazyBundleName = keyof typeof lazyBundles;
export type BundleName = LazyBundleName | 'activation';

/** What each bundle exports, for the names the table gives (checked by tsc in src/extension.ts). */
export interface BundleModules {
  activation: typeof import('./ui/activationCommands');
  kube: typeof import('./ui/kube/index');
  iam: typeof import('./ui/iam/index');
  sandbox: typeof import('./ui/sandboxCommands');
  loadtest: typeof import('./ui/loadtestCommands');
  doctor: typeof import('./ui/doctor/index');
  pipeline: typeof import('./ui/pipelinePanel');
  yamlClient: typeof import('./ui/yamlClient');
  schemaChoice: typeof import('./core/lint/schemaChoice');
  promql: typeof import('./ui/promqlLanguage');
}

/** The names of a bundle's exports that are of type T. */
type ExportsOf<B extends BundleName, T> = {
  [K in keyof BundleModules[B]]: BundleModules[B][K] extends T ? K : never;
}[keyof BundleModules[B]] &
  string;
export type PanelRestorer = (ctx: Ctx, panel: vscode.WebviewPanel, state: unknown) => unknown;
export type Stopper = (ctx: Ctx) => unknown;

export interface Feature<B extends BundleName = BundleName> {
  /** Where its handlers are. */
  bundle: B;
  /** package.json command id → the name of its CommandFactory among the bundle's exports. */
  commands: Record<string, ExportsOf<B, CommandFactory>>;
  /** A webview panel's viewType → the export that restores it after a reload (`onWebviewPanel:<viewType>` activates). */
  panels?: Record<string, ExportsOf<B, PanelRestorer>>;
  /** Exports deactivation calls with the Ctx, in order, if the bundle was loaded: they stop what it started. */
  stop?: ExportsOf<B, Stopper>[];
}

/** A row of the table, whichever its bundle. */
export type AnyFeature = { [B in BundleName]: Feature<B> }[BundleName];

/** One feature's row, with its names checked against its bundle's exports. */
function feature<B extends BundleName>(f: Feature<B>): Feature<B> {
  return f;
}

/** Deactivation goes through this list backwards, so the sandbox, which the others may use, stops last. */
export const features: readonly AnyFeature[] = [
  feature({
    bundle: 'activation',
    commands: {
      'obslab.scaffold': 'scaffoldCommand',
      'obslab.openWalkthrough': 'openWalkthroughCommand',
      'obslab.checkPrerequisites': 'prerequisitesCommand',
      'obslab.openTaskFiles': 'taskFilesCommand',
      'obslab.queryPrometheus': 'queryPrometheusCommand',
    },
    panels: { 'obslab.query': 'restoreQueryPanel' },
  }),
  feature({
    bundle: 'sandbox',
    commands: {
      'obslab.startSandbox': 'startSandboxCommand',
      'obslab.stopSandbox': 'stopSandboxCommand',
      'obslab.sandboxStatus': 'sandboxStatusCommand',
    },
    stop: ['stopSandboxStartedHere'],
  }),
  feature({
    bundle: 'loadtest',
    commands: { 'obslab.runLoadTest': 'runLoadTestCommand', 'obslab.summarizeResults': 'summarizeResultsCommand' },
    stop: ['stopRunningLoadTest'],
  }),
  feature({
    bundle: 'kube',
    commands: {
      'obslab.startPortForward': 'startPortForwardCommand',
      'obslab.stopPortForward': 'stopPortForwardCommand',
      'obslab.stopAllPortForwards': 'stopAllPortForwardsCommand',
      'obslab.applyManifests': 'applyManifestsCommand',
      'obslab.helmInstall': 'helmInstallCommand',
      'obslab.helmInstallCollector': 'helmInstallCollectorCommand',
      'obslab.cleanUp': 'cleanupCommand',
    },
    stop: ['stopRunningHelm', 'stopAllForwards'],
  }),
  feature({
    bundle: 'iam',
    commands: {
      'obslab.createIrsaRole': 'createIrsaCommand',
      'obslab.inspectIrsaRole': 'inspectIrsaCommand',
      'obslab.cleanUpAws': 'cleanupAwsCommand',
    },
  }),
  feature({
    bundle: 'doctor',
    commands: { 'obslab.runDoctor': 'runDoctorCommand' },
    panels: { 'obslab.doctor': 'restoreDoctorPanel' },
  }),
  feature({
    bundle: 'pipeline',
    commands: { 'obslab.showPipeline': 'showPipelineCommand' },
    panels: { 'obslab.pipeline': 'restorePipelinePanel' },
    stop: ['stopPipelineView'],
  }),
];

/**
 * Languages whose bundle starts on their first document (its `startLanguage(ctx)` registers
 * diagnostics, lenses, hovers); `onLanguage:<id>` activates the extension for them.
 */
export const languageBundles = { promql: 'promql' } as const satisfies Record<string, LazyBundleName>;

/** package.json's activationEvents, as the table implies: every command is registered at startup, and each panel restores itself. */
export function activationEvents(): string[] {
  return [
    'onStartupFinished',
    ...features.flatMap((f) => Object.keys(f.panels ?? {}).map((viewType) => `onWebviewPanel:${viewType}`)),
    ...Object.keys(languageBundles).map((language) => `onLanguage:${language}`),
  ];
}
