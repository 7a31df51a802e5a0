// The bundled yaml-language-server, spoken to over LSP exactly as the extension's client does,
// with our offline schemas: completion and hover come from them, and nothing is fetched. Like the
// extension, the test answers the server's custom/schema/request with the schema the file's text
// calls for (src/core/lint/schemaChoice.ts), so YAML that is not the lab's gets none of ours.
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import { chooseSchema } from '../../src/core/lint/schemaChoice';
import { yamlServerSettings } from '../../src/core/yamlServerSettings';
import { loadSchemaCatalog } from '../../src/node/files/schemas';
import { repoRoot, run } from '../harness/lib';

const schemasDir = join(repoRoot, 'schemas');
const catalog = loadSchemaCatalog(schemasDir);
const schemaUri = (file: string) => `file://${join(schemasDir, file)}`;

interface CompletionItem {
  label: string;
}
interface Hover {
  contents: { value?: string } | string | { value: string }[];
}
interface CodeLens {
  command?: { title: string };
}
interface SchemaInfo {
  uri: string;
  name?: string;
}

const workflow = `name: CI
on:
  push:
    branches: [main]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: npm ci && npm test
    
`;

const compose = `services:
  app:
    build: .
    image: otel-flask:latest
    ports:
      - "5000:5000"
  collector:
    image: otel/opentelemetry-collector-contrib:0.155.0
    
`;

describe('yaml-language-server with the bundled schemas', function () {
  this.timeout(60_000);
  let server: ChildProcess;
  let conn: MessageConnection;
  let version = 0;
  /** What the editor holds, as the extension reads it from vscode.workspace.textDocuments. */
  const texts = new Map<string, string>();
  /** The documents the server asked about, in order. */
  const asked: string[] = [];

  async function open(uri: string, text: string): Promise<void> {
    texts.set(uri, text);
    conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'yaml', version: ++version, text },
    });
  }

  async function change(uri: string, text: string): Promise<void> {
    texts.set(uri, text);
    conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: ++version },
      contentChanges: [{ text }],
    });
  }

  /** The schemas the server uses for a file (what Red Hat's YAML status bar item lists). */
  async function schemasOf(uri: string): Promise<SchemaInfo[]> {
    return (await conn.sendRequest('yaml/get/jsonSchema', uri)) as SchemaInfo[];
  }

  async function codeLensTitles(uri: string): Promise<string[]> {
    const lenses = ((await conn.sendRequest('textDocument/codeLens', { textDocument: { uri } })) ?? []) as CodeLens[];
    return lenses.map((l) => l.command?.title ?? '');
  }

  /** Completion labels; the first answers may come before the server has loaded the schema, so ask again a few times. */
  async function complete(uri: string, line: number, character: number, tries = 30): Promise<string[]> {
    for (let i = 0; ; i++) {
      const r = (await conn.sendRequest('textDocument/completion', {
        textDocument: { uri },
        position: { line, character },
      })) as { items: CompletionItem[] } | CompletionItem[] | null;
      const labels = (Array.isArray(r) ? r : (r?.items ?? [])).map((x) => x.label);
      if (labels.length || i >= tries) return labels;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function hover(uri: string, line: number, character: number): Promise<string> {
    const h = (await conn.sendRequest('textDocument/hover', {
      textDocument: { uri },
      position: { line, character },
    })) as Hover | null;
    const c = h?.contents;
    return typeof c === 'string' ? c : Array.isArray(c) ? c.map((x) => x.value).join('\n') : (c?.value ?? '');
  }

  before(async () => {
    if (!existsSync(join(repoRoot, 'dist', 'yamlServer.js')))
      await run(process.execPath, [join(repoRoot, 'esbuild.mjs')], { cwd: repoRoot });
    server = spawn(process.execPath, [join(repoRoot, 'dist', 'yamlServer.js'), '--stdio'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    conn = createMessageConnection(
      new StreamMessageReader(server.stdout as NodeJS.ReadableStream),
      new StreamMessageWriter(server.stdin as NodeJS.WritableStream),
    );
    const settings = yamlServerSettings();
    conn.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) =>
      params.items.map((i) => (i.section === 'yaml' ? settings : null)),
    );
    conn.onRequest('client/registerCapability', () => null);
    // As src/ui/yamlClient.ts: one URI for our schema, an empty list for none.
    conn.onRequest<string | string[], void>('custom/schema/request', (resource: string) => {
      asked.push(resource);
      const file = chooseSchema(texts.get(resource) ?? '', catalog);
      return file ? schemaUri(file) : [];
    });
    conn.onNotification(() => undefined);
    conn.listen();
    await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {
        workspace: { configuration: true },
        textDocument: {
          completion: { completionItem: { snippetSupport: true } },
          hover: { contentFormat: ['markdown', 'plaintext'] },
        },
      },
      initializationOptions: { l10nPath: join(repoRoot, 'dist', 'l10n') },
    });
    conn.sendNotification('initialized', {});
    conn.sendNotification('workspace/didChangeConfiguration', { settings: { yaml: settings } });
    conn.sendNotification('yaml/registerCustomSchemaRequest');
  });

  after(() => {
    conn?.dispose();
    server?.kill();
  });

  it('completes a Deployment spec from the Kubernetes schema', async () => {
    const uri = 'file:///lab/k8s/app.yaml';
    // As the student types a key under spec (yaml-language-server offers nothing on a bare
    // indented line right after a key whose value is still empty).
    await open(uri, 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: otel-flask\nspec:\n  re\n');
    const labels = await complete(uri, 5, 4);
    for (const l of ['replicas', 'selector', 'template', 'strategy'])
      assert.ok(labels.includes(l), `offers ${l}: ${labels.join(', ')}`);
  });

  it('completes a ServiceMonitor endpoint from the CRD schema', async () => {
    const uri = 'file:///lab/k8s/otel-servicemonitors.yaml';
    await open(
      uri,
      'apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: m\nspec:\n  endpoints:\n    - \n',
    );
    const labels = await complete(uri, 6, 6);
    for (const l of ['port', 'interval', 'path'])
      assert.ok(labels.includes(l), `offers ${l}: ${labels.slice(0, 40).join(', ')}`);
  });

  it('completes the collector telemetry with readers, and explains the deprecated address on hover', async () => {
    const uri = 'file:///lab/collector.yaml';
    await open(
      uri,
      'receivers:\n  otlp: {}\nservice:\n  telemetry:\n    metrics:\n      address: 0.0.0.0:8888\n      \n',
    );
    const labels = await complete(uri, 6, 6);
    assert.ok(labels.includes('readers'), `offers readers: ${labels.join(', ')}`);
    assert.match(await hover(uri, 5, 8), /v0\.128\.0|readers/);
  });

  it("gives each document of a multi-document file its own kind's schema", async () => {
    const uri = 'file:///lab/k8s/mixed.yaml';
    await open(
      uri,
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  po\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: 1\n  \n',
    );
    const svc = await complete(uri, 5, 4);
    const deploy = await complete(uri, 13, 2);
    assert.ok(svc.includes('ports') && !svc.includes('replicas'), `Service: ${svc.join(', ')}`);
    assert.ok(deploy.includes('template') && !deploy.includes('ports'), `Deployment: ${deploy.join(', ')}`);
  });

  it('leaves YAML that is not a lab file alone', async () => {
    const uri = 'file:///elsewhere/ci.yaml';
    await open(uri, 'jobs:\n  build:\n    \n');
    assert.deepEqual(await complete(uri, 2, 4, 5), []);
  });

  it('gives a Deployment file the Deployment schema alone: its completion, its hover, its name at the top', async () => {
    const uri = 'file:///lab/k8s/scratch-deployment.yaml';
    await open(uri, 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: scratch\nspec:\n  replicas: 1\n  \n');
    const labels = await complete(uri, 6, 2);
    for (const l of ['selector', 'template', 'strategy'])
      assert.ok(labels.includes(l), `offers ${l}: ${labels.join(', ')}`);
    assert.match(await hover(uri, 5, 4), /[Nn]umber of desired pods/);
    assert.deepEqual(
      (await schemasOf(uri)).map((x) => x.uri),
      [schemaUri('deployment-apps-v1.json')],
    );
    const [title, ...more] = await codeLensTitles(uri);
    assert.match(title ?? '', /^Deployment \(apps\/v1\), Kubernetes v1\.37\.2 .*\(deployment-apps-v1\.json\)$/);
    assert.deepEqual(more, []);
  });

  it('gives a multi-document lab file the combined schema', async () => {
    const uri = 'file:///lab/k8s/app.yaml';
    await open(
      uri,
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n',
    );
    assert.deepEqual(
      (await schemasOf(uri)).map((x) => x.uri),
      [schemaUri('lab.json')],
    );
  });

  for (const [what, name, text, line, character, hoverAt] of [
    ['a GitHub Actions workflow', '.github/workflows/ci.yml', workflow, 10, 4, [6, 6]],
    ['a docker-compose file', 'docker-compose.yml', compose, 8, 4, [3, 6]],
  ] as const) {
    it(`gives ${what} no schema at all: no completion, hover or code lens of ours`, async () => {
      const uri = `file:///work/app/${name}`;
      await open(uri, text);
      assert.deepEqual(await complete(uri, line, character, 5), []);
      assert.equal(await hover(uri, hoverAt[0], hoverAt[1]), '');
      assert.deepEqual(await codeLensTitles(uri), []);
      assert.deepEqual(await schemasOf(uri), []);
      assert.ok(asked.includes(uri), 'the server asked the client which schema the file gets');
    });
  }

  it("switches a document's schema when its kind is edited, and drops it for a kind we do not know", async () => {
    const uri = 'file:///lab/k8s/edited.yaml';
    const service = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  po\n';
    await open(uri, service);
    const asService = await complete(uri, 5, 4);
    assert.ok(asService.includes('ports') && !asService.includes('replicas'), `Service: ${asService.join(', ')}`);

    await change(
      uri,
      service
        .replace('apiVersion: v1\nkind: Service', 'apiVersion: apps/v1\nkind: Deployment')
        .replace('  po\n', '  re\n'),
    );
    const asDeployment = await complete(uri, 5, 4);
    assert.ok(
      asDeployment.includes('replicas') && !asDeployment.includes('ports'),
      `Deployment: ${asDeployment.join(', ')}`,
    );
    assert.deepEqual(
      (await schemasOf(uri)).map((x) => x.uri),
      [schemaUri('deployment-apps-v1.json')],
    );

    await change(
      uri,
      service.replace('apiVersion: v1\nkind: Service', 'apiVersion: cert-manager.io/v1\nkind: Certificate'),
    );
    assert.deepEqual(await complete(uri, 5, 4, 5), []);
    assert.deepEqual(await schemasOf(uri), []);
  });
});
