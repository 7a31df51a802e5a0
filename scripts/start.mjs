// npm start: set up what is missing, build, and open the lab: the extension running in
// code-server on 127.0.0.1 with the walkthrough open, and the local sandbox (app → collector →
// Prometheus) running beside it. `npm run stop` ends both.
import { setup } from './setup.mjs';
import { sh, step } from './lib.mjs';

setup();
step('start code-server with the extension');
sh('npx', ['--no-install', 'tsx', 'test/harness/cli.ts', 'codeserver', 'up']);
step('start the sandbox (app → collector → Prometheus)');
// The workbench is useful without the sandbox; say why it did not start and go on.
const sandbox = sh('npx', ['--no-install', 'tsx', 'test/harness/cli.ts', 'sandbox', 'up'], { allowFail: true });
if (sandbox !== 0) process.stdout.write('The sandbox did not start (see above); the walkthrough works without it. Start it later with "Observability Lab: Start Sandbox".\n');
process.stdout.write('\nOpen the code-server address above in a browser. Stop everything with: npm run stop\n');
