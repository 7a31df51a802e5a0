// npm start: open the lab as soon as the workbench can run: the extension in code-server on
// 127.0.0.1 (behind a password) with the walkthrough open. What the walkthrough's first steps do
// not need (the sandbox's Prometheus and collector, the local Kubernetes control plane when no
// cluster of the student's own is configured, helm, JMeter) builds and starts behind it, in a
// daemon of its own (test/harness/prepare.ts); the workbench shows its progress in a "Lab setup"
// status-bar item and output channel. `npm run stop` ends them all.
import { setupWorkbench } from './setup.mjs';
import { sh, step } from './lib.mjs';

const t0 = Date.now();
setupWorkbench();
step('start building the rest in the background (the sandbox, the control plane, helm, JMeter)');
// A prepare left running by an earlier start goes first: one build at a time.
sh('npx', ['--no-install', 'tsx', 'test/harness/cli.ts', 'prepare', 'down'], { allowFail: true });
sh('npx', ['--no-install', 'tsx', 'test/harness/cli.ts', 'prepare', 'up']);
step('start code-server with the extension');
sh('npx', ['--no-install', 'tsx', 'test/harness/cli.ts', 'codeserver', 'up']);
// code-server asks for the password printed with its address (a new one each start, kept in a
// file only this user can read): on a shared machine other accounts reach 127.0.0.1 too.
process.stdout.write(
  `\nThe workbench was ready after ${Math.round((Date.now() - t0) / 1000)} s. Open the code-server address above in a browser ` +
    'and sign in with the password printed beside it. The status bar\'s "Lab setup" item shows what is still being built ' +
    '(the sandbox, the local control plane, helm, JMeter); its log: npm run harness -- prepare status. Stop everything with: npm run stop\n',
);
