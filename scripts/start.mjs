// npm start: set up what is missing, build, and open the lab: the extension running in
// code-server on 127.0.0.1 (behind a password) with the walkthrough open, the local sandbox (app → collector →
// Prometheus) running beside it, and, when no cluster of the student's own is configured, a local
// Kubernetes control plane for the cluster steps. `npm run stop` ends them all.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setup } from './setup.mjs';
import { sh, step } from './lib.mjs';

setup();
if (!process.env.KUBECONFIG && !existsSync(join(homedir(), '.kube', 'config'))) {
  step('start the local Kubernetes control plane (no kubeconfig of your own was found)');
  const kube = sh('npx', ['--no-install', 'tsx', 'test/harness/cli.ts', 'kube', 'up'], { allowFail: true });
  if (kube !== 0)
    process.stdout.write('The local control plane did not start (see above); the cluster steps need a cluster.\n');
}
step('start code-server with the extension');
sh('npx', ['--no-install', 'tsx', 'test/harness/cli.ts', 'codeserver', 'up']);
step('start the sandbox (app → collector → Prometheus)');
// The workbench is useful without the sandbox; say why it did not start and go on.
const sandbox = sh('npx', ['--no-install', 'tsx', 'test/harness/cli.ts', 'sandbox', 'up'], { allowFail: true });
if (sandbox !== 0)
  process.stdout.write(
    'The sandbox did not start (see above); the walkthrough works without it. Start it later with "Observability Lab: Start Sandbox".\n',
  );
// code-server asks for the password printed with its address (a new one each start, kept in a
// file only this user can read): on a shared machine other accounts reach 127.0.0.1 too.
process.stdout.write(
  '\nOpen the code-server address above in a browser and sign in with the password printed beside it. Stop everything with: npm run stop\n',
);
