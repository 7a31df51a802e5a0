// Observability Lab: Run Doctor. Asks where to look, runs the doctor under a progress
// notification and shows the chain in a webview: passed, failed, consequence and skipped links,
// each finding's evidence and its fixes as buttons. The page asks for a fix by position; the host
// carries out only fixes from the report it made.
import * as vscode from 'vscode';
import type { DoctorHostMessage } from '../../core/protocol/doctor';
import { parseDoctorPageMessage } from '../../core/protocol/doctor';
import type { DoctorPageStrings } from '../../core/protocol/pageStrings';
import type { DoctorReport } from '../../core/doctor/report';
import type { DoctorSnapshot } from '../../core/doctor/snapshot';
import { formatReport } from '../../core/doctor/text';
import { isRecord } from '../../core/isRecord';
import { shellFor } from '../../core/shellQuote';
import { doctor, DoctorInputError } from '../../node/doctor';
import { contextKeys, type CommandFactory, type Ctx } from '../context';
import { requireTrust } from '../trust';
import { adoptPanel, connectPanel, createPanel, webviewHtml } from '../webviewHtml';
import { applyFix } from './fixes';
import { chooseTarget, restoredTarget, type DoctorTarget } from './target';

export const doctorViewType = 'obslab.doctor';

/** The texts the doctor read, by file: an edit fix is applied only to the same text. */
function textsRead(s: DoctorSnapshot): Map<string, string> {
  const m = new Map<string, string>();
  if (s.app?.manifestFile && s.app.manifestText !== undefined) m.set(s.app.manifestFile, s.app.manifestText);
  if (s.collector?.configFile && s.collector.configFileText !== undefined)
    m.set(s.collector.configFile, s.collector.configFileText);
  if (s.queries?.file && s.queries.text !== undefined) m.set(s.queries.file, s.queries.text);
  return m;
}

class DoctorPanel {
  static current: DoctorPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private report: DoctorReport | undefined;
  private texts = new Map<string, string>();
  private running: Promise<void> | undefined;
  /** The last message, re-sent when the page (re)loads and says it is ready. */
  private last: DoctorHostMessage | undefined;

  private constructor(
    private readonly ctx: Ctx,
    private readonly panel: vscode.WebviewPanel,
    private target: DoctorTarget,
  ) {
    connectPanel(panel, this.disposables, { message: (m) => void this.onMessage(m), dispose: () => this.dispose() });
    panel.webview.html = webviewHtml(
      panel.webview,
      ctx.extension.extensionUri,
      'doctor',
      vscode.l10n.t('Lab Doctor'),
      doctorPageStrings(),
    );
  }

  /** A panel VS Code restored after a reload: ours again, with the target it looked at. */
  static adopt(ctx: Ctx, panel: vscode.WebviewPanel, target: DoctorTarget): DoctorPanel {
    DoctorPanel.current?.panel.dispose();
    DoctorPanel.current = new DoctorPanel(ctx, adoptPanel(ctx.extension.extensionUri, panel), target);
    return DoctorPanel.current;
  }

  static show(ctx: Ctx, target: DoctorTarget): DoctorPanel {
    const title = vscode.l10n.t('Doctor: {0}', target.label);
    if (DoctorPanel.current) {
      DoctorPanel.current.target = target;
      DoctorPanel.current.panel.title = title;
      DoctorPanel.current.panel.reveal();
      return DoctorPanel.current;
    }
    const panel = createPanel(ctx.extension.extensionUri, doctorViewType, title, { retainContextWhenHidden: true });
    DoctorPanel.current = new DoctorPanel(ctx, panel, target);
    return DoctorPanel.current;
  }

  private post(m: DoctorHostMessage): void {
    if (m.type !== 'fixResult') this.last = m;
    void this.panel.webview.postMessage(m);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const m = parseDoctorPageMessage(raw);
    if (!m) {
      this.ctx.output.appendLine('[doctor] ignored a malformed message from the doctor page');
      return;
    }
    if (m.type === 'ready') {
      if (this.last) void this.panel.webview.postMessage(this.last);
      return;
    }
    // A restored report's Run again and fix buttons act like Run Doctor: not in Restricted Mode.
    if (!requireTrust('obslab.runDoctor')) return;
    if (m.type === 'rerun') {
      await this.run();
      return;
    }
    const fix = this.report?.links.find((l) => l.id === m.link)?.findings[m.finding]?.remedies[m.fix];
    if (!fix) {
      this.post({
        type: 'fixResult',
        link: m.link,
        finding: m.finding,
        fix: m.fix,
        ok: false,
        message: vscode.l10n.t('That fix belongs to an older report: run the doctor again.'),
      });
      return;
    }
    const labDir = this.target.options.labDir;
    const outcome = await applyFix(fix, (file) => this.texts.get(file), {
      cli: vscode.Uri.joinPath(this.ctx.extension.extensionUri, 'dist', 'cli.js').fsPath,
      ...(labDir ? { cwd: labDir } : {}),
    });
    this.ctx.output.appendLine(`[doctor] ${fix.title}: ${outcome.message}`);
    this.post({ type: 'fixResult', link: m.link, finding: m.finding, fix: m.fix, ...outcome });
  }

  /** One run at a time: a second request while one runs waits for it instead of racing it. */
  run(): Promise<void> {
    this.running ??= this.runOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  private async runOnce(): Promise<void> {
    const target = this.target;
    this.post({ type: 'running', target: target.label });
    await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: vscode.l10n.t('Lab Doctor: examining {0}', target.label),
      },
      async () => {
        try {
          const { report, snapshot, ms } = await doctor(target.options);
          this.report = report;
          this.texts = textsRead(snapshot);
          const unavailable = Object.fromEntries(
            Object.entries(snapshot.unavailable).filter((e): e is [string, string] => typeof e[1] === 'string'),
          );
          const shell = shellFor(process.platform);
          this.post({ type: 'report', target: target.label, report, unavailable, ms, shell });
          this.ctx.output.appendLine(
            `[doctor] ${target.label} in ${ms} ms:\n${formatReport(report, shell).join('\n')}`,
          );
          await this.ctx.setContext(contextKeys.doctorRan, true);
        } catch (e) {
          // The page is where the student looks (a rerun has no command to report to): the message goes there, the stack to the log.
          this.report = undefined;
          const message =
            e instanceof DoctorInputError
              ? e.message
              : vscode.l10n.t(
                  'The doctor failed unexpectedly: {0} (details in the Observability Lab output).',
                  e instanceof Error ? e.message : String(e),
                );
          if (!(e instanceof DoctorInputError))
            this.ctx.output.appendLine(`[doctor] ${e instanceof Error && e.stack ? e.stack : String(e)}`);
          this.post({ type: 'error', target: target.label, message });
        }
      },
    );
  }

  private dispose(): void {
    DoctorPanel.current = undefined;
    for (const d of this.disposables) d.dispose();
  }
}

/**
 * Brings the report back after a window reload: the page redraws its last report from its own
 * state, and Run again looks at the same kind of place (the sandbox, or the current context).
 */
export async function restoreDoctorPanel(ctx: Ctx, panel: vscode.WebviewPanel, state: unknown): Promise<void> {
  const mode =
    isRecord(state) && isRecord(state['report']) && state['report']['mode'] === 'cluster' ? 'cluster' : 'sandbox';
  const target = (await restoredTarget(ctx, mode).catch(() => undefined)) ?? {
    label: mode === 'sandbox' ? vscode.l10n.t('the sandbox') : vscode.l10n.t('the cluster'),
    options: { source: mode },
  };
  DoctorPanel.adopt(ctx, panel, target);
}

/** Takes 'sandbox' or 'cluster' as an argument (from a walkthrough link), else asks when both are possible. */
export const runDoctorCommand: CommandFactory = (ctx) => async (arg?: unknown) => {
  const preferred = arg === 'sandbox' || arg === 'cluster' ? arg : undefined;
  const target = await chooseTarget(ctx, preferred);
  if (!target) return undefined;
  await DoctorPanel.show(ctx, target).run();
  return target.label;
};

/** The page's fixed texts in the display language (English: doctorPageEnglish). */
function doctorPageStrings(): DoctorPageStrings {
  return {
    title: vscode.l10n.t('Lab Doctor: {0}'),
    runAgain: vscode.l10n.t('Run again'),
    running: vscode.l10n.t('Running…'),
    passed: vscode.l10n.t('passed'),
    broken: vscode.l10n.t('broken'),
    consequence: vscode.l10n.t('consequence'),
    skipped: vscode.l10n.t('skipped'),
    evidenceFor: vscode.l10n.t('Evidence for {0}'),
    object: vscode.l10n.t('Object'),
    seen: vscode.l10n.t('Seen'),
    expected: vscode.l10n.t('Expected'),
    fixRun: vscode.l10n.t('Run: {0}'),
    fixEdit: vscode.l10n.t('Edit: {0}'),
    fixOpen: vscode.l10n.t('Open: {0}'),
    consequenceOf: vscode.l10n.t('A consequence of the broken link "{0}": fix that first, this may then pass.'),
    whatItSees: vscode.l10n.t('What it sees ({0})'),
    healthy: vscode.l10n.t('Healthy: every link that could be checked passed.'),
    brokenVerdict: vscode.l10n.t('Broken: {0}. Start with {1}.'),
    nothingChecked: vscode.l10n.t('Nothing could be checked: every link was skipped.'),
    notGathered: vscode.l10n.t('Not gathered ({0})'),
    examining: vscode.l10n.t('examining…'),
    examiningSay: vscode.l10n.t('Lab Doctor: examining {0}…'),
    reading: vscode.l10n.t('Reading the app, the collector, Prometheus and the IRSA role…'),
    couldNotRun: vscode.l10n.t('could not run'),
    couldNotRunSay: vscode.l10n.t('Lab Doctor could not run: {0}'),
  };
}
