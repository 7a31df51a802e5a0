// npm run bench: every cost we claim, each printed as a ratio against a peer measured in the
// same run or against its goal. No timed assertions live in tests.
import { benchDoctor } from './doctor';
import { benchExplain } from './explain';
import { benchExtension } from './extension';
import { benchLint } from './lint';
import { benchLintProcess } from './lintProcess';
import { benchLoadtest } from './loadtest';
import { benchKubeApply } from './kubeApply';
import { benchPipeline } from './pipeline';
import { benchPortForward } from './portForward';
import { benchRender } from './render';
import { benchSandbox } from './sandbox';

async function main(): Promise<void> {
  console.log('== extension');
  benchExtension();
  console.log('\n== lint');
  benchLint();
  await benchLintProcess();
  await benchPipeline();
  console.log('\n== load test (127.0.0.1 only, each run bounded in time)');
  await benchLoadtest();
  console.log('\n== sandbox and queries');
  await benchSandbox();
  await benchRender();
  await benchExplain();
  console.log('\n== Kubernetes (the local control plane, 127.0.0.1)');
  await benchKubeApply();
  await benchPortForward();
  console.log('\n== doctor (the healthy sandbox and the local control plane)');
  await benchDoctor();
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
