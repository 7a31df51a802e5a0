// The question Start Sandbox (and `obslab sandbox up --lab`) asks before running a lab folder's
// code: which files run, which get installed, which configure the collector, and what the
// programs may see. Asked once per folder and content; a changed file asks again.
import { t } from '../text/l10n';

/** One file of the lab the sandbox reads, relative to the lab folder, and what is done with it. */
export interface SandboxInputFile {
  path: string;
  role: 'app' | 'app-module' | 'requirements' | 'collector-config' | 'app-manifest';
}

/** "<file>: what is done with it", one line of the question. */
function roleLine(role: SandboxInputFile['role'], file: string): string {
  switch (role) {
    case 'app':
      return t`${file}: runs with Python under OpenTelemetry`;
    case 'app-module':
      return t`${file}: in the app's folder, which the app runs from (it can import or read it)`;
    case 'requirements':
      return t`${file}: installed with pip (a package's own setup code runs too)`;
    case 'collector-config':
      return t`${file}: the collector's config (its listeners moved to 127.0.0.1; no ${'${env:…}'}, ${'${file:…}'} \
or ${'${http…}'} allowed)`;
    case 'app-manifest':
      return t`${file}: the app's OTEL_* settings are read from it`;
  }
}

export interface SandboxQuestion {
  message: string;
  detail: string;
  /** The button (editor) that says yes. */
  run: string;
}

export function sandboxQuestion(lab: string, files: readonly SandboxInputFile[]): SandboxQuestion {
  const modules = files.filter((f) => f.role === 'app-module');
  const listed = files.filter((f) => f.role !== 'app-module').map((f) => `  ${roleLine(f.role, f.path)}`);
  if (modules.length)
    listed.push(
      `  ${roleLine('app-module', modules.length === 1 ? (modules[0]?.path ?? '') : t`${modules.length} more files in ${'app/'}`)}`,
    );
  return {
    message: t`Run the code in ${lab} on this machine?`,
    detail: [
      t`Start Sandbox runs these files of the lab folder, with your user's permissions:`,
      ...listed,
      '',
      t`The app, pip, the collector and Prometheus get a minimal environment (PATH, HOME, language, temp folder, \
proxies, and the OTEL_* settings the app needs): no AWS_* or other credentials from this window. Everything \
listens on 127.0.0.1 only.`,
      t`Run code only from folders whose authors you trust. You are asked again when one of these files changes.`,
    ].join('\n'),
    run: t`Run Sandbox`,
  };
}
