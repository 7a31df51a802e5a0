// npm start: set up what is missing, build, and open the lab: the extension running in
// code-server on 127.0.0.1, with the walkthrough open. Stop it with `npm run harness -- codeserver down`.
import { setup } from './setup.mjs';
import { sh, step } from './lib.mjs';

setup();
step('start code-server with the extension');
sh('npx', ['--no-install', 'tsx', 'test/harness/cli.ts', 'codeserver', 'up']);
process.stdout.write('\nOpen the address above in a browser. Stop with: npm run harness -- codeserver down\n');
