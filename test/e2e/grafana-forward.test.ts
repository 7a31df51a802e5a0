// Forward Grafana in the packaged extension (code-server + Chromium) against the real control plane:
// the Start Port-Forward command's Grafana preset forwards the kube-prometheus-stack Service
// (prometheus-grafana in the monitoring namespace set in the settings, port 80 → a kwok pod's 3000),
// then opens the lab's dashboard at /d/obslab-lab/observability-lab and names the command that
// prints the admin password. Grafana itself cannot be built here (no npm package or Go module
// gives its UI), so the pod's port is an HTTP server that records which path the browser asked
// for, as the app's forward test does for the app. Screen: test-results/forward-grafana.png.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { labDashboardPath } from '../../src/core/grafana/labDashboard';
import { kubePrometheusStackNames } from '../../src/core/kube/kubePrometheusStackNames';
import { packageExtension, startCodeServer, type RunningCodeServer } from '../harness/codeserver';
import type { RunningKube } from '../harness/kube';
import { waitFor } from '../harness/lib';
import { sharedKube, uniqueNamespace } from '../support/kube';
import {
  clearToasts,
  dialog,
  pick,
  resultsDir,
  runCommand,
  screenshot,
  toast,
  openWorkbench,
} from '../support/workbench';

describe('Forward Grafana in the workbench opens the lab dashboard and names the password command', function () {
  this.timeout(5 * 60_000);
  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let workspace: string;
  let kube: RunningKube;
  let grafana: Server;
  const asked: string[] = [];
  const namespace = uniqueNamespace('e2e-grafana');
  const service = kubePrometheusStackNames('prometheus').grafanaService;

  before(async function () {
    this.timeout(20 * 60_000);
    mkdirSync(resultsDir, { recursive: true });
    const vsix = await packageExtension();
    kube = await sharedKube();
    grafana = createServer((req, res) => {
      asked.push(req.url ?? '');
      res.setHeader('content-type', 'text/html');
      res.end('<!doctype html><title>Grafana</title><h1>Observability Lab</h1>');
    });
    await new Promise<void>((resolve) => grafana.listen(0, '127.0.0.1', resolve));
    const address = grafana.address();
    assert.ok(address && typeof address === 'object');
    // What the chart installs, reduced to what a forward needs: its Service (port 80 named
    // http-web → 3000) and a Ready pod behind it (kwok), whose port 3000 kwok forwards to our server.
    await kube.kubectl(['apply', '-f', '-'], {
      input: [
        `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${namespace}`,
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${service}\n  namespace: ${namespace}\nspec:\n  replicas: 1\n` +
          `  selector:\n    matchLabels: {app.kubernetes.io/name: grafana}\n  template:\n    metadata:\n      labels: {app.kubernetes.io/name: grafana}\n` +
          `    spec:\n      containers:\n        - name: grafana\n          image: docker.io/grafana/grafana:13.2.0\n          ports: [{name: grafana, containerPort: 3000}]`,
        `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${service}\n  namespace: ${namespace}\nspec:\n` +
          `  selector: {app.kubernetes.io/name: grafana}\n  ports: [{name: http-web, port: 80, targetPort: 3000}]`,
        `apiVersion: kwok.x-k8s.io/v1alpha1\nkind: ClusterPortForward\nmetadata:\n  name: ${namespace}\nspec:\n` +
          `  selector:\n    matchNamespaces: [${namespace}]\n  forwards:\n    - ports: [3000]\n      target:\n        address: 127.0.0.1\n        port: ${address.port}`,
      ].join('\n---\n'),
    });
    await kube.kubectl(['rollout', 'status', '-n', namespace, `deployment/${service}`, '--timeout=120s'], {
      timeoutMs: 150_000,
    });
    workspace = mkdtempSync(join(tmpdir(), 'obslab-e2e-grafana-'));
    server = await startCodeServer({
      name: 'codeserver-e2e-grafana',
      workspace,
      vsix,
      env: { KUBECONFIG: kube.kubeconfig },
      settings: {
        'chat.disableAIFeatures': true,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'obslab.monitoringNamespace': namespace,
        'obslab.helmRelease': 'prometheus',
      },
    });
    ({ browser, page } = await openWorkbench(server.url));
    // The walkthrough opens on the first start and takes the focus (a quick pick open then closes):
    // let it open, then close it.
    await page.locator('.getting-started-step.expanded').waitFor({ state: 'visible', timeout: 90_000 });
    await runCommand(page, 'View: Close All Editors');
  });

  after(async function () {
    this.timeout(60_000);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
    await new Promise<void>((resolve) => (grafana ? grafana.close(() => resolve()) : resolve()));
    await kube?.kubectl(['delete', 'clusterportforward', namespace, '--ignore-not-found']).catch(() => undefined);
    await kube?.kubectl(['delete', 'namespace', namespace, '--wait=false']).catch(() => undefined);
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && page)
      await page.screenshot({ path: join(resultsDir, 'failed-forward-grafana.png') }).catch(() => undefined);
  });

  it('forwards Grafana, opens /d/obslab-lab/observability-lab in the browser and shows the kubectl command for the password', async () => {
    await clearToasts(page);
    await runCommand(page, 'Observability Lab: Start Port-Forward');
    await pick(page, 'Start Port-Forward', 'Grafana');
    const opened = toast(page, /Grafana on http:\/\/127\.0\.0\.1:\d+/);
    // 3000 may be taken on this machine: then the command offers the next free port.
    await waitFor(
      'the forward to start, or the port question',
      async () => (await opened.count()) > 0 || (await dialog(page).isVisible()),
      90_000,
    );
    if (await dialog(page).isVisible())
      await dialog(page)
        .locator('.monaco-button')
        .filter({ hasText: /^Use \d+$/ })
        .click();
    await opened.first().waitFor({ state: 'visible', timeout: 90_000 });
    const text = await opened.first().innerText();
    assert.ok(text.includes(labDashboardPath), text);
    assert.match(text, /Sign in as admin; this prints the password: `kubectl -n \S+ get secret prometheus-grafana/);
    assert.match(text, /admin-password/);
    // The browser asked Grafana (through our forward) for the dashboard's page.
    await waitFor(
      'the browser to open the dashboard through the forward',
      async () => asked.includes(labDashboardPath),
      60_000,
    );
    await page.bringToFront();
    await screenshot(page, 'forward-grafana');
    await runCommand(page, 'Observability Lab: Stop All Port-Forwards');
  });
});
