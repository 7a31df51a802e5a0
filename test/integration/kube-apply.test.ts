// Apply and rollout against the real control plane (kube-apiserver, etcd, kwok): the lab's own
// manifests, server-side apply with field manager obslab, and every refusal a student can meet.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runApply, type JsonApplyRow } from '../../src/cli/apply';
import { parseManifests } from '../../src/core/kube/manifests';
import { applyManifests, type ApplyResult } from '../../src/node/kube/apply';
import { KubeError, loadKube, type LoadedKube } from '../../src/node/kube/config';
import { loadManifests } from '../../src/node/kube/manifestFiles';
import { watchRollout, watchRollouts } from '../../src/node/kube/rollout';
import type { RunningKube } from '../harness/kube';
import { freePort } from '../harness/lib';
import { sharedKube, uniqueNamespace } from '../support/kube';
import { renderLab } from '../support/lab';

const actions = (r: ApplyResult): string[] =>
  r.rows.map((x) => `${x.action} ${x.kind} ${x.namespace ? `${x.namespace}/` : ''}${x.name}`);

describe('apply and rollout against a real API server', function () {
  this.timeout(5 * 60_000);

  let kube: RunningKube;
  let loaded: LoadedKube;
  let dir = '';
  let labDir = '';
  const app = uniqueNamespace('apply-app');
  const monitoring = uniqueNamespace('apply-mon');
  const extra = uniqueNamespace('apply-x');
  const needed = uniqueNamespace('apply-need');
  const namespaces = [app, monitoring, extra, needed];

  /** Writes a manifest into the temp dir and parses it as the CLI would. */
  function manifest(name: string, text: string) {
    const file = join(dir, name);
    writeFileSync(file, text);
    const parsed = parseManifests(text, file);
    assert.deepEqual(parsed.errors, []);
    return parsed.objects;
  }

  before(async function () {
    this.timeout(30 * 60_000);
    kube = await sharedKube();
    loaded = loadKube({ kubeconfig: kube.kubeconfig });
    dir = mkdtempSync(join(tmpdir(), 'obslab-apply-'));
    labDir = join(dir, 'lab');
    for (const f of renderLab({ appNamespace: app, monitoringNamespace: monitoring }).values()) {
      mkdirSync(join(labDir, f.path, '..'), { recursive: true });
      writeFileSync(join(labDir, f.path), f.content);
    }
    await kube.kubectl(['create', 'namespace', extra]);
  });

  after(async function () {
    this.timeout(120_000);
    for (const ns of namespaces)
      await kube?.kubectl(['delete', 'namespace', ns, '--wait=false', '--ignore-not-found']).catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reads the lab folder as its k8s/ manifests, namespaces first when applied', async () => {
    const { files, objects, errors } = await loadManifests([labDir]);
    assert.deepEqual(errors, []);
    assert.ok(
      files.every((f) => f.includes(`${join('lab', 'k8s')}`)),
      files.join(', '),
    );
    assert.equal(objects.filter((o) => o.kind === 'ServiceMonitor').length, 2);
  });

  it('dry-run of the lab reports every object as created and creates nothing', async () => {
    const r = await applyManifests(loaded, (await loadManifests([labDir])).objects, { dryRun: true });
    assert.deepEqual(r.problems, []);
    assert.equal(r.rows.length, 10);
    assert.ok(
      r.rows.every((x) => x.action === 'created'),
      actions(r).join('\n'),
    );
    assert.equal(r.rows[0]?.kind, 'Namespace');
    assert.equal(r.summary, '10 created');
    assert.equal((await kube.get(`/api/v1/namespaces/${app}`)).status, 404);
    assert.equal(
      (await kube.get(`/apis/monitoring.coreos.com/v1/namespaces/${monitoring}/servicemonitors/otel-collector`)).status,
      404,
    );
  });

  it('applies the lab: namespaces, ConfigMap, Services, Deployments and ServiceMonitors are created with field manager obslab', async () => {
    const r = await applyManifests(loaded, (await loadManifests([labDir])).objects);
    assert.deepEqual(r.problems, []);
    assert.equal(r.summary, '10 created');
    const sm = await kube.get(`/apis/monitoring.coreos.com/v1/namespaces/${monitoring}/servicemonitors/otel-collector`);
    assert.equal(sm.status, 200);
    const managers = (JSON.parse(sm.body) as { metadata: { managedFields: { manager: string; operation: string }[] } })
      .metadata.managedFields;
    assert.ok(managers.some((m) => m.manager === 'obslab' && m.operation === 'Apply'));
  });

  it('applying the same files again changes nothing: all unchanged, in the dry-run and the apply', async () => {
    const objects = (await loadManifests([labDir])).objects;
    const dry = await applyManifests(loaded, objects, { dryRun: true });
    assert.equal(dry.summary, '10 unchanged', actions(dry).join('\n'));
    const again = await applyManifests(loaded, objects);
    assert.equal(again.summary, '10 unchanged', actions(again).join('\n'));
  });

  it('the lab app Deployment rolls out (kwok makes its pods Ready)', async () => {
    const seen: string[] = [];
    const o = await watchRollout(
      loaded,
      { namespace: app, name: 'otel-flask' },
      { timeoutMs: 120_000, onProgress: (_t, s) => seen.push(s.state) },
    );
    assert.equal(o.state, 'complete', o.message);
    assert.deepEqual([o.status?.ready, o.status?.updated, o.status?.available], [2, 2, 2]);
    assert.match(o.message, /rolled out: ready 2\/2/);
    assert.ok(seen.length >= 1);
  });

  it('a changed field is configured, the rest unchanged', async () => {
    const file = join(labDir, 'k8s', 'app.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('replicas: 2', 'replicas: 3'));
    const objects = (await loadManifests([labDir])).objects;
    const dry = await applyManifests(loaded, objects, { dryRun: true });
    assert.deepEqual(
      dry.rows.filter((x) => x.action !== 'unchanged').map((x) => `${x.action} ${x.kind} ${x.name}`),
      ['configured Deployment otel-flask'],
    );
    assert.equal(dry.summary, '1 configured, 9 unchanged');
    const live = JSON.parse((await kube.get(`/apis/apps/v1/namespaces/${app}/deployments/otel-flask`)).body) as {
      spec: { replicas: number };
    };
    assert.equal(live.spec.replicas, 2, 'the dry-run changed nothing');
    const r = await applyManifests(loaded, objects);
    assert.equal(r.summary, '1 configured, 9 unchanged');
    const o = await watchRollouts(loaded, [{ namespace: app, name: 'otel-flask' }], { timeoutMs: 120_000 });
    assert.equal(o[0]?.state, 'complete', o[0]?.message);
    assert.equal(o[0]?.status?.ready, 3);
  });

  it('creates a namespace the documents use but do not define (reported in the dry-run as to be created)', async () => {
    const objects = manifest(
      'needs-ns.yaml',
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: ${needed}\ndata: {a: "1"}\n`,
    );
    const dry = await applyManifests(loaded, objects, { dryRun: true });
    assert.deepEqual(actions(dry), [`created Namespace ${needed}`, `created ConfigMap ${needed}/cfg`]);
    assert.equal((await kube.get(`/api/v1/namespaces/${needed}`)).status, 404);
    const r = await applyManifests(loaded, objects);
    assert.deepEqual(actions(r), [`created Namespace ${needed}`, `created ConfigMap ${needed}/cfg`]);
    assert.equal(r.rows[0]?.file, undefined);
    assert.equal((await kube.get(`/api/v1/namespaces/${needed}/configmaps/cfg`)).status, 200);
  });

  it('a kind whose CRD is missing names the chart that installs it, and nothing of the set is applied', async () => {
    // Other files of the run install kube-prometheus-stack (and its CRDs) into the shared control
    // plane and leave the CRDs behind, as helm does: this case needs PrometheusRule's CRD absent.
    await kube.kubectl(['delete', 'crd', 'prometheusrules.monitoring.coreos.com', '--ignore-not-found', '--wait=true']);
    const objects = manifest(
      'rule.yaml',
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: before-rule\n  namespace: ${extra}\n---\napiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: r\n  namespace: ${extra}\nspec: {groups: []}\n`,
    );
    const dry = await applyManifests(loaded, objects, { dryRun: true });
    assert.equal(dry.problems.length, 1);
    assert.match(
      dry.problems[0]?.message ?? '',
      /PrometheusRule.*CustomResourceDefinition is not installed.*kube-prometheus-stack/,
    );
    assert.equal(dry.problems[0]?.line, 7);
    const r = await applyManifests(loaded, objects);
    assert.equal(r.rows.length, 0);
    assert.equal(r.notApplied.length, 2);
    assert.equal((await kube.get(`/api/v1/namespaces/${extra}/configmaps/before-rule`)).status, 404);
  });

  it('a conflict with another field manager names it and its fields, and changes nothing', async () => {
    await kube.kubectl(['apply', '--server-side', '--field-manager=other', '-f', '-'], {
      input: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n  namespace: ${extra}\ndata:\n  a: "1"\n`,
    });
    const objects = manifest(
      'shared.yaml',
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n  namespace: ${extra}\ndata:\n  a: "2"\n`,
    );
    const r = await applyManifests(loaded, objects);
    assert.equal(r.problems.length, 1);
    const m = r.problems[0]?.message ?? '';
    assert.match(m, /'other' owns \.data\.a/);
    assert.match(m, /--force-conflicts/);
    const live = JSON.parse((await kube.get(`/api/v1/namespaces/${extra}/configmaps/shared`)).body) as {
      data: Record<string, string>;
    };
    assert.equal(live.data['a'], '1');
  });

  it('an invalid manifest is reported with its file and line; a failure part-way says what was applied before it', async () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\n  namespace: ${extra}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: bad\n  namespace: ${extra}\nspec:\n  ports:\n    - port: 99999\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: never\n  namespace: ${extra}\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec: {containers: [{name: c, image: i}]}\n`;
    const objects = manifest('invalid.yaml', text);
    const r = await applyManifests(loaded, objects);
    assert.equal(r.problems.length, 1);
    const p = r.problems[0];
    assert.equal(p?.line, 7);
    assert.match(p?.message ?? '', /invalid\.yaml:7/);
    assert.match(p?.message ?? '', /spec\.ports\[0\]\.port/);
    assert.deepEqual(actions(r), [`created ConfigMap ${extra}/good`]);
    assert.deepEqual(
      r.notApplied.map((o) => o.name),
      ['never'],
    );
    assert.equal((await kube.get(`/apis/apps/v1/namespaces/${extra}/deployments/never`)).status, 404);
  });

  it('a misspelt field is refused (not silently dropped) and pointed at', async () => {
    const objects = manifest(
      'typo.yaml',
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: typo\n  namespace: ${extra}\ndatta:\n  a: "1"\n`,
    );
    const r = await applyManifests(loaded, objects, { dryRun: true });
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0]?.message ?? '', /schema does not have \(\.datta\).*typo\.yaml:1/);
  });

  it('an RBAC denial names the object (a ServiceAccount token that may only read)', async () => {
    await kube.kubectl(['create', 'serviceaccount', 'reader', '-n', extra]);
    await kube.kubectl(['create', 'role', 'read-cm', '--verb=get,list', '--resource=configmaps', '-n', extra]);
    await kube.kubectl([
      'create',
      'rolebinding',
      'reader',
      '--role=read-cm',
      `--serviceaccount=${extra}:reader`,
      '-n',
      extra,
    ]);
    const token = (await kube.kubectl(['create', 'token', 'reader', '-n', extra, '--duration=10m'])).trim();
    const kc = join(dir, 'reader.kubeconfig');
    writeFileSync(
      kc,
      `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: ${kube.server}, certificate-authority: ${JSON.stringify(kube.pki.ca)}}}]\nusers: [{name: reader, user: {token: ${token}}}]\ncontexts: [{name: reader, context: {cluster: c, user: reader, namespace: ${extra}}}]\ncurrent-context: reader\n`,
    );
    const objects = manifest(
      'denied.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: denied\ndata: {a: "1"}\n',
    );
    const r = await applyManifests(loadKube({ kubeconfig: kc }), objects);
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0]?.namespace, extra, 'the context namespace is the default');
    assert.match(r.problems[0]?.message ?? '', new RegExp(`permission denied for ConfigMap ${extra}/denied`));
    assert.ok(!(r.problems[0]?.message ?? '').includes(token), 'the token is never shown');
  });

  it('an unreachable server is named, with the next step, before anything is sent', async () => {
    const port = await freePort();
    const kc = join(dir, 'down.kubeconfig');
    writeFileSync(
      kc,
      `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:${port}", certificate-authority: ${JSON.stringify(kube.pki.ca)}}}]\nusers: [{name: u, user: {token: abc}}]\ncontexts: [{name: down, context: {cluster: c, user: u}}]\ncurrent-context: down\n`,
    );
    const objects = manifest('any.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: any\n');
    await assert.rejects(applyManifests(loadKube({ kubeconfig: kc }), objects), (e: unknown) => {
      assert.ok(e instanceof KubeError);
      assert.match(e.message, new RegExp(`nothing answers at https://127\\.0\\.0\\.1:${port} \\(context down\\)`));
      return true;
    });
  });

  describe('rollouts that do not finish', () => {
    const stuck = (name: string) =>
      manifest(
        `${name}.yaml`,
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: ${extra}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}}}\n    spec:\n      nodeSelector: {disk: none-such}\n      containers: [{name: c, image: "example.invalid/app:1"}]\n`,
      );

    it('a pod no node can take fails the rollout with the FailedScheduling event', async () => {
      assert.deepEqual((await applyManifests(loaded, stuck('unschedulable'))).problems, []);
      const o = await watchRollout(
        loaded,
        { namespace: extra, name: 'unschedulable' },
        { timeoutMs: 60_000, stuckMs: 1500, pollMs: 500 },
      );
      assert.equal(o.state, 'failed', o.message);
      assert.match(o.message, /is stuck: pod unschedulable-.* is Unschedulable.*node affinity\/selector.*nodeSelector/);
      assert.ok(
        o.events.some((e) => e.reason === 'FailedScheduling'),
        JSON.stringify(o.events),
      );
      // kwok serves no logs for a pod that never started: said, not thrown.
      assert.ok(o.logs.every((l) => l.lines !== undefined || (l.unavailable ?? '').length > 0));
    });

    it('times out with the counts and the events when the pods never become ready', async () => {
      assert.deepEqual((await applyManifests(loaded, stuck('slow'))).problems, []);
      const o = await watchRollout(
        loaded,
        { namespace: extra, name: 'slow' },
        { timeoutMs: 2500, stuckMs: 600_000, pollMs: 500 },
      );
      assert.equal(o.state, 'timeout', o.message);
      assert.match(o.message, /did not finish rolling out in time \(ready 0\/1/);
    });

    it('stops watching when cancelled', async () => {
      const abort = new AbortController();
      setTimeout(() => abort.abort(), 700);
      const started = Date.now();
      const o = await watchRollout(
        loaded,
        { namespace: extra, name: 'slow' },
        { timeoutMs: 60_000, stuckMs: 600_000, pollMs: 5000, signal: abort.signal },
      );
      assert.equal(o.state, 'cancelled');
      assert.ok(Date.now() - started < 5000, 'cancellation does not wait for the next poll');
    });

    describe('a cluster that stops answering', () => {
      // A listener that takes the connection and never says a word: a dropped VPN or a hung load
      // balancer in front of the API server, as a student's laptop meets them.
      let silent: Server;
      const held = new Set<Socket>();
      let mute: LoadedKube;
      before(async () => {
        silent = createServer((socket) => held.add(socket));
        await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
        const { port } = silent.address() as AddressInfo;
        const kc = join(dir, 'silent.kubeconfig');
        writeFileSync(
          kc,
          `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:${port}", certificate-authority: ${JSON.stringify(kube.pki.ca)}}}]\nusers: [{name: u, user: {token: abc}}]\ncontexts: [{name: silent, context: {cluster: c, user: u}}]\ncurrent-context: silent\n`,
        );
        mute = loadKube({ kubeconfig: kc });
      });
      after(async () => {
        for (const socket of held) socket.destroy();
        await new Promise((resolve) => silent.close(resolve));
      });

      it('Cancel ends the watch while a read is still waiting for its answer', async () => {
        const abort = new AbortController();
        setTimeout(() => abort.abort(), 700);
        const started = Date.now();
        const o = await watchRollout(
          mute,
          { namespace: extra, name: 'slow' },
          { timeoutMs: 60_000, signal: abort.signal },
        );
        assert.equal(o.state, 'cancelled', o.message);
        assert.match(o.message, /Stopped watching Deployment .*\/slow \(no status yet\)/);
        assert.ok(Date.now() - started < 5000, `ended ${Date.now() - started} ms after the start`);
      });

      it('the deadline ends it too, naming the server that stopped answering', async () => {
        const started = Date.now();
        const o = await watchRollout(mute, { namespace: extra, name: 'slow' }, { timeoutMs: 1000 });
        assert.equal(o.state, 'timeout', o.message);
        assert.match(
          o.message,
          /did not finish rolling out in time \(no status yet\): the cluster at https:\/\/127\.0\.0\.1:\d+ stopped answering/,
        );
        // The deadline and the 10 s the time-out's own explanation may take, not an endless wait.
        assert.ok(Date.now() - started < 20_000, `ended ${Date.now() - started} ms after the start`);
      });
    });
  });

  describe('obslab apply', () => {
    async function cli(args: string[], deps: Parameters<typeof runApply>[2] = {}) {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runApply(
        [...args, '--kubeconfig', kube.kubeconfig],
        { out: (l) => out.push(l), err: (l) => err.push(l) },
        { interactive: false, ...deps },
      );
      return { code, out: out.join('\n'), err: err.join('\n') };
    }
    let file = '';
    before(() => {
      file = join(dir, 'cli.yaml');
      writeFileSync(
        file,
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-cli\n  namespace: ${extra}\ndata: {a: "1"}\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${needed}\n`,
      );
    });

    it('--dry-run --format json prints one {kind, namespace, name, action} per object, namespaces first', async () => {
      const r = await cli([file, '--dry-run', '--format', 'json']);
      assert.equal(r.code, 0, r.err);
      const rows = JSON.parse(r.out) as JsonApplyRow[];
      assert.deepEqual(rows, [
        { kind: 'Namespace', name: needed, action: 'unchanged' },
        { kind: 'ConfigMap', namespace: extra, name: 'from-cli', action: 'created' },
      ]);
    });

    it('without --yes and without a terminal, prints the plan and exits 2 asking for --yes', async () => {
      const r = await cli([file]);
      assert.equal(r.code, 2);
      assert.match(r.out, /created\s+ConfigMap .*\/from-cli/);
      assert.match(r.err, /pass --yes/);
      assert.equal((await kube.get(`/api/v1/namespaces/${extra}/configmaps/from-cli`)).status, 404);
    });

    it('asks on a terminal and applies on y; --yes applies without asking; then all unchanged', async () => {
      const asked: string[] = [];
      const r = await cli([file], { interactive: true, ask: (q) => (asked.push(q), Promise.resolve('y')) });
      assert.equal(r.code, 0, r.err);
      assert.match(asked[0] ?? '', /Apply to context 'obslab'/);
      assert.match(r.out, /1 created, 1 unchanged/);
      const again = await cli([file, '--yes', '--format', 'json']);
      assert.equal(again.code, 0, again.err);
      assert.ok((JSON.parse(again.out) as JsonApplyRow[]).every((x) => x.action === 'unchanged'));
    });

    it('exits 1 with file:line on stderr for an invalid document, and 2 for bad usage', async () => {
      const bad = join(dir, 'cli-bad.yaml');
      writeFileSync(bad, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {}\n');
      const r = await cli([bad, '--yes']);
      assert.equal(r.code, 1);
      assert.match(r.err, /cli-bad\.yaml:1: the ConfigMap has no metadata\.name/);
      await assert.rejects(cli([file, '--format', 'xml']), /--format is json or text/);
    });
  });
});
