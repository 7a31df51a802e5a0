// Show Collector Pipelines reading a collector in the cluster through a port-forward, in the
// packaged extension (code-server + Chromium) against the real control plane: the student forwards
// the collector's telemetry port with Start Port-Forward (Other Service…), and the view of the
// lab's collector ConfigMap then says it reads through that forward and shows the figures of a real
// collector (harness-built 0.155.0) standing behind the Service (test/support/collectorInCluster.ts).
// Screen: test-results/pipeline-view-forward.png.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { packageExtension, startCodeServer, type RunningCodeServer } from '../harness/codeserver';
import type { RunningKube } from '../harness/kube';
import { freePort } from '../harness/lib';
import { collectorVersions, startCollector, type RunningCollector } from '../harness/otelcol';
import { collectorBehindService, telemetryCollectorConfig } from '../support/collectorInCluster';
import { sendOtlpMetrics } from '../support/otlpExport';
import { sharedKube, uniqueNamespace } from '../support/kube';
import {
  afterFirstStartWalkthrough,
  answerInput,
  expectToast,
  openFile,
  openWorkbench,
  pick,
  resultsDir,
  runCommand,
  screenshot,
  createLabFiles,
} from '../support/workbench';

describe('Show Collector Pipelines in the workbench, live through a port-forward to a collector in the cluster', function () {
  this.timeout(6 * 60_000);
  const version = collectorVersions.recent;
  const namespace = uniqueNamespace('e2e-pipe');
  const forward = `${namespace}-to-collector`;
  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let workspace: string;
  let kube: RunningKube;
  let collector: RunningCollector | undefined;
  let otlpHttp = 0;

  before(async function () {
    this.timeout(150 * 60_000);
    mkdirSync(resultsDir, { recursive: true });
    const [vsix, k] = await Promise.all([packageExtension(), sharedKube()]);
    kube = k;
    otlpHttp = await freePort();
    const telemetry = await freePort();
    collector = await startCollector(version, telemetryCollectorConfig(otlpHttp, telemetry));
    await kube.kubectl(['apply', '-f', '-'], { input: collectorBehindService(namespace, forward, version, telemetry) });
    await kube.kubectl(['rollout', 'status', '-n', namespace, 'deployment/otel-collector', '--timeout=120s'], {
      timeoutMs: 150_000,
    });
    workspace = mkdtempSync(join(tmpdir(), 'obslab-e2e-pipe-forward-'));
    server = await startCodeServer({
      name: 'codeserver-e2e-pipe-forward',
      workspace,
      vsix,
      env: { KUBECONFIG: kube.kubeconfig },
      settings: {
        'chat.disableAIFeatures': true,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'workbench.startupEditor': 'none',
      },
    });
    ({ browser, page } = await openWorkbench(server.url, { width: 1600, height: 1000 }));
  });

  after(async function () {
    this.timeout(120_000);
    // The window's forwards close with it; the collector and the cluster's objects are ours to end.
    await browser?.close().catch(() => undefined);
    await server?.stop();
    await collector?.stop();
    await kube?.kubectl(['delete', 'clusterportforward', forward, '--ignore-not-found']).catch(() => undefined);
    await kube
      ?.kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found'])
      .catch(() => undefined);
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page)
      await page.screenshot({ path: join(resultsDir, 'failed-pipeline-forward.png') }).catch(() => undefined);
  });

  const view = (): FrameLocator => page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');

  it("forwards the collector's telemetry port, and the view reads its figures through that forward", async () => {
    await afterFirstStartWalkthrough(page);
    await createLabFiles(page);

    // The chart's Service port 8888 (its telemetry), forwarded as a student would with kubectl.
    const local = await freePort();
    await runCommand(page, 'Observability Lab: Start Port-Forward');
    await pick(page, 'Start Port-Forward', 'Other Service…');
    await answerInput(page, '(1/3)', namespace);
    await answerInput(page, '(2/3)', 'otel-collector');
    await answerInput(page, '(3/3)', `${local}:8888`);
    await expectToast(
      page,
      new RegExp(`${namespace}/svc/otel-collector on http://127\\.0\\.0\\.1:${local} \\(pod otel-collector-`),
      120_000,
      async () => kube.kubectl(['get', 'pods,endpoints', '-n', namespace, '-o', 'wide']),
    );

    // Three export requests of 5 points: the collector counts 15 accepted.
    await sendOtlpMetrics(otlpHttp, 3, 5, { service: 'e2e-pipeline-forward', kind: 'gauge' });

    await openFile(page, 'lab/k8s/otel-collector-config.yaml');
    await runCommand(page, 'Observability Lab: Show Collector Pipelines');
    await view().locator('svg#graph').waitFor({ state: 'visible', timeout: 60_000 });
    await view()
      .locator('#live')
      .filter({
        hasText: new RegExp(
          `Live: the port-forward to ${namespace}/svc/otel-collector:8888 \\(http://127\\.0\\.0\\.1:${local}/metrics\\)`,
        ),
      })
      .waitFor({ timeout: 60_000 });
    const receiver = view().locator('g.node[data-node="metrics|receiver|otlp"] text.figures');
    await receiver.filter({ hasText: /accepted 15\b/ }).waitFor({ timeout: 60_000 });
    await screenshot(page, 'pipeline-view-forward');
  });
});
