// obslab doctor: where the lab's pipeline breaks, and how to fix it.
// Exit 0: every link that could be checked passed; 1: a link is broken (or nothing could be
// checked); 2: bad usage or a place to look at that does not exist.
import * as l10n from '@vscode/l10n';
import { existsSync, statSync } from 'node:fs';
import { formatReport } from '../core/doctor/text';
import { getContexts } from '../core/kube/commands';
import { commandLine, shellFor } from '../core/shellQuote';
import { doctor, DoctorInputError, type DoctorOptions } from '../node/doctor';
import { doctorSpec, doctorUsage } from './doctorUsage';
import { UsageError, type Io, parseCli, notJsonOrText } from './io';

/** The doctor's options from the command line; bad usage throws UsageError. */
export function doctorOptions(argv: string[]): { options: DoctorOptions; format: 'json' | 'text' } {
  const { values, positionals } = parseCli(argv, doctorSpec);
  if (positionals.length)
    throw new UsageError(
      `${l10n.t('obslab doctor takes no positional arguments (got {0})', positionals.join(' '))}\n${doctorUsage}`,
    );
  if (values.sandbox && (values.context !== undefined || values.kubeconfig !== undefined))
    throw new UsageError(
      `${l10n.t('--sandbox and --context/--kubeconfig exclude each other: the doctor looks at one place')}\n${doctorUsage}`,
    );
  if (values.context === '')
    throw new UsageError(
      l10n.t('--context needs the name of a kubeconfig context ({0} lists them)', commandLine(getContexts, 'posix')),
    );
  const format = values.format ?? 'text';
  if (format !== 'json' && format !== 'text') throw notJsonOrText(format);
  if (values.lab !== undefined && !(existsSync(values.lab) && statSync(values.lab).isDirectory()))
    throw new UsageError(
      l10n.t(
        '--lab {0} is not a folder: give the lab folder {1} created (the one with obslab-lab.json)',
        values.lab,
        '`obslab scaffold`',
      ),
    );
  if (values.kubeconfig !== undefined && !existsSync(values.kubeconfig))
    throw new UsageError(l10n.t('--kubeconfig {0} does not exist', values.kubeconfig));
  if (values.prometheus !== undefined && !/^https?:\/\/[^/\s]+/.test(values.prometheus))
    throw new UsageError(
      l10n.t("--prometheus takes Prometheus' URL, e.g. {0} (got '{1}')", 'http://127.0.0.1:9090', values.prometheus),
    );
  if (values.region !== undefined && values.role === undefined)
    throw new UsageError(l10n.t('--region only matters with --role NAME (the IRSA role to check)'));
  return {
    format,
    options: {
      source: values.sandbox
        ? 'sandbox'
        : values.context !== undefined || values.kubeconfig !== undefined
          ? 'cluster'
          : 'auto',
      ...(values.context ? { context: values.context } : {}),
      ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
      ...(values.prometheus ? { prometheusUrl: values.prometheus.replace(/\/+$/, '') } : {}),
      ...(values.lab ? { labDir: values.lab } : {}),
      ...(values.role ? { roleName: values.role } : {}),
      ...(values.region ? { region: values.region } : {}),
    },
  };
}

export async function runDoctor(argv: string[], io: Io): Promise<number> {
  const { options, format } = doctorOptions(argv);
  let result: Awaited<ReturnType<typeof doctor>>;
  try {
    result = await doctor(options);
  } catch (e) {
    if (e instanceof DoctorInputError) {
      io.err(`obslab doctor: ${e.message}`);
      return 2;
    }
    throw e;
  }
  const { report, snapshot, ms } = result;
  if (format === 'json') io.out(JSON.stringify({ ...report, unavailable: snapshot.unavailable, ms }, null, 2));
  else for (const line of formatReport(report, shellFor(process.platform))) io.out(line);
  if (!report.healthy && !report.causes.length) {
    // Nothing checked is not a healthy lab (the report says healthy: false too): say what was missing.
    io.err(
      l10n.t(
        'obslab doctor: nothing could be checked: {0}',
        [...new Set(Object.values(snapshot.unavailable))].join('; '),
      ),
    );
    return 1;
  }
  return report.healthy ? 0 : 1;
}
