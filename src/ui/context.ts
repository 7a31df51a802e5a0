// The context every command receives, and the walkthrough's context keys in one place.
import * as vscode from 'vscode';
import { ForwardRegistry } from './forwardRegistry';
import { requireTrust } from './trust';

export const contextKeys = {
  prerequisitesChecked: 'obslab.prerequisitesChecked',
  clusterReachable: 'obslab.clusterReachable',
  labFilesCreated: 'obslab.labFilesCreated',
  taskOpened: (task: string): `obslab.task.${string}.opened` => `obslab.task.${task}.opened`,
  tool: (name: string): `obslab.tool.${string}` => `obslab.tool.${name}`,
  /** Set while the sandbox's processes run (any part not stopped). */
  sandboxRunning: 'obslab.sandboxRunning',
  /** Set once the lab's manifests are applied. */
  applyDone: 'obslab.task.apply.done',
  /** Whether every rollout of the last apply completed. */
  rolloutDone: 'obslab.task.rollout.done',
  /** Set once kube-prometheus-stack is installed or upgraded from this window. */
  helmInstalled: 'obslab.helmInstalled',
  /** Set once the OpenTelemetry Collector chart is installed or upgraded from this window. */
  collectorHelmInstalled: 'obslab.collectorHelmInstalled',
  /** Set once the port-forwards view has a data provider; the view's `when` clause waits for it. */
  portForwardsLoaded: 'obslab.portForwardsLoaded',
  /** Set after the doctor has run once in this window (a walkthrough step completes on it). */
  doctorRan: 'obslab.doctorRan',
  /** Set once a role was inspected from this window. */
  irsaInspected: 'obslab.irsaInspected',
  /** Set once the role exists and is attached from this window. */
  irsaRoleCreated: 'obslab.irsaRoleCreated',
  /** Set once a clean-up finished with no failed step. */
  cleanedUp: 'obslab.cleanedUp',
} as const;

/** A key declared above; Ctx.setContext takes nothing else, so a new key has to be added here. */
export type ContextKey = {
  [K in keyof typeof contextKeys]: (typeof contextKeys)[K] extends (arg: string) => infer R
    ? R
    : (typeof contextKeys)[K];
}[keyof typeof contextKeys];

export const walkthroughId = 'obslab.observability-lab#lab';

/**
 * Made once, in activate (dist/extension.js), and handed to every command, panel and bundle: the
 * state they share lives here, never in a module a lazy bundle would bundle a copy of.
 */
export class Ctx {
  private channel: vscode.OutputChannel | undefined;
  private forwardRegistry: ForwardRegistry | undefined;
  /** The lazy bundles required so far, by name (src/ui/lazyBundle.ts). */
  readonly loadedBundles = new Map<string, unknown>();
  /**
   * Invalid lab manifests already shown to the student, by file and text (src/ui/labFolder.ts):
   * here rather than in that module, which six bundles copy, so one bad file warns once a window.
   */
  readonly reportedManifests = new Set<string>();

  constructor(readonly extension: vscode.ExtensionContext) {}

  /** The URLs the running port-forwards provide: the kube bundle fills it, the query panel, load test and doctor read it. */
  get forwards(): ForwardRegistry {
    this.forwardRegistry ??= new ForwardRegistry();
    return this.forwardRegistry;
  }

  /** Created on first use, so activation does no work for it. */
  get output(): vscode.OutputChannel {
    this.channel ??= vscode.window.createOutputChannel(vscode.l10n.t('Observability Lab'));
    return this.channel;
  }

  setContext(key: ContextKey, value: unknown): Thenable<unknown> {
    return vscode.commands.executeCommand('setContext', key, value);
  }

  dispose(): void {
    this.channel?.dispose();
  }
}

export type CommandFactory = (ctx: Ctx) => (...args: unknown[]) => unknown;

/**
 * Wraps a command so that a failure reaches the student as a message, never as a silent rejection,
 * and so that a command needing a trusted folder (src/core/trust.ts) refuses in Restricted Mode
 * before its handler (or its bundle) is even loaded. Every command is registered through here.
 */
export function registerCommand(ctx: Ctx, id: string, factory: CommandFactory): vscode.Disposable {
  const handler = factory(ctx);
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    if (!requireTrust(id)) return undefined;
    try {
      return await handler(...args);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      ctx.output.appendLine(`[${id}] ${e instanceof Error && e.stack ? e.stack : message}`);
      const showLog = vscode.l10n.t('Show Log');
      void vscode.window.showErrorMessage(vscode.l10n.t('Observability Lab: {0}', message), showLog).then((pick) => {
        if (pick) ctx.output.show(true);
      });
      return undefined;
    }
  });
}
