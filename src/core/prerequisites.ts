// What the lab needs installed, how to ask each tool its version, and what to tell the student
// when it is missing. The probing itself (running programs) happens in src/node/process/tools.ts.
import { helmInstallHintText } from './helm/helmHint';
import {
  configure,
  configureSso,
  createNodegroup,
  describeNodes,
  getContexts,
  updateKubeconfigFor,
} from './kube/commands';
import { commandInText } from './shellQuote';
import { t } from './text/l10n';

export interface ToolSpec {
  name: string;
  args: string[];
  purpose: string;
  fix: string;
  parseVersion(output: string): string | undefined;
}

const firstMatch = (re: RegExp) => (out: string) => re.exec(out)?.[1];

// purpose and fix are getters: made when read, in the language installed by then, not at import.
export const tools: ToolSpec[] = [
  {
    name: 'kubectl',
    args: ['version', '--client', '--output=json'],
    get purpose() {
      return t`apply manifests, watch rollouts, port-forward`;
    },
    get fix() {
      return t`Install kubectl: https://kubernetes.io/docs/tasks/tools/`;
    },
    parseVersion: (out) => {
      try {
        return (JSON.parse(out) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion;
      } catch {
        return firstMatch(/(v\d+\.\d+\.\d+\S*)/)(out);
      }
    },
  },
  {
    name: 'helm',
    args: ['version', '--short'],
    get purpose() {
      return t`install kube-prometheus-stack (Task 2); Helm 3 or 4`;
    },
    get fix() {
      return helmInstallHintText();
    },
    parseVersion: firstMatch(/(v\d+\.\d+(?:\.\d+)?)/),
  },
  {
    name: 'aws',
    args: ['--version'],
    get purpose() {
      return t`create the IAM policy (Task 1), inspect the role (Task 4)`;
    },
    get fix() {
      return t`Install AWS CLI v2 and run ${commandInText(configure)}: \
https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html`;
    },
    parseVersion: firstMatch(/aws-cli\/(\S+)/),
  },
  {
    name: 'eksctl',
    args: ['version'],
    get purpose() {
      return t`associate the OIDC provider and create the IRSA ServiceAccount (Task 1)`;
    },
    get fix() {
      return t`Install eksctl: https://eksctl.io/installation/`;
    },
    parseVersion: firstMatch(/(\d+\.\d+\.\d+\S*)/),
  },
  {
    name: 'docker',
    args: ['--version'],
    get purpose() {
      return t`build the app image from app/Dockerfile (Task 3)`;
    },
    get fix() {
      return t`Install Docker or another image builder, or use an image built elsewhere`;
    },
    parseVersion: firstMatch(/version (\d+\.\d+\.\d+)/),
  },
  {
    name: 'jmeter',
    args: ['--version'],
    get purpose() {
      return t`run the load test (Task 5)`;
    },
    get fix() {
      return t`Install Apache JMeter 5.6.3 and put its bin/ on PATH: https://jmeter.apache.org/download_jmeter.cgi`;
    },
    parseVersion: firstMatch(/(\d+\.\d+(?:\.\d+)?)/),
  },
];

export type ProbeResult =
  { found: true; output: string } | { found: false; reason: 'missing' | 'failed'; detail: string };

export interface CheckLine {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

// A line's name (kubectl, API server, AWS credentials) names the check and stays as it is:
// src/ui/prerequisitesCommand.ts finds the API server's line by it.
export function toolLine(spec: ToolSpec, probe: ProbeResult): CheckLine {
  if (probe.found) {
    const version = spec.parseVersion(probe.output);
    return {
      name: spec.name,
      ok: true,
      detail: version ? t`${version} (${spec.purpose})` : t`found (${spec.purpose})`,
    };
  }
  if (probe.reason === 'missing')
    return { name: spec.name, ok: false, detail: t`not found on PATH; needed to ${spec.purpose}`, fix: spec.fix };
  return { name: spec.name, ok: false, detail: t`found but it failed: ${probe.detail}`, fix: spec.fix };
}

export function summarize(lines: CheckLine[]): string {
  const missing = lines.filter((l) => !l.ok).map((l) => l.name);
  return missing.length
    ? t`${lines.length - missing.length} of ${lines.length} ready; missing or failing: ${missing.join(', ')}`
    : t`all ${lines.length} ready`;
}

// ---- the cluster and the cloud, beyond installed tools ----

/** What asking the cluster found; each part is absent when an earlier one failed. */
export type ClusterProbe =
  | { kubeconfig: { ok: false; message: string } }
  | {
      kubeconfig: { ok: true; files: string[]; context: string; server: string };
      version: { ok: true; gitVersion: string } | { ok: false; message: string };
      nodes?: { ok: true; total: number; ready: number; names: string[] } | { ok: false; message: string };
    };

export function clusterLines(probe: ClusterProbe): CheckLine[] {
  const k = probe.kubeconfig;
  if (!k.ok)
    return [
      {
        name: 'kubeconfig',
        ok: false,
        detail: k.message,
        fix: t`Create it with ${commandInText(updateKubeconfigFor)}, or set KUBECONFIG`,
      },
    ];
  const lines: CheckLine[] = [
    { name: 'kubeconfig', ok: true, detail: t`${k.files.join(', ')}, current context ${k.context}` },
  ];
  if (!('version' in probe)) return lines;
  const v = probe.version;
  lines.push(
    v.ok
      ? { name: 'API server', ok: true, detail: t`${v.gitVersion} at ${k.server}` }
      : {
          name: 'API server',
          ok: false,
          detail: v.message,
          fix: t`Check that the cluster is running and the context is the right one (${commandInText(getContexts)})`,
        },
  );
  const n = probe.nodes;
  if (!n) return lines;
  if (!n.ok)
    lines.push({
      name: 'nodes',
      ok: false,
      detail: n.message,
      fix: t`Listing nodes needs a context with cluster-wide read access`,
    });
  else if (n.total === 0)
    lines.push({
      name: 'nodes',
      ok: false,
      detail: t`the cluster has no nodes, so no pod can run`,
      fix: t`Add a node group (${commandInText(createNodegroup)})`,
    });
  else if (n.ready === 0)
    lines.push({
      name: 'nodes',
      ok: false,
      detail: t`${n.total} node(s), none Ready`,
      fix: t`Look at the nodes with ${commandInText(describeNodes)}`,
    });
  else
    lines.push({
      name: 'nodes',
      ok: true,
      detail: t`${n.ready} of ${n.total} Ready (${n.names.slice(0, 3).join(', ')}${n.names.length > 3 ? ', …' : ''})`,
    });
  return lines;
}

/**
 * Where the AWS SDK's default chain would find credentials, by name only: no value is read
 * into this structure, so nothing secret can be shown or logged. Whether they are valid is
 * asked of STS by the IAM step.
 */
export interface AwsCredentialSources {
  /** AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are both set. */
  envKeys: boolean;
  /** AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN (IRSA, CI). */
  webIdentity: boolean;
  /** AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI (ECS, Pod Identity). */
  container: boolean;
  /** AWS_PROFILE, else 'default'. */
  profile: string;
  /** The profile's keys in ~/.aws/credentials and ~/.aws/config (names only), when it is defined. */
  profileKeys: string[] | undefined;
}

const PROFILE_CREDENTIAL_KEYS = [
  'aws_access_key_id',
  'sso_session',
  'sso_start_url',
  'credential_process',
  'role_arn',
  'web_identity_token_file',
  'credential_source',
  'login_session',
];

export function awsCredentialsLine(s: AwsCredentialSources): CheckLine {
  const name = 'AWS credentials';
  if (s.envKeys)
    return { name, ok: true, detail: t`from the environment (AWS_ACCESS_KEY_ID); validity is checked by the IAM step` };
  if (s.webIdentity) return { name, ok: true, detail: t`from a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE)` };
  if (s.container) return { name, ok: true, detail: t`from the container credentials endpoint` };
  const keys = s.profileKeys;
  if (keys && keys.some((k) => PROFILE_CREDENTIAL_KEYS.includes(k))) {
    const how = keys.includes('aws_access_key_id')
      ? t`access keys`
      : keys.some((k) => k.startsWith('sso_'))
        ? t`IAM Identity Center (SSO)`
        : keys.includes('credential_process')
          ? t`a credential process`
          : t`an assumed role`;
    return { name, ok: true, detail: t`profile ${s.profile} (${how}); validity is checked by the IAM step` };
  }
  const fix = t`Run ${commandInText(configure)} (access keys) or ${commandInText(configureSso)}, or set AWS_PROFILE \
to a configured profile`;
  if (keys)
    return {
      name,
      ok: false,
      detail: t`profile ${s.profile} has no credentials (no access key, SSO, role or credential process)`,
      fix,
    };
  return {
    name,
    ok: false,
    detail:
      s.profile === 'default'
        ? t`none found: no AWS_* variables and no default profile in ~/.aws`
        : t`profile ${s.profile} (AWS_PROFILE) is not defined in ~/.aws/credentials or ~/.aws/config`,
    fix,
  };
}

/** The keys of one profile in an AWS shared config or credentials file ('profile NAME' sections in config). */
export function awsProfileKeys(text: string, profile: string, isConfigFile: boolean): string[] | undefined {
  const wanted = isConfigFile && profile !== 'default' ? `profile ${profile}` : profile;
  let inSection = false;
  let found = false;
  const keys: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (section) {
      inSection = section[1] === wanted;
      found ||= inSection;
      continue;
    }
    const key = /^([A-Za-z0-9_]+)\s*=/.exec(line)?.[1];
    if (inSection && key) keys.push(key.toLowerCase());
  }
  return found ? keys : undefined;
}
