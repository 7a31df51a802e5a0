// Clean Up against the real control plane: only what our field manager applied goes, a namespace
// goes only when nothing foreign is left in it, the Helm releases the lab's steps installed (and
// labelled) are uninstalled with real helm while any other is kept and named, and a second run
// finds nothing to do.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { helmBin, helmVersions, installHelm, realChartDir, realCharts } from '../harness/helm';
import { renderLab } from '../support/lab';
import { helmSteps } from '../../src/core/helm/helm';
import { collectorChart } from '../../src/core/helm/collectorChart';
import type { RunningKube } from '../harness/kube';
import { sharedKube, uniqueNamespace } from '../support/kube';
import { applyChartCrds } from '../support/kubePrometheusStack';
import { describePlan, planIsEmpty, type CleanupPlan } from '../../src/core/kube/cleanup';
import { loadKube, type LoadedKube } from '../../src/node/kube/config';
import { cleanupFailed, planClusterCleanup, runCleanup } from '../../src/node/kube/cleanup';
import { runCleanupCommand } from '../../src/cli/cleanup';
import { runHelm, runHelmSteps, uninstallRelease } from '../../src/node/helm/helm';

describe('Clean Up against a real API server', function () {
  this.timeout(150 * 60_000);
  let k: RunningKube;
  let loaded: LoadedKube;
  const ours = uniqueNamespace('lab-ours');
  const shared = uniqueNamespace('lab-shared');
  const crowded = uniqueNamespace('lab-crowded');
  const mine = [ours, shared, crowded];

  const applyAs = (manager: string, yaml: string): Promise<string> =>
    k.kubectl(['apply', '--server-side', `--field-manager=${manager}`, '-f', '-'], { input: yaml });
  /** The plan for this file's namespaces only: other files' objects in the shared cluster are not ours to delete here. */
  const scoped = (plan: CleanupPlan): CleanupPlan => {
    const inMine = (ns: string | undefined, name: string): boolean => mine.includes(ns ?? '') || mine.includes(name);
    return {
      objects: plan.objects.filter((o) => inMine(o.namespace, o.name)),
      namespaces: plan.namespaces.filter((o) => mine.includes(o.name)),
      releases: plan.releases.filter((r) => mine.includes(r.namespace)),
      kept: plan.kept.filter((x) => inMine(x.object.namespace, x.object.name)),
      keptReleases: plan.keptReleases.filter((x) => mine.includes(x.release.namespace)),
    };
  };

  // Apply labels bare objects such as these namespaces: server-side apply keeps no owner for an
  // object whose body sets no field beyond its name (see MANAGED_BY_LABEL).
  before(async () => {
    k = await sharedKube();
    loaded = loadKube({ kubeconfig: k.kubeconfig });
    // A namespace the lab made, holding only lab objects (a Deployment whose pods kwok runs, a Service, a ServiceMonitor).
    await applyAs(
      'obslab',
      `apiVersion: v1
kind: Namespace
metadata: {name: ${ours}, labels: {app.kubernetes.io/managed-by: obslab}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: ${ours}}
data: {a: "1"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: ${ours}}
spec:
  replicas: 1
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec: {containers: [{name: app, image: example.invalid/app:1}]}
---
apiVersion: v1
kind: Service
metadata: {name: app, namespace: ${ours}, labels: {app: app}}
spec: {selector: {app: app}, ports: [{name: http, port: 80, targetPort: 5000}]}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: app, namespace: ${ours}}
spec: {selector: {matchLabels: {app: app}}, endpoints: [{port: http}]}
`,
    );
    // A namespace someone else made, with one lab ConfigMap in it.
    await applyAs('kubectl', `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${shared}}\n`);
    await applyAs(
      'obslab',
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lab, namespace: ${shared}}\ndata: {a: "1"}\n`,
    );
    // A lab namespace where the student also put something by hand, and an object both tools applied.
    await applyAs(
      'obslab',
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${crowded}, labels: {app.kubernetes.io/managed-by: obslab}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: both, namespace: ${crowded}}\ndata: {a: "1"}\n`,
    );
    await applyAs(
      'kubectl',
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: both, namespace: ${crowded}}\ndata: {b: "2"}\n`,
    );
    await applyAs(
      'kubectl',
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: by-hand, namespace: ${crowded}}\ndata: {c: "3"}\n`,
    );
    await k.kubectl(['rollout', 'status', '-n', ours, 'deployment/app', '--timeout=120s']);
  });

  after(async () => {
    await k.kubectl(['delete', 'namespace', ...mine, '--ignore-not-found', '--wait=false']).catch(() => undefined);
  });

  it('lists exactly what the lab created, and what it keeps and why', async () => {
    const plan = scoped(await planClusterCleanup(loaded, []));
    const names = plan.objects.map((o) => `${o.kind} ${o.namespace}/${o.name}`);
    assert.deepEqual(names, [
      `ServiceMonitor ${ours}/app`,
      `Deployment ${ours}/app`,
      `Service ${ours}/app`,
      `ConfigMap ${ours}/settings`,
      `ConfigMap ${shared}/lab`,
    ]);
    assert.deepEqual(
      plan.namespaces.map((n) => n.name),
      [ours],
      JSON.stringify(plan.kept.map((x) => x.reason)),
    );
    const kept = plan.kept.map((x) => `${x.object.kind} ${x.object.name}: ${x.reason}`).sort();
    assert.deepEqual(kept, [
      `ConfigMap both: also managed by kubectl`,
      `Namespace ${crowded}: it holds 2 object(s) the lab did not create (ConfigMap both, ConfigMap by-hand)`,
    ]);
    const text = describePlan(plan);
    assert.match(text, new RegExp(`delete Namespace ${ours}`));
    assert.doesNotMatch(text, new RegExp(`delete Namespace ${shared}`));
  });

  it('deletes it, leaves everything else, and a second run finds nothing to do', async () => {
    const plan = scoped(await planClusterCleanup(loaded, []));
    const steps = await runCleanup(loaded, plan, { namespaceWaitMs: 60_000 });
    assert.equal(cleanupFailed(steps), false, JSON.stringify(steps));
    assert.equal(steps.length, 6);
    await assert.rejects(k.kubectl(['get', 'namespace', ours]), /NotFound/);
    assert.match(await k.kubectl(['get', 'namespace', shared, '-o', 'name']), /namespace\//);
    await assert.rejects(k.kubectl(['get', 'configmap', '-n', shared, 'lab']), /NotFound/);
    assert.match(
      await k.kubectl(['get', 'configmap', '-n', crowded, 'both', 'by-hand', '-o', 'name']),
      /both[\s\S]*by-hand/,
    );
    assert.ok(planIsEmpty(scoped(await planClusterCleanup(loaded, []))));
  });

  it("uninstalls both releases the lab's Helm steps installed (helm 4 and helm 3), keeps and names a stray release, and a second run is harmless", async () => {
    for (const v of Object.values(helmVersions)) await installHelm(v);
    // The real charts the lab installs (test/harness/helm.ts realChartDir).
    const chartDir = await realChartDir(realCharts.kubePrometheusStack);
    const collectorChartDir = await realChartDir(realCharts.collector);
    // Helm 4 applies a chart's CRDs server-side and stops at the control plane's older ServiceMonitor CRD (kubectl's fields).
    await applyChartCrds(k, chartDir);
    const ns = uniqueNamespace('lab-helm');
    const strayNs = uniqueNamespace('lab-stray');
    mine.push(ns, strayNs);
    // The lab's namespaces file made this namespace; both Helm steps install into it.
    await applyAs(
      'obslab',
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}, labels: {app.kubernetes.io/managed-by: obslab}}\n`,
    );
    const home = mkdtempSync(join(tmpdir(), 'obslab-cleanup-helm-'));
    const env = {
      ...process.env,
      HELM_CONFIG_HOME: join(home, 'c'),
      HELM_CACHE_HOME: join(home, 'k'),
      HELM_DATA_HOME: join(home, 'd'),
    };
    try {
      const collectorValues = join(home, 'otel-collector-values.yaml');
      writeFileSync(
        collectorValues,
        renderLab({ helmRelease: 'prometheus' }).get('helm/otel-collector-values.yaml')?.content ?? '',
      );
      // The Helm steps as the lab runs them (helmSteps: upgrade --install --labels obslab.dev/lab=true), kube-prometheus-stack with helm 4 and the collector with helm 3.
      const stack = await runHelmSteps(
        helmBin(helmVersions.current),
        helmSteps({
          release: 'prometheus',
          namespace: ns,
          chart: { kind: 'path', path: chartDir },
          valuesFiles: [],
          kubeconfig: k.kubeconfig,
          wait: false,
        }),
        { env },
      );
      assert.ok(stack.ok, stack.ok ? '' : stack.run.output);
      const collector = await runHelmSteps(
        helmBin(helmVersions.previous),
        helmSteps({
          release: collectorChart.labRelease,
          namespace: ns,
          chart: { kind: 'path', path: collectorChartDir },
          valuesFiles: [collectorValues],
          kubeconfig: k.kubeconfig,
          wait: false,
        }),
        { env },
      );
      assert.ok(collector.ok, collector.ok ? '' : collector.run.output);
      // An upgrade without the flag (as a student might run by hand) keeps the label.
      const byHand = await runHelm(
        helmBin(),
        ['upgrade', 'prometheus', chartDir, '--namespace', ns, '--kubeconfig', k.kubeconfig],
        { env },
      );
      assert.equal(byHand.code, 0, byHand.output);
      // A release someone installed with plain helm, under the name the settings give.
      const stray = await runHelm(
        helmBin(),
        [
          'upgrade',
          '--install',
          'kps',
          chartDir,
          '--namespace',
          strayNs,
          '--create-namespace',
          '--kubeconfig',
          k.kubeconfig,
        ],
        { env },
      );
      assert.equal(stray.code, 0, stray.output);
      const named = [{ name: 'kps', namespace: strayNs, namedBy: 'the setting obslab.helmRelease' }];

      const plan = scoped(await planClusterCleanup(loaded, named));
      assert.deepEqual(plan.releases.map((r) => `${r.namespace}/${r.name} ${r.status ?? ''}`).sort(), [
        `${ns}/otel-collector deployed`,
        `${ns}/prometheus deployed`,
      ]);
      assert.deepEqual(
        plan.keptReleases.map((x) => `${x.release.namespace}/${x.release.name}`),
        [`${strayNs}/kps`],
      );
      assert.match(
        plan.keptReleases[0]?.reason ?? '',
        new RegExp(
          `^the setting obslab\\.helmRelease names it, but the lab did not install it \\(the release has no obslab\\.dev/lab=true label, which the lab's Helm steps add\\)\\. If it is yours to remove: helm uninstall kps -n ${strayNs}$`,
        ),
      );
      assert.match(
        describePlan(plan),
        new RegExp(`kept:\\nHelm release ${strayNs}/kps: the setting obslab\\.helmRelease names it`),
      );
      // With both releases going, nothing foreign is left in the lab's namespace: it goes too.
      assert.deepEqual(
        plan.namespaces.map((n) => n.name),
        [ns],
        JSON.stringify(plan.kept.map((x) => x.reason)),
      );

      // Without helm, the releases are reported as needing it and nothing is thrown.
      const noHelm = await runCleanup(loaded, { ...plan, namespaces: [] });
      assert.deepEqual(
        noHelm.map((x) => [x.action, x.result]),
        [
          ['uninstall', 'failed'],
          ['uninstall', 'failed'],
        ],
      );
      assert.match(noHelm[0]?.message ?? '', /helm is needed/);
      const uninstall = (r: { name: string; namespace: string }): Promise<void> =>
        uninstallRelease(helmBin(), { release: r.name, namespace: r.namespace, kubeconfig: k.kubeconfig }, { env });
      const steps = await runCleanup(loaded, plan, { namespaceWaitMs: 60_000, uninstall });
      assert.equal(cleanupFailed(steps), false, JSON.stringify(steps));
      assert.deepEqual(steps.map((x) => `${x.action} ${x.target} ${x.result}`).sort(), [
        `delete Namespace ${ns} done`,
        `uninstall ${ns}/otel-collector done`,
        `uninstall ${ns}/prometheus done`,
      ]);
      await assert.rejects(k.kubectl(['get', 'namespace', ns]), /NotFound/);
      const list = await runHelm(helmBin(), ['list', '--all-namespaces', '--kubeconfig', k.kubeconfig, '-o', 'json'], {
        env,
      });
      const left = (JSON.parse(list.output) as { name: string; namespace: string; status: string }[]).filter((r) =>
        mine.includes(r.namespace),
      );
      assert.deepEqual(
        left.map((r) => `${r.namespace}/${r.name} ${r.status}`),
        [`${strayNs}/kps deployed`],
      );

      // Again: nothing of the lab's is left, the stray release is still named as kept, and running the plan changes nothing.
      const again = scoped(await planClusterCleanup(loaded, named));
      assert.ok(planIsEmpty(again), describePlan(again));
      assert.deepEqual(
        again.keptReleases.map((x) => x.release.name),
        ['kps'],
      );
      assert.deepEqual(await runCleanup(loaded, again, { uninstall }), []);
      // Uninstalling a release someone removed meanwhile is success too.
      await uninstall({ name: 'prometheus', namespace: ns });
      const still = await runHelm(helmBin(), ['status', 'kps', '--namespace', strayNs, '--kubeconfig', k.kubeconfig], {
        env,
      });
      assert.match(still.output, /STATUS: deployed/);
    } finally {
      await runHelm(helmBin(), ['uninstall', 'kps', '--namespace', strayNs, '--kubeconfig', k.kubeconfig], {
        env,
      }).catch(() => undefined);
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('obslab cleanup: plans as JSON, refuses without a terminal or --yes, deletes with --yes', async () => {
    const ns = uniqueNamespace('lab-cli');
    mine.push(ns);
    await applyAs(
      'obslab',
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}, labels: {app.kubernetes.io/managed-by: obslab}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: ${ns}}\ndata: {a: "1"}\n`,
    );
    const cli = async (argv: string[], answer?: boolean): Promise<{ code: number; out: string; err: string }> => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCleanupCommand(
        ['--kubeconfig', k.kubeconfig, ...argv],
        { out: (l) => out.push(l), err: (l) => err.push(l) },
        () => Promise.resolve(answer),
      );
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    const dry = await cli(['--dry-run', '--format', 'json']);
    assert.equal(dry.code, 0, dry.err);
    const json = JSON.parse(dry.out) as { delete: { kind: string; namespace: string | null; name: string }[] };
    assert.ok(json.delete.some((d) => d.kind === 'ConfigMap' && d.namespace === ns && d.name === 'c'));
    assert.ok(json.delete.some((d) => d.kind === 'Namespace' && d.name === ns));

    const refused = await cli([]);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /not deleting without confirmation.*--yes/);
    assert.match(await k.kubectl(['get', 'namespace', ns, '-o', 'name']), /namespace\//);

    const declined = await cli([], false);
    assert.equal(declined.code, 2);
    assert.match(declined.err, /nothing deleted/);

    const done = await cli(['--yes']);
    assert.equal(done.code, 0, done.err);
    assert.match(done.out, new RegExp(`ok  delete Namespace ${ns}`));
    await assert.rejects(k.kubectl(['get', 'namespace', ns]), /NotFound/);
  });

  it('obslab cleanup: an unknown context is exit 1 with the contexts there are', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCleanupCommand(['--kubeconfig', k.kubeconfig, '--context', 'no-such-context'], {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
    });
    assert.equal(code, 1);
    assert.match(err.join('\n'), /no context named 'no-such-context'/);
  });
});
