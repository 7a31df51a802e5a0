// The few choices a student makes before the lab files are written, with the rules each must
// satisfy so that what we write is valid for Kubernetes, Helm and AWS.

export interface LabParams {
  appNamespace: string;
  monitoringNamespace: string;
  /** kube-prometheus-stack release name; ServiceMonitors carry `release: <this>`. */
  helmRelease: string;
  appImage: string;
  clusterName: string;
  awsRegion: string;
}

export const defaultParams: LabParams = {
  appNamespace: 'app',
  monitoringNamespace: 'monitoring',
  helmRelease: 'prometheus',
  appImage: 'ds252-flask:1.0',
  clusterName: 'ds252-cluster',
  awsRegion: 'ap-south-1',
};

export interface ParamSpec {
  key: keyof LabParams;
  /** The CLI flag that sets it. */
  flag: string;
  prompt: string;
  validate(value: string): string | undefined;
}

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function namespace(value: string): string | undefined {
  if (value.length === 0) return 'a namespace name is required';
  if (value.length > 63) return `'${value}' is ${value.length} characters; a namespace has at most 63`;
  if (!dns1123Label.test(value))
    return `'${value}' is not a DNS-1123 label: use lower-case letters, digits and '-', starting and ending with a letter or digit`;
  return undefined;
}

export const paramSpecs: ParamSpec[] = [
  { key: 'appNamespace', flag: '--app-namespace', prompt: 'Namespace for the Flask app', validate: namespace },
  {
    key: 'monitoringNamespace',
    flag: '--monitoring-namespace',
    prompt: 'Namespace for Prometheus, the collector and the ServiceMonitors',
    validate: namespace,
  },
  {
    key: 'helmRelease',
    flag: '--release',
    prompt: 'Helm release name of kube-prometheus-stack (ServiceMonitors get the label release: <name>)',
    validate: (v) => {
      if (v.length === 0) return 'a release name is required';
      // Helm limits release names to 53 characters so that derived resource names fit in 63.
      if (v.length > 53) return `'${v}' is ${v.length} characters; Helm allows at most 53`;
      if (!dns1123Subdomain.test(v))
        return `'${v}' is not a valid Helm release name: use lower-case letters, digits, '-' and '.'`;
      return undefined;
    },
  },
  {
    key: 'appImage',
    flag: '--image',
    prompt: 'Container image for the Flask app (build it from app/Dockerfile)',
    validate: (v) => {
      if (v.length === 0) return 'an image reference is required';
      if (/\s/.test(v)) return `'${v}' contains white space; an image reference has none`;
      if (!/^[a-zA-Z0-9][a-zA-Z0-9._\-/:@]*$/.test(v))
        return `'${v}' is not an image reference such as registry/name:tag`;
      return undefined;
    },
  },
  {
    key: 'clusterName',
    flag: '--cluster',
    prompt: 'EKS cluster name',
    validate: (v) => {
      if (!/^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/.test(v))
        return `'${v}' is not an EKS cluster name: up to 100 letters, digits, '-' and '_', starting with a letter or digit`;
      return undefined;
    },
  },
  {
    key: 'awsRegion',
    flag: '--region',
    prompt: 'AWS region of the cluster',
    validate: (v) => {
      if (!/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/.test(v))
        return `'${v}' is not an AWS region name such as ap-south-1`;
      return undefined;
    },
  },
];

export interface ParamProblem {
  key: keyof LabParams;
  flag: string;
  message: string;
}

export function validateParams(params: LabParams): ParamProblem[] {
  const problems: ParamProblem[] = [];
  for (const spec of paramSpecs) {
    const message = spec.validate(params[spec.key]);
    if (message) problems.push({ key: spec.key, flag: spec.flag, message });
  }
  if (!problems.length && params.appNamespace === params.monitoringNamespace) {
    // One namespace works for Kubernetes, but the lab's Tasks and cleanup assume two.
    problems.push({
      key: 'appNamespace',
      flag: '--app-namespace',
      message: `the app and monitoring namespaces are both '${params.appNamespace}'; the lab keeps them apart`,
    });
  }
  return problems;
}
