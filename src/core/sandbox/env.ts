// The environment each sandbox program gets: a short allow-list from ours plus what that program
// needs, never the whole of it. The sandbox runs a lab folder's app, pip on its requirements and a
// collector on its config; none of them may see AWS keys, tokens or anything else the editor or
// the shell happens to hold.

export type SandboxProgram = 'app' | 'pip' | 'collector' | 'prometheus';

type Env = Readonly<Record<string, string | undefined>>;

/** Every program: finding programs, a home, the language, a temp folder, and the way out through a proxy. */
const everyone = /^(PATH|HOME|LANG|LANGUAGE|TMPDIR|TZ|LC_[A-Z_]+|(HTTP|HTTPS|NO|ALL)_PROXY|(http|https|no|all)_proxy)$/;

/** pip also needs its own settings (a mirror, a certificate) to reach a package index. */
const pipOnly = /^(PIP_[A-Z0-9_]+|SSL_CERT_FILE|SSL_CERT_DIR|REQUESTS_CA_BUNDLE)$/;

/** What never passes, even when named below: cloud credentials and their pointers. */
const never = /^(AWS_|AMAZON_|AZURE_|GOOGLE_|GCP_|KUBECONFIG$)/;

/** The app takes only OpenTelemetry settings from its Deployment; its address and the collector's are ours. */
const appFromDeployment = /^OTEL_/;

export interface SandboxEnvInput {
  /** Literal env of the lab's Deployment (k8s/app.yaml); only OTEL_* is used, for the app. */
  deployment?: Readonly<Record<string, string>>;
  /** What the sandbox itself sets for this program (wins over the rest). */
  set?: Readonly<Record<string, string>>;
}

/** The environment for one sandbox program, from `parent` (the editor's or the CLI's). */
export function sandboxEnv(program: SandboxProgram, parent: Env, input: SandboxEnvInput = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined || never.test(name)) continue;
    if (everyone.test(name) || (program === 'pip' && pipOnly.test(name))) out[name] = value;
  }
  if (program === 'app') {
    for (const [name, value] of Object.entries(input.deployment ?? {}))
      if (appFromDeployment.test(name)) out[name] = value;
  }
  for (const [name, value] of Object.entries(input.set ?? {})) if (!never.test(name)) out[name] = value;
  return out;
}
