// What the lab needs installed, how to ask each tool its version, and what to tell the student
// when it is missing. The probing itself (running programs) happens in src/node/tools.ts.
import { parse } from 'yaml';

export interface ToolSpec {
  name: string;
  args: string[];
  purpose: string;
  fix: string;
  parseVersion(output: string): string | undefined;
}

const firstMatch = (re: RegExp) => (out: string) => re.exec(out)?.[1];

export const tools: ToolSpec[] = [
  {
    name: 'kubectl',
    args: ['version', '--client', '--output=json'],
    purpose: 'apply manifests, watch rollouts, port-forward',
    fix: 'Install kubectl: https://kubernetes.io/docs/tasks/tools/',
    parseVersion: (out) => {
      try {
        return (JSON.parse(out) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion;
      } catch {
        return firstMatch(/(v\d+\.\d+\.\d+\S*)/)(out);
      }
    },
  },
  { name: 'helm', args: ['version', '--short'], purpose: 'install kube-prometheus-stack (Task 2)', fix: 'Install Helm 3: https://helm.sh/docs/intro/install/', parseVersion: firstMatch(/(v\d+\.\d+\.\d+)/) },
  { name: 'aws', args: ['--version'], purpose: 'create the IAM policy (Task 1), inspect the role (Task 4)', fix: 'Install AWS CLI v2 and run `aws configure`: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html', parseVersion: firstMatch(/aws-cli\/(\S+)/) },
  { name: 'eksctl', args: ['version'], purpose: 'associate the OIDC provider and create the IRSA ServiceAccount (Task 1)', fix: 'Install eksctl: https://eksctl.io/installation/', parseVersion: firstMatch(/(\d+\.\d+\.\d+\S*)/) },
  { name: 'docker', args: ['--version'], purpose: 'build the app image from app/Dockerfile (Task 3)', fix: 'Install Docker or another image builder, or use an image built elsewhere', parseVersion: firstMatch(/version (\d+\.\d+\.\d+)/) },
  { name: 'jmeter', args: ['--version'], purpose: 'run the load test (Task 5)', fix: 'Install Apache JMeter 5.6.3 and put its bin/ on PATH: https://jmeter.apache.org/download_jmeter.cgi', parseVersion: firstMatch(/(\d+\.\d+(?:\.\d+)?)/) },
];

export type ProbeResult = { found: true; output: string } | { found: false; reason: 'missing' | 'failed'; detail: string };

export interface CheckLine {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

export function toolLine(spec: ToolSpec, probe: ProbeResult): CheckLine {
  if (probe.found) {
    const version = spec.parseVersion(probe.output);
    return { name: spec.name, ok: true, detail: `${version ?? 'found'} (${spec.purpose})` };
  }
  if (probe.reason === 'missing') return { name: spec.name, ok: false, detail: `not found on PATH; needed to ${spec.purpose}`, fix: spec.fix };
  return { name: spec.name, ok: false, detail: `found but it failed: ${probe.detail}`, fix: spec.fix };
}

/** The kubeconfig's current context, or why there is none. */
export function kubeconfigLine(path: string, text: string | undefined): CheckLine {
  const fix = 'Create it with `aws eks update-kubeconfig --name <cluster> --region <region>`';
  if (text === undefined) return { name: 'kubeconfig', ok: false, detail: `${path} not found`, fix };
  let doc: unknown;
  try {
    doc = parse(text, { maxAliasCount: 100 });
  } catch (e) {
    return { name: 'kubeconfig', ok: false, detail: `${path} is not valid YAML: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, fix };
  }
  const current = typeof doc === 'object' && doc !== null ? (doc as { 'current-context'?: unknown })['current-context'] : undefined;
  if (typeof current !== 'string' || current === '') return { name: 'kubeconfig', ok: false, detail: `${path} has no current context`, fix: 'Choose one with `kubectl config use-context <name>`' };
  return { name: 'kubeconfig', ok: true, detail: `${path}, current context ${current}` };
}

export function summarize(lines: CheckLine[]): string {
  const missing = lines.filter((l) => !l.ok).map((l) => l.name);
  return missing.length ? `${lines.length - missing.length} of ${lines.length} ready; missing or failing: ${missing.join(', ')}` : `all ${lines.length} ready`;
}
