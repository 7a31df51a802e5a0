// Whether a parsed sandbox.json is a state `obslab sandbox up` wrote, decided without reading
// anything: the adapter (src/node/sandbox/sandboxState.ts) reads the file and hands the value in
// with the sandbox's run folder. Pure, so plain tests reach every refusal without a file or a pid.
import { t } from '../text/l10n';
import { isRecord } from '../isRecord';

const isString = (v: unknown): v is string => typeof v === 'string';
const isPid = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 1;

/**
 * The paths of the machine that wrote the state, told by the run folder it is given: a drive or
 * UNC path means Windows' rules (either separator, written back with \), anything else POSIX's.
 */
function pathRules(runFolder: string): { isAbsolute(p: string): boolean; child(folder: string, name: string): string } {
  if (/^[A-Za-z]:[\\/]|^\\\\/.test(runFolder))
    return {
      isAbsolute: (p) => /^([A-Za-z]:)?[\\/]/.test(p),
      child: (folder, name) => `${folder.replace(/\//g, '\\').replace(/\\+$/, '')}\\${name}`,
    };
  return {
    isAbsolute: (p) => p.startsWith('/'),
    child: (folder, name) => `${folder.replace(/\/+$/, '')}/${name}`,
  };
}

/**
 * Why `v` is not a state `up` wrote, or undefined when it is: every field has its shape, and each
 * process record's marker is the file only our program has on its command line (the collector's
 * and Prometheus' config in `runFolder`, the sandbox's own folder; the app's app.py). A marker
 * such as "/" would let any pid pass the marker check and be signalled.
 */
export function sandboxStateProblem(v: unknown, runFolder: string): string | undefined {
  const path = pathRules(runFolder);
  const isAbsolutePath = (p: unknown): p is string =>
    isString(p) && p.length > 1 && path.isAbsolute(p) && !p.includes('\0');
  if (
    !isRecord(v) ||
    v['version'] !== 1 ||
    !isString(v['startedAt']) ||
    !isString(v['dir']) ||
    !isString(v['namespace'])
  )
    return t`it is not a sandbox state of version 1`;
  if (v['startingPid'] !== undefined && !isPid(v['startingPid'])) return t`${'startingPid'} is not a process id`;
  if (v['lab'] !== undefined && !isString(v['lab'])) return t`${'lab'} is not a path`;
  const collectorConfig = path.child(runFolder, 'collector.yaml');
  const prometheusConfig = path.child(runFolder, 'prometheus.yml');
  const parts: [string, unknown, (rec: Record<string, unknown>) => boolean, string][] = [
    [
      'app',
      v['app'],
      (rec) =>
        isAbsolutePath(rec['appDir']) && rec['marker'] === path.child(rec['appDir'], 'app.py') && isString(rec['url']),
      t`its appDir's app.py`,
    ],
    [
      'collector',
      v['collector'],
      (rec) =>
        rec['marker'] === collectorConfig &&
        rec['config'] === rec['marker'] &&
        isString(rec['binary']) &&
        isString(rec['otlpGrpc']) &&
        isString(rec['telemetryUrl']) &&
        isString(rec['metricsUrl']) &&
        isString(rec['configSource']),
      collectorConfig,
    ],
    [
      'prometheus',
      v['prometheus'],
      (rec) =>
        rec['marker'] === prometheusConfig &&
        rec['config'] === rec['marker'] &&
        isString(rec['binary']) &&
        isString(rec['url']) &&
        isString(rec['tsdb']),
      prometheusConfig,
    ],
  ];
  for (const [name, rec, own, expected] of parts) {
    if (rec === undefined) continue;
    if (!isRecord(rec) || !isPid(rec['pid']) || !isAbsolutePath(rec['marker']) || !isString(rec['log']))
      return t`its ${name} record is not a process record`;
    if (!own(rec))
      return t`its ${name} record names ${JSON.stringify(rec['config'] ?? rec['marker'])}, not ${expected}`;
  }
  return undefined;
}
