// Port-forward commands, the status bar item and the "Port Forwards" view. Lives in the kube
// bundle: the first command that needs it loads it, registers the view and the status bar, and
// publishes the forwards' URLs in ctx.forwards for the query panel, the load test and the doctor.
import * as vscode from 'vscode';
import {
  forwardPresets,
  forwardPurposeName,
  type ForwardPreset,
  type ForwardPurpose,
} from '../../core/kube/forwardPresets';
import { describeTarget, parsePortSpec, validateLocalPort, type ForwardTarget } from '../../core/kube/ports';
import { commandInText, commandLine, shellFor } from '../../core/shellQuote';
import { defaultParams, type LabParams } from '../../core/scaffold/params';
import { PortForwardManager, PortInUseError, type ForwardInfo, type ForwardRequest } from '../../node/kube/portForward';
import { contextKeys, type CommandFactory, type Ctx } from '../context';
import { loadKubeOrWait } from './kubeconfigWait';
import type { ForwardRegistry } from '../forwardRegistry';
import { findLabFolder, readLabManifestIn } from '../labFolder';

export const portForwardsViewId = 'obslab.portForwards';

let manager: PortForwardManager | undefined;
let views: PortForwardViews | undefined;
/** The registry of the Ctx the manager publishes to (the one made at activation). */
let published: ForwardRegistry | undefined;

async function theManager(ctx: Ctx): Promise<PortForwardManager | undefined> {
  if (manager) return manager;
  // The kubeconfig as kubectl reads it ($KUBECONFIG, else ~/.kube/config); a failure is a KubeError for the student.
  const loaded = await loadKubeOrWait(ctx);
  if (!loaded) return undefined;
  // Another command may have made the manager while this one waited.
  if (manager) return manager;
  const m = new PortForwardManager(loaded, { log: (line) => ctx.output.appendLine(`[port-forward] ${line}`) });
  manager = m;
  views ??= new PortForwardViews(ctx);
  const forwards = ctx.forwards;
  published = forwards;
  m.onChange((list) => {
    forwards.set(
      list.map((f) => ({
        id: f.id,
        url: f.url,
        state: f.state,
        remotePort: f.target.remotePort,
        target: `${describeTarget(f.target)}:${f.target.remotePort}`,
        ...(f.purpose ? { purpose: f.purpose } : {}),
        ...(f.podPort !== undefined ? { podPort: f.podPort } : {}),
      })),
    );
    views?.update(list);
  });
  return m;
}

/** On deactivation: every forward closes with the window. */
export async function stopAllForwards(): Promise<void> {
  await manager?.stopAll();
  views?.dispose();
  views = undefined;
  manager = undefined;
  published?.set([]);
}

/** The running forwards (for tests and other commands). */
export function activeForwards(): ForwardInfo[] {
  return manager?.list() ?? [];
}

function forwardLabel(f: ForwardInfo): string {
  return f.purpose ? forwardPurposeName(f.purpose) : f.target.name;
}

function forwardDescription(f: ForwardInfo): string {
  const where = `${describeTarget(f.target)}:${f.target.remotePort}`;
  if (f.state === 'waiting') return `→ ${vscode.l10n.t('{0} (waiting for a ready pod)', where)}`;
  return `→ ${vscode.l10n.t('{0} (pod {1})', where, f.pod ?? '?')}`;
}

// ---- the view and the status bar ----

class ForwardItem extends vscode.TreeItem {
  constructor(readonly forward: ForwardInfo) {
    super(`${forwardLabel(forward)} 127.0.0.1:${forward.localPort}`, vscode.TreeItemCollapsibleState.None);
    this.id = forward.id;
    this.description = forwardDescription(forward);
    this.contextValue = 'obslab.portForward';
    this.iconPath = new vscode.ThemeIcon(forward.state === 'waiting' ? 'sync~spin' : 'plug');
    const lines = [
      `${forward.url} → ${vscode.l10n.t('{0} port {1}', describeTarget(forward.target), forward.target.remotePort)}`,
      forward.pod
        ? vscode.l10n.t('pod {0}, port {1}', forward.pod, forward.podPort ?? '?')
        : vscode.l10n.t('waiting for a ready pod'),
      forward.open === 1
        ? vscode.l10n.t('{0} open connection, {1} since start', forward.open, forward.total)
        : vscode.l10n.t('{0} open connections, {1} since start', forward.open, forward.total),
      ...(forward.lastReconnectMs !== undefined
        ? [vscode.l10n.t('last switch to a new pod took {0} ms', forward.lastReconnectMs)]
        : []),
      ...(forward.message ? [forward.message] : []),
    ];
    this.tooltip = lines.join('\n');
  }
}

class PortForwardViews implements vscode.TreeDataProvider<ForwardItem> {
  private list: ForwardInfo[] = [];
  private readonly changed = new vscode.EventEmitter<ForwardItem | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly status: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(ctx: Ctx) {
    this.status = vscode.window.createStatusBarItem('obslab.portForwards', vscode.StatusBarAlignment.Left, 50);
    this.status.name = vscode.l10n.t('Observability Lab Port Forwards');
    this.status.command = `${portForwardsViewId}.focus`;
    this.disposables.push(this.status, this.changed, vscode.window.registerTreeDataProvider(portForwardsViewId, this));
    ctx.extension.subscriptions.push(this);
    void ctx.setContext(contextKeys.portForwardsLoaded, true);
  }

  update(list: ForwardInfo[]): void {
    this.list = list;
    this.changed.fire(undefined);
    if (!list.length) {
      this.status.hide();
      return;
    }
    const waiting = list.filter((f) => f.state === 'waiting').length;
    const forwards =
      list.length === 1 ? vscode.l10n.t('{0} forward', list.length) : vscode.l10n.t('{0} forwards', list.length);
    this.status.text = waiting
      ? `$(plug) ${vscode.l10n.t('{0} ({1} waiting)', forwards, `$(sync~spin) ${waiting}`)}`
      : `$(plug) ${forwards}`;
    this.status.tooltip = new vscode.MarkdownString(
      list.map((f) => `- **${forwardLabel(f)}** ${f.url} ${forwardDescription(f)}`).join('\n'),
    );
    this.status.show();
  }

  getTreeItem(item: ForwardItem): vscode.TreeItem {
    return item;
  }

  getChildren(item?: ForwardItem): ForwardItem[] {
    return item ? [] : this.list.map((f) => new ForwardItem(f));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

// ---- choosing what to forward ----

async function labParams(ctx: Ctx): Promise<LabParams> {
  const cfg = vscode.workspace.getConfiguration('obslab');
  const fromSettings: LabParams = {
    ...defaultParams,
    helmRelease: cfg.get<string>('helmRelease') || defaultParams.helmRelease,
    monitoringNamespace: cfg.get<string>('monitoringNamespace') || defaultParams.monitoringNamespace,
    appNamespace: cfg.get<string>('appNamespace') || defaultParams.appNamespace,
  };
  // The scaffolded lab's own names win: they are what was applied.
  const lab = await findLabFolder(ctx).catch(() => undefined);
  if (!lab) return fromSettings;
  const manifest = await readLabManifestIn(ctx, lab);
  return manifest ? { ...fromSettings, ...manifest.params } : fromSettings;
}

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** `problem` says what a valid name is, for the kind of name asked. */
const validateName =
  (problem: () => string) =>
  (v: string): string | undefined =>
    dns1123Label.test(v.trim()) && v.trim().length <= 63 ? undefined : problem();

async function askOtherService(): Promise<ForwardRequest | undefined> {
  const namespace = await vscode.window.showInputBox({
    title: vscode.l10n.t('Port-forward to a Service ({0}/{1})', 1, 3),
    prompt: vscode.l10n.t('Namespace'),
    value: 'default',
    validateInput: validateName(() =>
      vscode.l10n.t(
        "a namespace name is lower-case letters, digits and '-', starting and ending with a letter or digit",
      ),
    ),
    ignoreFocusOut: true,
  });
  if (!namespace) return undefined;
  const name = await vscode.window.showInputBox({
    title: vscode.l10n.t('Port-forward to a Service ({0}/{1})', 2, 3),
    prompt: vscode.l10n.t('Service in {0}', namespace.trim()),
    validateInput: validateName(() =>
      vscode.l10n.t("a Service name is lower-case letters, digits and '-', starting and ending with a letter or digit"),
    ),
    ignoreFocusOut: true,
  });
  if (!name) return undefined;
  const ports = await vscode.window.showInputBox({
    title: vscode.l10n.t('Port-forward to a Service ({0}/{1})', 3, 3),
    prompt: vscode.l10n.t(
      'LOCAL:REMOTE, as for kubectl port-forward: the remote port is the Service port (a number or its name)',
    ),
    placeHolder: '8080:80',
    validateInput: (v) => {
      const p = parsePortSpec(v);
      if (typeof p === 'string') return p;
      return p.local === 0 ? undefined : validateLocalPort(String(p.local));
    },
    ignoreFocusOut: true,
  });
  if (!ports) return undefined;
  const spec = parsePortSpec(ports);
  if (typeof spec === 'string') return undefined;
  return {
    namespace: namespace.trim(),
    kind: 'service',
    name: name.trim(),
    remotePort: spec.remote,
    localPort: spec.local,
  };
}

interface PresetPick extends vscode.QuickPickItem {
  preset?: ForwardPreset;
}

async function choose(ctx: Ctx, arg: unknown): Promise<ForwardRequest | undefined> {
  const presets = forwardPresets(await labParams(ctx));
  // A walkthrough button or a test may name the preset: obslab.startPortForward("prometheus").
  if (typeof arg === 'string') {
    const p = presets.find((x) => x.purpose === arg);
    if (p) return p;
  }
  const picks: PresetPick[] = [
    ...presets.map((p) => ({
      label: p.label,
      description: `${describeTarget(p)} ${p.localPort}:${p.remotePort}`,
      detail: p.detail,
      preset: p,
    })),
    { label: vscode.l10n.t('Other Service…'), description: vscode.l10n.t('namespace, Service and ports') },
  ];
  const pick = await vscode.window.showQuickPick(picks, {
    title: vscode.l10n.t('Start Port-Forward'),
    placeHolder: vscode.l10n.t('What should be reachable on 127.0.0.1?'),
    ignoreFocusOut: true,
  });
  if (!pick) return undefined;
  return pick.preset ?? askOtherService();
}

function what(req: ForwardTarget & { purpose?: ForwardPurpose }): string {
  return req.purpose ? forwardPurposeName(req.purpose) : describeTarget(req);
}

/** Starts the forward; when the port is taken, offers the next free one (or another of the student's choice). */
async function startWithPortChoice(m: PortForwardManager, req: ForwardRequest): Promise<ForwardInfo | undefined> {
  let wanted = req;
  for (;;) {
    try {
      return await m.start(wanted);
    } catch (e) {
      if (!(e instanceof PortInUseError)) throw e;
      const use = e.suggestion !== undefined ? vscode.l10n.t('Use {0}', e.suggestion) : undefined;
      const pick = await vscode.window.showWarningMessage(
        e.suggestion !== undefined
          ? vscode.l10n.t(
              'Port {0} is in use by another process. Forward {1} to {2} instead?',
              e.port,
              what(req),
              e.suggestion,
            )
          : vscode.l10n.t('Port {0} is in use by another process.', e.port),
        { modal: true, detail: e.message },
        ...(use ? [use] : []),
        vscode.l10n.t('Choose Another Port…'),
      );
      if (pick === undefined) return undefined;
      if (use && pick === use && e.suggestion !== undefined) {
        wanted = { ...wanted, localPort: e.suggestion };
        continue;
      }
      const typed = await vscode.window.showInputBox({
        title: vscode.l10n.t('Local port for {0}', what(req)),
        value: String((e.suggestion ?? e.port) + 1),
        validateInput: validateLocalPort,
        ignoreFocusOut: true,
      });
      if (!typed) return undefined;
      wanted = { ...wanted, localPort: Number(typed.trim()) };
    }
  }
}

// ---- commands ----

export const startPortForwardCommand: CommandFactory = (ctx) => async (arg?: unknown) => {
  const req = await choose(ctx, arg);
  if (!req) return undefined;
  const m = await theManager(ctx);
  if (!m) return undefined;
  const running = m
    .list()
    .find(
      (f) =>
        (req.purpose && f.purpose === req.purpose) ||
        (describeTarget(f.target) === describeTarget(req) && f.target.remotePort === req.remotePort),
    );
  if (running && isPreset(req) && req.open) {
    openPresetPage(ctx, running, req);
    return running;
  }
  if (running) {
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Observability Lab: {0} is already forwarded on {1}.', what(req), running.url),
    );
    return running;
  }
  const f = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: vscode.l10n.t('Observability Lab: forwarding {0}', what(req)),
    },
    () => startWithPortChoice(m, req),
  );
  if (!f) return undefined;
  ctx.output.appendLine(
    `[port-forward] ${f.url} → ${describeTarget(f.target)}:${f.target.remotePort} (pod ${f.pod ?? '?'} port ${f.podPort ?? '?'})`,
  );
  if (isPreset(req) && req.open) {
    openPresetPage(ctx, f, req);
    return f;
  }
  const openInBrowser = vscode.l10n.t('Open in Browser');
  const queryPrometheus = vscode.l10n.t('Query Prometheus');
  const actions = f.purpose === 'prometheus' ? [openInBrowser, queryPrometheus] : [openInBrowser];
  void vscode.window
    .showInformationMessage(
      vscode.l10n.t(
        'Observability Lab: {0} on {1} (pod {2}).',
        what(f.purpose ? { ...f.target, purpose: f.purpose } : f.target),
        f.url,
        f.pod ?? '?',
      ),
      ...actions,
    )
    .then((pick) => {
      if (pick === openInBrowser) void vscode.env.openExternal(vscode.Uri.parse(f.url));
      if (pick === queryPrometheus) void vscode.commands.executeCommand('obslab.queryPrometheus');
    });
  return f;
};

function isPreset(req: ForwardRequest): req is ForwardPreset {
  return 'label' in req && 'detail' in req;
}

/**
 * A preset with a page of its own (Grafana: the lab's dashboard) opens it once the forward runs,
 * and says how to sign in: the command that prints the password, to copy or run in a terminal.
 */
function openPresetPage(ctx: Ctx, f: ForwardInfo, preset: ForwardPreset): void {
  const page = `${f.url}${preset.open ?? ''}`;
  ctx.output.appendLine(`[port-forward] opening ${page}`);
  void vscode.env.openExternal(vscode.Uri.parse(page));
  const password = preset.password;
  const signIn = password
    ? vscode.l10n.t(' Sign in as admin; this prints the password: {0}.', commandInText(password))
    : '';
  if (password) ctx.output.appendLine(`[port-forward] ${preset.label}'s password: ${commandLine(password, 'posix')}`);
  const openDashboard = vscode.l10n.t('Open Dashboard');
  const copyPasswordCommand = vscode.l10n.t('Copy Password Command');
  const actions = password ? [openDashboard, copyPasswordCommand] : [openDashboard];
  void vscode.window
    .showInformationMessage(
      vscode.l10n.t(
        'Observability Lab: {0} on {1} (pod {2}); opened {3}.{4}',
        preset.label,
        f.url,
        f.pod ?? '?',
        page,
        signIn,
      ),
      ...actions,
    )
    .then((pick) => {
      if (pick === openDashboard) void vscode.env.openExternal(vscode.Uri.parse(page));
      if (pick === copyPasswordCommand && password)
        void vscode.env.clipboard.writeText(commandLine(password, shellFor(process.platform)));
    });
}

export const stopPortForwardCommand: CommandFactory = (ctx) => async (arg?: unknown) => {
  const m = manager;
  const list = m?.list() ?? [];
  if (!m || !list.length) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Observability Lab: no port-forwards are running.'));
    return undefined;
  }
  let id: string | undefined;
  if (arg instanceof ForwardItem) id = arg.forward.id;
  else if (typeof arg === 'string') id = list.find((f) => f.id === arg || f.purpose === arg)?.id;
  if (!id) {
    const pick = await vscode.window.showQuickPick(
      list.map((f) => ({
        label: `${forwardLabel(f)} 127.0.0.1:${f.localPort}`,
        description: forwardDescription(f),
        id: f.id,
      })),
      { title: vscode.l10n.t('Stop Port-Forward') },
    );
    id = pick?.id;
  }
  if (!id) return undefined;
  await m.stop(id);
  ctx.output.appendLine(`[port-forward] stopped ${id}`);
  return id;
};

export const stopAllPortForwardsCommand: CommandFactory = (ctx) => async () => {
  const n = manager?.list().length ?? 0;
  await manager?.stopAll();
  ctx.output.appendLine(`[port-forward] stopped ${n} forward${n === 1 ? '' : 's'}`);
  return n;
};
