import { strict as assert } from 'node:assert';
import {
  classify,
  comparable,
  describeApplyFailure,
  describeMissingKind,
  formatProblem,
  sameJson,
  summarize,
} from '../../src/core/kube/applyPlan';
import {
  applyOrder,
  applyTiers,
  kindsDefinedBy,
  namespacesNeeded,
  parseManifests,
} from '../../src/core/kube/manifests';
import { renderLab } from '../support/lab';

describe('manifests: YAML documents to objects with file and line', () => {
  it('gives each document its kind, name, namespace and the line of its first key', () => {
    const text =
      '# a comment\n# another\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: ns1\n---\n\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: b}\n';
    const { objects, errors } = parseManifests(text, 'k8s/x.yaml');
    assert.deepEqual(errors, []);
    assert.deepEqual(
      objects.map((o) => [o.kind, o.name, o.namespace, o.line, o.docIndex]),
      [
        ['ConfigMap', 'a', 'ns1', 3, 0],
        ['Deployment', 'b', undefined, 11, 2],
      ],
    );
    assert.equal(objects[0]?.file, 'k8s/x.yaml');
  });

  it('skips empty documents and comment-only files', () => {
    assert.deepEqual(parseManifests('# nothing here\n', 'a.yaml'), { objects: [], errors: [] });
    assert.deepEqual(parseManifests('', 'a.yaml'), { objects: [], errors: [] });
    assert.equal(
      parseManifests('---\napiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n---\n', 'a.yaml').objects.length,
      1,
    );
  });

  it('names the file and line of broken YAML, and keeps the other documents', () => {
    const { objects, errors } = parseManifests(
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: ok}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [broken\n',
      'bad.yaml',
    );
    assert.equal(objects.length, 1);
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.file, 'bad.yaml');
    assert.ok((errors[0]?.line ?? 0) >= 5, `line ${errors[0]?.line}`);
    assert.match(errors[0]?.message ?? '', /YAML error/);
  });

  it('reports a document without apiVersion, kind or metadata.name at its line', () => {
    const { errors } = parseManifests(
      'kind: Service\nmetadata: {name: a}\n---\napiVersion: v1\nmetadata: {name: b}\n---\napiVersion: v1\nkind: Pod\nmetadata: {generateName: p-}\n---\n- a list\n',
      'm.yaml',
    );
    assert.deepEqual(
      errors.map((e) => e.line),
      [1, 4, 7, 11],
    );
    assert.match(errors[0]?.message ?? '', /no apiVersion \(kind Service\)/);
    assert.match(errors[1]?.message ?? '', /no kind/);
    assert.match(errors[2]?.message ?? '', /no metadata\.name.*generateName/);
    assert.match(errors[3]?.message ?? '', /not a mapping/);
  });

  it('expands kind: List into its items, each at its own line', () => {
    const text =
      'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: one}\n  - apiVersion: v1\n    kind: Secret\n    metadata: {name: two}\n';
    const { objects } = parseManifests(text, 'list.yaml');
    assert.deepEqual(
      objects.map((o) => [o.kind, o.name, o.line]),
      [
        ['ConfigMap', 'one', 4],
        ['Secret', 'two', 7],
      ],
    );
  });

  it('orders namespaces, CRDs, RBAC, config, Services, workloads, then ServiceMonitors, keeping file order within a rank', () => {
    const kinds = [
      'ServiceMonitor',
      'Deployment',
      'Service',
      'ConfigMap',
      'RoleBinding',
      'Namespace',
      'CustomResourceDefinition',
      'Ingress',
      'Secret',
    ];
    assert.deepEqual(
      applyOrder(kinds.map((kind) => ({ kind }))).map((o) => o.kind),
      [
        'Namespace',
        'CustomResourceDefinition',
        'RoleBinding',
        'ConfigMap',
        'Secret',
        'Service',
        'Deployment',
        'Ingress',
        'ServiceMonitor',
      ],
    );
    assert.deepEqual(
      applyTiers([{ kind: 'ConfigMap' }, { kind: 'Secret' }, { kind: 'Namespace' }]).map((t) => t.length),
      [1, 2],
    );
  });

  it('lists the namespaces the objects use that the set does not create', () => {
    const { objects } = parseManifests(
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: d, namespace: b}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: e}\n',
      'x.yaml',
    );
    assert.deepEqual(namespacesNeeded(objects), ['b']);
    assert.deepEqual(
      namespacesNeeded(objects, (o) => (o.kind === 'Namespace' ? undefined : (o.namespace ?? 'default'))),
      ['b', 'default'],
    );
  });

  it('knows the kinds a CRD in the set defines', () => {
    const { objects } = parseManifests(
      'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: widgets.example.com}\nspec:\n  group: example.com\n  scope: Cluster\n  names: {kind: Widget, plural: widgets}\n',
      'crd.yaml',
    );
    assert.deepEqual(kindsDefinedBy(objects), [{ group: 'example.com', kind: 'Widget', namespaced: false }]);
  });

  it('parses every rendered lab manifest without errors', () => {
    for (const f of renderLab().values()) {
      if (!f.path.startsWith('k8s/')) continue;
      const { objects, errors } = parseManifests(f.content, f.path);
      assert.deepEqual(errors, [], f.path);
      assert.ok(objects.length > 0, f.path);
    }
  });
});

describe('applyPlan: created, configured or unchanged', () => {
  const live = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'a',
      namespace: 'n',
      uid: 'u1',
      resourceVersion: '10',
      creationTimestamp: '2026-01-01T00:00:00Z',
      managedFields: [{ manager: 'obslab', time: '2026-01-01T00:00:00Z' }],
      labels: { x: '1' },
    },
    data: { k: 'v' },
  };

  it('calls an object without a live one created', () => {
    assert.equal(classify(undefined, live, { dryRun: true }), 'created');
  });

  it('ignores server-owned metadata and status when comparing a dry-run', () => {
    const dry = {
      ...live,
      metadata: {
        ...live.metadata,
        resourceVersion: '10',
        managedFields: [{ manager: 'obslab', time: '2026-02-02T00:00:00Z' }],
        generation: 3,
      },
      status: { phase: 'x' },
    };
    assert.equal(classify(live, dry, { dryRun: true }), 'unchanged');
    assert.equal(classify(live, { ...dry, data: { k: 'w' } }, { dryRun: true }), 'configured');
    assert.equal(
      classify(live, { ...dry, metadata: { ...dry.metadata, labels: { x: '2' } } }, { dryRun: true }),
      'configured',
    );
  });

  it('trusts an unchanged resourceVersion after a real apply, and compares otherwise', () => {
    assert.equal(
      classify(live, { ...live, data: { k: 'changed-by-someone-else-meanwhile' } }, { dryRun: false }),
      'unchanged',
    );
    assert.equal(
      classify(
        live,
        { ...live, metadata: { ...live.metadata, resourceVersion: '11' }, data: { k: 'w' } },
        { dryRun: false },
      ),
      'configured',
    );
    // A controller wrote status between our read and the apply: same object otherwise.
    assert.equal(
      classify(
        live,
        { ...live, metadata: { ...live.metadata, resourceVersion: '12' }, status: { a: 1 } },
        { dryRun: false },
      ),
      'unchanged',
    );
  });

  it('compares JSON regardless of key order', () => {
    assert.ok(sameJson({ a: 1, b: [1, { c: 2, d: 3 }] }, { b: [1, { d: 3, c: 2 }], a: 1 }));
    assert.ok(!sameJson({ a: [1, 2] }, { a: [2, 1] }));
    assert.deepEqual(comparable({ metadata: { name: 'a', uid: 'x' }, status: {} }), { metadata: { name: 'a' } });
  });

  it('summarizes counts in a fixed order', () => {
    const rows = [
      { action: 'unchanged' },
      { action: 'created' },
      { action: 'created' },
      { action: 'configured' },
    ] as const;
    assert.equal(summarize(rows), '2 created, 1 configured, 1 unchanged');
    assert.equal(summarize([]), 'nothing to apply');
    assert.equal(summarize([{ action: 'created' }], 2), '1 created, 2 failed');
  });
});

describe('applyPlan: messages for refusals', () => {
  const obj = { kind: 'ConfigMap', namespace: 'lab', name: 'cfg', file: 'k8s/cfg.yaml', line: 4 };

  it('names the other field manager, its fields and the next step on a conflict', () => {
    const body = JSON.stringify({
      kind: 'Status',
      message: 'Apply failed with 1 conflict: conflict with "other": .data.a',
      reason: 'Conflict',
      code: 409,
      details: {
        causes: [
          { reason: 'FieldManagerConflict', message: 'conflict with "other"', field: '.data.a' },
          { reason: 'FieldManagerConflict', message: 'conflict with "other"', field: '.data.b' },
        ],
      },
    });
    const m = describeApplyFailure({ status: 409, body, message: 'x' }, obj, 'obslab');
    assert.match(m, /'other' owns \.data\.a, \.data\.b/);
    assert.match(m, /--force-conflicts/);
    assert.match(m, /k8s\/cfg\.yaml:4/);
    // The command to take the fields over names the object's own file, quoted for the shell.
    assert.match(m, /`kubectl apply --server-side --field-manager=obslab --force-conflicts -f k8s\/cfg\.yaml`/);
    assert.match(
      describeApplyFailure({ status: 409, body, message: 'x' }, { ...obj, file: '/my lab/cfg.yaml' }, 'obslab'),
      /--force-conflicts -f '\/my lab\/cfg\.yaml'`/,
    );
    const noFile = { kind: obj.kind, namespace: obj.namespace, name: obj.name };
    assert.match(describeApplyFailure({ status: 409, body, message: 'x' }, noFile, 'obslab'), /-f <file>`/);
  });

  it('points an invalid object at its file and line with the fields the server named', () => {
    const body = JSON.stringify({
      kind: 'Status',
      message: 'Service "s" is invalid',
      reason: 'Invalid',
      code: 422,
      details: {
        causes: [
          { field: 'spec.ports[0].port', message: 'Invalid value: 99999: must be between 1 and 65535, inclusive' },
        ],
      },
    });
    const m = describeApplyFailure({ status: 422, body, message: 'x' }, obj, 'obslab');
    assert.match(m, /k8s\/cfg\.yaml:4/);
    assert.match(m, /spec\.ports\[0\]\.port: Invalid value: 99999/);
  });

  it('explains an undeclared field (server-side apply answers 500)', () => {
    const body = JSON.stringify({
      kind: 'Status',
      message:
        'failed to create typed patch object (default/c2; /v1, Kind=ConfigMap): .dataa: field not declared in schema',
      code: 500,
    });
    assert.match(
      describeApplyFailure({ status: 500, body, message: 'x' }, obj, 'obslab'),
      /schema does not have \(\.dataa\).*k8s\/cfg\.yaml:4.*typo/,
    );
  });

  it('names the object on a permission denial, and the missing namespace on 404', () => {
    assert.match(
      describeApplyFailure(
        { status: 403, body: JSON.stringify({ kind: 'Status', message: 'forbidden' }), message: 'x' },
        obj,
        'obslab',
      ),
      /permission denied for ConfigMap lab\/cfg.*namespace lab/,
    );
    assert.match(
      describeApplyFailure(
        {
          status: 404,
          body: JSON.stringify({
            kind: 'Status',
            message: 'namespaces "nope" not found',
            details: { name: 'nope', kind: 'namespaces' },
          }),
          message: 'x',
        },
        obj,
        'obslab',
      ),
      /namespace 'nope' does not exist/,
    );
  });

  it('says which chart installs a missing monitoring.coreos.com CRD', () => {
    assert.match(
      describeMissingKind('monitoring.coreos.com/v1', 'PrometheusRule'),
      /PrometheusRule.*not installed.*kube-prometheus-stack.*Task 2/,
    );
    assert.match(describeMissingKind('v1', 'Servise'), /core API.*typos/);
    assert.match(describeMissingKind('example.com/v1', 'Widget'), /Install the CRD for example\.com/);
  });

  it('formats a problem with its place first', () => {
    assert.equal(formatProblem({ ...obj, message: 'bad' }), 'k8s/cfg.yaml:4: ConfigMap lab/cfg: bad');
  });
});
