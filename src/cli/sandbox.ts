// obslab sandbox up|down|status: the lab's data path (app → collector → Prometheus) on this machine.
// `up --lab DIR` runs that folder's code, so it names the files and asks first, unless --yes; with
// no terminal to ask on it refuses (exit 2). The collector and Prometheus are the ones given with
// --collector/--prometheus-bin, else on PATH, else the official releases, downloaded once (through
// $HTTPS_PROXY, or from --mirror) into the per-user data folder and checked against their published
// sha256. Exit codes: up/down 0 done, 1 failed; status 0 when every part is up, 1 otherwise; 2 bad
// usage, not confirmed, or interrupted.
import * as l10n from '@vscode/l10n';
import {
  sandboxDown,
  sandboxPlan,
  sandboxStatus,
  sandboxUp,
  SandboxError,
  type SandboxPartStatus,
  type SandboxUpResult,
} from '../node/sandbox/sandbox';
import { appMetrics } from '../core/facts';
import { partsDir, userDataDir } from '../node/downloads/dataDir';
import { sandboxQuestion } from '../core/sandbox/consent';
import { defineCommand, usageLine } from './commandSpec';
import { askOnTerminal, UsageError, type Io, parseCli, notJsonOrText } from './io';
import { formatOption } from './commonOptions';

export const sandboxSpec = defineCommand({
  command: 'sandbox',
  args: 'up|down|status',
  get summary() {
    return l10n.t(
      'Starts, stops or reports the local sandbox: the lab app, the OpenTelemetry Collector and Prometheus on 127.0.0.1, no cluster needed.',
    );
  },
  options: {
    lab: {
      type: 'string',
      value: 'DIR',
      get help() {
        return l10n.t('the lab folder whose files the sandbox runs');
      },
    },
    yes: {
      type: 'boolean',
      short: 'y',
      get help() {
        return l10n.t("run the lab folder's files without asking");
      },
    },
    collector: {
      type: 'string',
      value: 'PATH',
      get help() {
        return l10n.t(
          'the otelcol-contrib program (default: $OBSLAB_COLLECTOR, otelcol-contrib or otelcol on PATH, else downloaded)',
        );
      },
    },
    'prometheus-bin': {
      type: 'string',
      value: 'PATH',
      get help() {
        return l10n.t('the prometheus program (default: $OBSLAB_PROMETHEUS, prometheus on PATH, else downloaded)');
      },
    },
    mirror: {
      type: 'string',
      value: 'URL',
      get help() {
        return l10n.t(
          'download release files from URL/<owner>/<repo>/releases/download/<tag>/<file> instead of https://github.com',
        );
      },
    },
    'app-port': {
      type: 'string',
      value: 'N',
      get help() {
        return l10n.t("the app's port on 127.0.0.1");
      },
    },
    'prometheus-port': {
      type: 'string',
      value: 'N',
      get help() {
        return l10n.t("Prometheus' port on 127.0.0.1");
      },
    },
    format: formatOption,
  },
});

export const sandboxUsage = usageLine(sandboxSpec);

/** How `up` asks before running a lab folder's code; tests pass their own. */
export interface SandboxCliDeps {
  /** Whether there is someone to ask (stdin is a terminal). */
  interactive?: boolean;
  ask?: (question: string) => Promise<string>;
}

function port(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new UsageError(l10n.t("{0} is a port number from 1 to 65535, not '{1}'", flag, value));
  return n;
}

function table(parts: SandboxPartStatus[]): string[] {
  const width = Math.max(...parts.map((p) => p.name.length));
  return parts.map(
    (p) => `${p.name.padEnd(width)}  ${p.state.padEnd(7)}  ${p.url ?? '-'}${p.detail ? `  (${p.detail})` : ''}`,
  );
}

function targetsSummary(parts: SandboxPartStatus[]): string {
  const endpoints = parts.filter((p) => p.name.startsWith('collector-'));
  const up = endpoints.filter((p) => p.state === 'up').length;
  return up === endpoints.length
    ? l10n.t('Prometheus reports both collector targets up.')
    : l10n.t('Prometheus reports {0} of {1} collector targets up.', up, endpoints.length);
}

function printUp(result: SandboxUpResult, io: Io): void {
  const app = result.parts.find((p) => p.name === 'app')?.url;
  for (const line of table(result.parts)) io.out(line);
  io.out(targetsSummary(result.parts));
  io.out(l10n.t('Logs: {0}', result.state.dir));
  if (app)
    io.out(
      l10n.t(
        'Try: {0}   then   {1}',
        `curl -X POST -d data=hello ${app}/hash`,
        `npx obslab query 'sum(rate(${appMetrics.durationBase}_count[1m]))'`,
      ),
    );
}

export async function runSandbox(argv: string[], io: Io, deps: SandboxCliDeps = {}): Promise<number> {
  const parsed = parseCli(argv, sandboxSpec);
  const { values, positionals } = parsed;
  const [action, ...extra] = positionals;
  if (!action || extra.length) throw new UsageError(`${l10n.t('say up, down or status')}\n${sandboxUsage}`);
  const format = values.format ?? 'text';
  if (format !== 'json' && format !== 'text') throw notJsonOrText(format);
  const json = format === 'json';

  switch (action) {
    case 'up': {
      const appPort = port('--app-port', values['app-port']);
      const prometheusPort = port('--prometheus-port', values['prometheus-port']);
      // Ctrl-C while starting: a download stops and deletes what it fetched; the programs run in
      // their own process groups and would outlive us, so they are stopped too.
      const abort = new AbortController();
      const interrupted = (): void => {
        io.err(l10n.t('obslab sandbox up: interrupted; stopping what was started'));
        abort.abort();
        void sandboxDown().finally(() => process.exit(130));
      };
      let approvedSha256: string | undefined;
      try {
        const plan = await sandboxPlan(values.lab ? { labDir: values.lab } : {});
        if (plan.lab && plan.sha256 && !values.yes) {
          const q = sandboxQuestion(plan.lab, plan.files);
          io.err(`${q.message}\n${q.detail}`);
          if (!(deps.interactive ?? process.stdin.isTTY === true)) {
            io.err(
              l10n.t(
                "obslab sandbox up: not started: pass --yes to run the lab folder's code without asking (stdin is not a terminal)",
              ),
            );
            return 2;
          }
          const answer = await (deps.ask ?? askOnTerminal)(`${l10n.t('Run it?')} [y/N] `);
          if (!/^y(es)?$/i.test(answer.trim())) {
            io.err(l10n.t('obslab sandbox up: not started'));
            return 2;
          }
        }
        approvedSha256 = plan.sha256;
      } catch (e) {
        if (e instanceof SandboxError) {
          io.err(`obslab sandbox up: ${e.message}`);
          return 1;
        }
        throw e;
      }
      process.once('SIGINT', interrupted);
      try {
        const result = await sandboxUp(
          {
            ...(values.lab ? { labDir: values.lab } : {}),
            ...(approvedSha256 ? { approvedSha256 } : {}),
            ...(values.collector ? { collectorBinary: values.collector } : {}),
            ...(values['prometheus-bin'] ? { prometheusBinary: values['prometheus-bin'] } : {}),
            ...(appPort !== undefined ? { appPort } : {}),
            ...(prometheusPort !== undefined ? { prometheusPort } : {}),
            parts: {
              root: partsDir(userDataDir()),
              network: { env: process.env },
              signal: abort.signal,
              ...(values.mirror ? { mirror: values.mirror } : {}),
            },
          },
          (m) => io.err(m),
        );
        if (result.alreadyRunning) {
          const notUp = result.parts.filter((p) => p.state !== 'up');
          const since = result.state.startedAt;
          io.err(
            notUp.length
              ? l10n.t(
                  'obslab sandbox: already running since {0}; nothing started; not up: {1}, so {2} then {3} restarts it',
                  since,
                  notUp.map((p) => `${p.name} ${p.state}`).join(', '),
                  '`obslab sandbox down`',
                  '`obslab sandbox up`',
                )
              : l10n.t(
                  'obslab sandbox: already running since {0}; nothing started ({1} stops it)',
                  since,
                  '`obslab sandbox down`',
                ),
          );
        }
        if (json)
          io.out(
            JSON.stringify(
              {
                alreadyRunning: result.alreadyRunning,
                parts: result.parts,
                ...(result.timings ? { timings: result.timings } : {}),
              },
              null,
              2,
            ),
          );
        else printUp(result, io);
        return 0;
      } catch (e) {
        if (e instanceof SandboxError) {
          io.err(`obslab sandbox up: ${e.message}`);
          return 1;
        }
        throw e;
      } finally {
        process.removeListener('SIGINT', interrupted);
      }
    }
    case 'down': {
      const { stopped } = await sandboxDown();
      if (json) io.out(JSON.stringify({ stopped }, null, 2));
      else
        io.out(
          stopped.length
            ? l10n.t('Stopped {0}.', stopped.map((s) => l10n.t('{0} (pid {1})', s.name, s.pid)).join(', '))
            : l10n.t('The sandbox is not running; nothing to stop.'),
        );
      return 0;
    }
    case 'status': {
      const parts = await sandboxStatus();
      if (json) {
        io.out(JSON.stringify(parts, null, 2));
      } else if (parts.every((p) => p.state === 'stopped')) {
        io.out(l10n.t('The sandbox is not running ({0} starts it).', '`obslab sandbox up`'));
      } else {
        for (const line of table(parts)) io.out(line);
        io.out(targetsSummary(parts));
      }
      return parts.every((p) => p.state === 'up') ? 0 : 1;
    }
    default:
      throw new UsageError(`${l10n.t("unknown action '{0}': say up, down or status", action)}\n${sandboxUsage}`);
  }
}
