// The few choices a student makes before the lab files are written, with the rules each must
// satisfy so that what we write is valid for Kubernetes, Helm and AWS, and the warnings for
// values that are valid but would not work on EKS (an image the nodes cannot pull).
import { callerAccount } from '../kube/commands';
import { commandLine } from '../shellQuote';
import { t } from '../text/l10n';

export interface LabParams {
  appNamespace: string;
  monitoringNamespace: string;
  /** kube-prometheus-stack release name; ServiceMonitors carry `release: <this>`. */
  helmRelease: string;
  appImage: string;
  clusterName: string;
  awsRegion: string;
}

/** The account id AWS's own documentation uses in examples: a default image names it, and it is flagged. */
export const exampleAccount = '123456789012';

/** The app's image as EKS pulls it from ECR: the registry host, then the repository and a fixed tag. */
export function exampleAppImage(region: string, account: string = exampleAccount): string {
  return `${account}.dkr.ecr.${region}.amazonaws.com/ds252-flask:1.0`;
}

export const defaultParams: LabParams = {
  appNamespace: 'app',
  monitoringNamespace: 'monitoring',
  helmRelease: 'prometheus',
  appImage: exampleAppImage('ap-south-1'),
  clusterName: 'ds252-cluster',
  awsRegion: 'ap-south-1',
};

export interface ParamSpec {
  key: keyof LabParams;
  /** The CLI flag that sets it. */
  flag: string;
  prompt: string;
  /** Why the value cannot be used, or undefined. */
  validate(value: string): string | undefined;
  /** Why a valid value would still not work, or undefined; the files are written either way. */
  warn?(value: string): string | undefined;
}

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function namespace(value: string): string | undefined {
  if (value.length === 0) return t`a namespace name is required`;
  if (value.length > 63) return t`'${value}' is ${value.length} characters; a namespace has at most 63`;
  if (!dns1123Label.test(value))
    return t`'${value}' is not a DNS-1123 label: use lower-case letters, digits and '-', starting and ending \
with a letter or digit`;
  return undefined;
}

/** An image reference split as the container runtime splits it (github.com/distribution/reference). */
export interface ImageRef {
  /** The registry host (and port) when the reference names one; else the runtime uses Docker Hub. */
  registry?: string;
  repository: string;
  tag?: string;
  digest?: string;
}

const domainPart =
  /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::\d+)?$/;
const pathComponent = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const tagPattern = /^\w[\w.-]{0,127}$/;
const digestPattern = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;

/** The reference's parts, or why it is not one. */
export function parseImageRef(value: string): ImageRef | { problem: string } {
  let rest = value;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestPattern.test(digest)) return { problem: t`the digest '${digest}' is not algorithm:hex` };
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!tagPattern.test(tag))
      return {
        problem: t`the tag '${tag}' is not 1 to 128 letters, digits, '_', '.' and '-' (not starting with '.' or '-')`,
      };
  }
  // The first component is a registry host when it looks like one, as the runtime decides.
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  const isHost = slash >= 0 && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase());
  const registry = isHost ? first : undefined;
  const repository = isHost ? rest.slice(slash + 1) : rest;
  if (registry !== undefined && !domainPart.test(registry))
    return { problem: t`'${registry}' is not a registry host such as 123456789012.dkr.ecr.ap-south-1.amazonaws.com` };
  if (!repository) return { problem: t`it names no repository` };
  if (repository.length > 255) return { problem: t`the repository name is longer than 255 characters` };
  for (const part of repository.split('/'))
    if (!pathComponent.test(part))
      return {
        problem:
          part !== part.toLowerCase()
            ? t`the repository '${repository}' must be lower case`
            : t`'${part}' is not a repository name component (lower-case letters and digits, separated by \
'.', '_', '__' or '-')`,
      };
  return {
    ...(registry !== undefined ? { registry } : {}),
    repository,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

function imageProblem(v: string): string | undefined {
  if (v.length === 0) return t`an image reference is required`;
  if (/\s/.test(v)) return t`'${v}' contains white space; an image reference has none`;
  const ref = parseImageRef(v);
  if ('problem' in ref) return t`'${v}' is not an image reference such as registry/name:tag: ${ref.problem}`;
  return undefined;
}

/** Why EKS would not run this (valid) image, with the next step; undefined when nothing is known to be wrong. */
export function imageWarning(v: string): string | undefined {
  const ref = parseImageRef(v);
  if ('problem' in ref) return undefined;
  const example = exampleAppImage('<region>', '<account>');
  if (ref.registry === undefined) {
    const hub =
      `docker.io/${ref.repository.includes('/') ? '' : 'library/'}${ref.repository}` +
      `${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
    return ref.repository.includes('/')
      ? t`'${v}' names no registry host, so the nodes pull ${hub} from Docker Hub: that works only if you pushed \
it there as a public image. Otherwise push app/Dockerfile's build to your registry and name it, e.g. ${example}`
      : t`'${v}' names no registry host, so the nodes would pull ${hub} from Docker Hub, where it does not exist, \
and the pods stay in ImagePullBackOff. Push app/Dockerfile's build to a registry the cluster can pull from \
and name it with its registry, e.g. ${example}`;
  }
  if (ref.registry.startsWith(`${exampleAccount}.`))
    return t`'${v}' is in account ${exampleAccount}, the example account of AWS's documentation. Use your account id \
(${commandLine(callerAccount, 'posix')}) and push app/Dockerfile's build there`;
  if (ref.digest === undefined && (ref.tag === undefined || ref.tag === 'latest'))
    return ref.tag === undefined
      ? t`'${v}' has no tag, so the nodes pull :latest; use a fixed tag such as :1.0, so every replica runs the same build`
      : t`'${v}' has the tag :latest; use a fixed tag such as :1.0, so every replica runs the same build`;
  return undefined;
}

// Prompts are getters: made when read, in the language installed by then, not at import.
export const paramSpecs: ParamSpec[] = [
  {
    key: 'appNamespace',
    flag: '--app-namespace',
    get prompt() {
      return t`Namespace for the Flask app`;
    },
    validate: namespace,
  },
  {
    key: 'monitoringNamespace',
    flag: '--monitoring-namespace',
    get prompt() {
      return t`Namespace for Prometheus, the collector and the ServiceMonitors`;
    },
    validate: namespace,
  },
  {
    key: 'helmRelease',
    flag: '--release',
    get prompt() {
      return t`Helm release name of kube-prometheus-stack (ServiceMonitors get the label release: <name>)`;
    },
    validate: (v) => {
      if (v.length === 0) return t`a release name is required`;
      // Helm limits release names to 53 characters so that derived resource names fit in 63.
      if (v.length > 53) return t`'${v}' is ${v.length} characters; Helm allows at most 53`;
      if (!dns1123Subdomain.test(v))
        return t`'${v}' is not a valid Helm release name: use lower-case letters, digits, '-' and '.'`;
      return undefined;
    },
  },
  {
    key: 'appImage',
    flag: '--image',
    // Apple silicon builds arm64 by default, which amd64 nodes cannot run (exec format error).
    get prompt() {
      return t`Image of the Flask app with its registry, e.g. ${exampleAppImage('<region>', '<account>')}: build \
app/Dockerfile for the nodes' architecture (--platform linux/amd64 from Apple silicon for amd64 nodes) and push it there`;
    },
    validate: imageProblem,
    warn: imageWarning,
  },
  {
    key: 'clusterName',
    flag: '--cluster',
    get prompt() {
      return t`EKS cluster name`;
    },
    validate: (v) => {
      if (!/^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/.test(v))
        return t`'${v}' is not an EKS cluster name: up to 100 letters, digits, '-' and '_', starting with a letter or digit`;
      return undefined;
    },
  },
  {
    key: 'awsRegion',
    flag: '--region',
    get prompt() {
      return t`AWS region of the cluster`;
    },
    validate: (v) => {
      if (!/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/.test(v))
        return t`'${v}' is not an AWS region name such as ap-south-1`;
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
      message: t`the app and monitoring namespaces are both '${params.appNamespace}'; the lab keeps them apart`,
    });
  }
  return problems;
}

/** What is valid but would not work, for each parameter with a warning; the lab files are still written. */
export function paramWarnings(params: LabParams): ParamProblem[] {
  const warnings: ParamProblem[] = [];
  for (const spec of paramSpecs) {
    const message = spec.warn?.(params[spec.key]);
    if (message) warnings.push({ key: spec.key, flag: spec.flag, message });
  }
  return warnings;
}
