// Which files make up the lab, where each goes, which task uses it, and what each says once
// the student's choices are filled in. Template texts are handed in; this module reads nothing.
import { appMetrics, versions } from '../facts';
import { isRecord } from '../isRecord';
import { kubePrometheusStackNames } from '../kube/kubePrometheusStackNames';
import { t } from '../text/l10n';
import { paramSpecs, validateParams, type LabParams } from './params';
import { renderTemplate } from './render';

export type TaskId = 'prerequisites' | 'task1' | 'task2' | 'task3' | 'task4' | 'task5' | 'cleanup';

export interface LabFileSpec {
  /** Path under the extension's templates/ folder. */
  template: string;
  /** Path under the lab folder the student picked. */
  path: string;
  tasks: TaskId[];
  purpose: string;
}

export interface LabFile {
  path: string;
  content: string;
  tasks: TaskId[];
  purpose: string;
}

/** Written last, so a lab folder with it is complete; later commands find the lab by it. */
export const labManifestName = 'obslab-lab.json';

/** How far above a file's folder its lab folder may be: that folder and this many above it. */
export const labManifestLevels = 5;

/**
 * The folders a walk up to the lab manifest looks in, nearest first: `dir` and up to
 * labManifestLevels above it. `parentOf` is path.dirname, handed in because core imports no Node.
 */
export function foldersUpToLab(dir: string, parentOf: (dir: string) => string): string[] {
  const folders = [dir];
  for (let level = 0; level < labManifestLevels; level++) {
    const parent = parentOf(dir);
    if (parent === dir) break;
    folders.push((dir = parent));
  }
  return folders;
}

/** The lab's Grafana dashboard; k8s/grafana-dashboard.yaml carries the same JSON. */
export const labDashboardTemplate = 'lab/grafana/obslab-dashboard.json';

// Purposes are getters: made when read, in the language installed by then, not at import.
export const labFileSpecs: LabFileSpec[] = [
  {
    template: 'lab/COMMANDS.md',
    path: 'COMMANDS.md',
    tasks: ['prerequisites', 'task1', 'task2', 'task3', 'task4', 'task5', 'cleanup'],
    get purpose() {
      return t`every command of the lab, corrected, with your cluster, region and names`;
    },
  },
  {
    template: 'lab/iam/prometheus-iam-policy.json',
    path: 'iam/prometheus-iam-policy.json',
    tasks: ['task1', 'task4'],
    get purpose() {
      return t`IAM policy for Amazon Managed Prometheus and CloudWatch`;
    },
  },
  {
    template: 'lab/helm/kube-prometheus-stack-values.yaml',
    path: 'helm/kube-prometheus-stack-values.yaml',
    tasks: ['task2'],
    get purpose() {
      return t`kube-prometheus-stack values that run Prometheus as prometheus-sa`;
    },
  },
  {
    template: 'lab/k8s/namespaces.yaml',
    path: 'k8s/namespaces.yaml',
    tasks: ['task3'],
    get purpose() {
      return t`the app and monitoring namespaces`;
    },
  },
  {
    template: 'lab/k8s/app.yaml',
    path: 'k8s/app.yaml',
    tasks: ['task3'],
    get purpose() {
      return t`the Flask app Deployment and Service`;
    },
  },
  {
    template: 'lab/k8s/otel-collector-config.yaml',
    path: 'k8s/otel-collector-config.yaml',
    tasks: ['task3'],
    get purpose() {
      return t`collector ConfigMap (telemetry in the readers/pull form)`;
    },
  },
  {
    template: 'lab/k8s/otel-collector-deploy-svc.yaml',
    path: 'k8s/otel-collector-deploy-svc.yaml',
    tasks: ['task3'],
    get purpose() {
      return t`collector Deployment and Service`;
    },
  },
  {
    template: 'lab/helm/otel-collector-values.yaml',
    path: 'helm/otel-collector-values.yaml',
    tasks: ['task3'],
    get purpose() {
      return t`the Helm path: OpenTelemetry Collector chart values with the same pipeline, ports and a ServiceMonitor Prometheus selects`;
    },
  },
  {
    template: 'lab/k8s/otel-servicemonitors.yaml',
    path: 'k8s/otel-servicemonitors.yaml',
    tasks: ['task3'],
    get purpose() {
      return t`ServiceMonitors for the collector's :8888 and :8889`;
    },
  },
  {
    template: 'app/app.py',
    path: 'app/app.py',
    tasks: ['task3'],
    get purpose() {
      return t`the Flask app with the /hash endpoint`;
    },
  },
  {
    template: 'app/requirements.txt',
    path: 'app/requirements.txt',
    tasks: ['task3'],
    get purpose() {
      return t`the app's pinned Python packages`;
    },
  },
  {
    template: 'app/Dockerfile',
    path: 'app/Dockerfile',
    tasks: ['task3'],
    get purpose() {
      return t`the app's container image, run under opentelemetry-instrument`;
    },
  },
  {
    template: 'jmeter/hash-load.jmx',
    path: 'jmeter/hash-load.jmx',
    tasks: ['task5'],
    get purpose() {
      return t`JMeter 5.6 plan for POST /hash`;
    },
  },
  {
    template: 'lab/queries/lab-queries.promql',
    path: 'queries/lab-queries.promql',
    tasks: ['task3', 'task5'],
    get purpose() {
      return t`the lab's PromQL with the app's real metric names`;
    },
  },
  {
    template: 'lab/k8s/grafana-dashboard.yaml',
    path: 'k8s/grafana-dashboard.yaml',
    tasks: ['task5'],
    get purpose() {
      return t`the lab's Grafana dashboard as a ConfigMap kube-prometheus-stack's Grafana loads`;
    },
  },
  {
    template: labDashboardTemplate,
    path: 'grafana/obslab-dashboard.json',
    tasks: ['task5'],
    get purpose() {
      return t`the lab's Grafana dashboard, to import by hand`;
    },
  },
];

/** Names that are fixed by the lab rather than chosen. */
export const labNames = {
  prometheusServiceAccount: 'prometheus-sa',
  policyName: 'ds252-prometheus-otel-policy',
  roleName: 'ds252-prometheus-sa-role',
} as const;

export function templateVars(params: LabParams): Record<string, string> {
  const kps = kubePrometheusStackNames(params.helmRelease);
  return {
    ...params,
    ...labNames,
    // What kube-prometheus-stack names its Services and Secrets for the chosen release.
    prometheusService: kps.prometheusService,
    grafanaService: kps.grafanaService,
    grafanaSecret: kps.grafanaSecret,
    collectorImage: versions.collectorImage,
    chartVersion: versions.kubePrometheusStack,
    collectorChartVersion: versions.collectorChart,
    collectorVersion: versions.collector,
    durationBase: appMetrics.durationBase,
    activeRequests: appMetrics.activeRequests,
  };
}

export interface LabManifest {
  kind: 'observability-lab';
  version: 1;
  params: LabParams;
  files: string[];
}

/**
 * The dashboard's JSON rendered once, as the ConfigMap's block scalar holds it (lines after the
 * first indented by the template's four spaces), so both files carry the same dashboard.
 */
function withDashboardJson(
  vars: Record<string, string>,
  readTemplate: (template: string) => string,
): Record<string, string> {
  const json = renderTemplate(readTemplate(labDashboardTemplate), vars, labDashboardTemplate).trimEnd();
  return { ...vars, grafanaDashboardJson: json.replace(/\n(?=.)/g, '\n    ') };
}

export function planLabFiles(params: LabParams, readTemplate: (template: string) => string): LabFile[] {
  const vars = withDashboardJson(templateVars(params), readTemplate);
  const files: LabFile[] = labFileSpecs.map((spec) => ({
    path: spec.path,
    content: renderTemplate(readTemplate(spec.template), vars, spec.template),
    tasks: spec.tasks,
    purpose: spec.purpose,
  }));
  const manifest: LabManifest = { kind: 'observability-lab', version: 1, params, files: files.map((f) => f.path) };
  files.push({
    path: labManifestName,
    content: `${JSON.stringify(manifest, null, 2)}\n`,
    tasks: [],
    purpose: t`your choices, so later commands know this lab`,
  });
  return files;
}

export function filesForTask(task: TaskId): string[] {
  return labFileSpecs.filter((s) => s.tasks.includes(task) && s.path !== 'COMMANDS.md').map((s) => s.path);
}

/** One thing wrong with an obslab-lab.json: the field (as a JSON path) and the rule it breaks. */
export interface LabManifestProblem {
  field: string;
  message: string;
  /** The message goes on from the field's name ("is missing", "must be 1"): shown as "field message". */
  predicate?: boolean;
}

export type LabManifestCheck = { ok: true; manifest: LabManifest } | { ok: false; problems: LabManifestProblem[] };

/**
 * Reads an obslab-lab.json by the same rules the scaffold's prompts apply: a lab folder may come
 * from anywhere (a clone, a download), and its values end up in commands, file names and
 * manifests, so a value the prompts would refuse is refused here too.
 */
export function checkLabManifest(text: string): LabManifestCheck {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return {
      ok: false,
      problems: [{ field: '(file)', message: t`not JSON (${e instanceof Error ? e.message : String(e)})` }],
    };
  }
  if (!isRecord(value)) return { ok: false, problems: [{ field: '(file)', message: t`not a JSON object` }] };
  const problems: LabManifestProblem[] = [];
  if (value['kind'] !== 'observability-lab') {
    const kind = JSON.stringify(value['kind']);
    problems.push({
      field: 'kind',
      message:
        kind === undefined ? t`must be "observability-lab" (is missing)` : t`must be "observability-lab" (is ${kind})`,
      predicate: true,
    });
  }
  if (value['version'] !== 1) {
    const version = JSON.stringify(value['version']);
    problems.push({
      field: 'version',
      message: version === undefined ? t`must be 1 (is missing)` : t`must be 1 (is ${version})`,
      predicate: true,
    });
  }
  const files = value['files'];
  if (files !== undefined && !(Array.isArray(files) && files.every((f) => typeof f === 'string')))
    problems.push({ field: 'files', message: t`must be a list of file names`, predicate: true });
  const params = value['params'];
  if (!isRecord(params)) {
    const keys = paramSpecs.map((p) => p.key).join(', ');
    problems.push({
      field: 'params',
      message:
        params === undefined
          ? t`is missing: it holds the lab's names (${keys})`
          : t`must be an object: it holds the lab's names (${keys})`,
      predicate: true,
    });
    return { ok: false, problems };
  }
  for (const spec of paramSpecs) {
    const v = params[spec.key];
    if (v === undefined)
      problems.push({ field: `params.${spec.key}`, message: t`is missing (${spec.prompt})`, predicate: true });
    else if (typeof v !== 'string')
      problems.push({
        field: `params.${spec.key}`,
        // typeof's answer (number, boolean, object) is JavaScript's word for the JSON value's type.
        message: Array.isArray(v) ? t`must be a string (is a list)` : t`must be a string (is ${typeof v})`,
        predicate: true,
      });
    else {
      const wrong = spec.validate(v);
      if (wrong) problems.push({ field: `params.${spec.key}`, message: wrong });
    }
  }
  if (problems.length) return { ok: false, problems };
  const checked = Object.fromEntries(
    paramSpecs.map((spec) => [spec.key, params[spec.key] as string]),
  ) as unknown as LabParams;
  for (const p of validateParams(checked)) problems.push({ field: `params.${p.key}`, message: p.message });
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    manifest: {
      kind: 'observability-lab',
      version: 1,
      params: checked,
      files: Array.isArray(files) ? (files as string[]) : [],
    },
  };
}

/** One problem in words: "params.helmRelease must be …", or "params: …" for a rule's own sentence. */
export function labManifestProblemText(p: LabManifestProblem): string {
  return p.predicate ? t`${p.field} ${p.message}` : t`${p.field}: ${p.message}`;
}

/** One message for a person: which file, which fields, which rules, and what to do. */
export function describeLabManifestProblems(file: string, problems: LabManifestProblem[]): string {
  return t`${file} is not a valid lab manifest: ${problems.map(labManifestProblemText).join('; ')}. \
Correct it, or create the lab files again (Create Lab Files, or obslab scaffold).`;
}

/** A valid manifest, or undefined (not JSON, not ours, or a value the scaffold would refuse). */
export function parseLabManifest(text: string): LabManifest | undefined {
  const r = checkLabManifest(text);
  return r.ok ? r.manifest : undefined;
}

export type FileStatus = 'new' | 'same' | 'changed';

export interface PlannedFile extends LabFile {
  status: FileStatus;
  existing?: string;
}

/** Compares the plan with what is on disk, so nothing is overwritten without being shown. */
export function compareWithExisting(
  files: LabFile[],
  readExisting: (path: string) => string | undefined,
): PlannedFile[] {
  return files.map((f) => {
    const existing = readExisting(f.path);
    if (existing === undefined) return { ...f, status: 'new' };
    return { ...f, status: existing === f.content ? 'same' : 'changed', existing };
  });
}
