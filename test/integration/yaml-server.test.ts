// The bundled yaml-language-server, spoken to over LSP exactly as the extension's client does,
// with our offline schemas: completion and hover come from them, and nothing is fetched.
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { yamlServerSettings } from '../../src/core/yamlServerSettings';
import { repoRoot, run } from '../harness/lib';

const schemaUri = `file://${join(repoRoot, 'schemas', 'lab.json')}`;

interface CompletionItem { label: string }
interface Hover { contents: { value?: string } | string | { value: string }[] }

describe('yaml-language-server with the bundled schemas', function () {
  this.timeout(60_000);
  let server: ChildProcess;
  let conn: MessageConnection;
  let version = 0;

  async function open(uri: string, text: string): Promise<void> {
    conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: ++version, text } });
  }

  /** Completion labels; the first answers may come before the server has loaded the schema, so ask again a few times. */
  async function complete(uri: string, line: number, character: number, tries = 30): Promise<string[]> {
    for (let i = 0; ; i++) {
      const r = (await conn.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line, character } })) as { items: CompletionItem[] } | CompletionItem[] | null;
      const labels = (Array.isArray(r) ? r : (r?.items ?? [])).map((x) => x.label);
      if (labels.length || i >= tries) return labels;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function hover(uri: string, line: number, character: number): Promise<string> {
    const h = (await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character } })) as Hover | null;
    const c = h?.contents;
    return typeof c === 'string' ? c : Array.isArray(c) ? c.map((x) => x.value).join('\n') : (c?.value ?? '');
  }

  before(async () => {
    if (!existsSync(join(repoRoot, 'dist', 'yamlServer.js'))) await run(process.execPath, [join(repoRoot, 'esbuild.mjs')], { cwd: repoRoot });
    server = spawn(process.execPath, [join(repoRoot, 'dist', 'yamlServer.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    conn = createMessageConnection(new StreamMessageReader(server.stdout as NodeJS.ReadableStream), new StreamMessageWriter(server.stdin as NodeJS.WritableStream));
    const settings = yamlServerSettings(schemaUri);
    conn.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) => params.items.map((i) => (i.section === 'yaml' ? settings : null)));
    conn.onRequest('client/registerCapability', () => null);
    conn.onNotification(() => undefined);
    conn.listen();
    await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true }, textDocument: { completion: { completionItem: { snippetSupport: true } }, hover: { contentFormat: ['markdown', 'plaintext'] } } }, initializationOptions: { l10nPath: join(repoRoot, 'dist', 'l10n') } });
    conn.sendNotification('initialized', {});
    conn.sendNotification('workspace/didChangeConfiguration', { settings: { yaml: settings } });
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
    for (const l of ['replicas', 'selector', 'template', 'strategy']) assert.ok(labels.includes(l), `offers ${l}: ${labels.join(', ')}`);
  });

  it('completes a ServiceMonitor endpoint from the CRD schema', async () => {
    const uri = 'file:///lab/k8s/otel-servicemonitors.yaml';
    await open(uri, 'apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n  name: m\nspec:\n  endpoints:\n    - \n');
    const labels = await complete(uri, 6, 6);
    for (const l of ['port', 'interval', 'path']) assert.ok(labels.includes(l), `offers ${l}: ${labels.slice(0, 40).join(', ')}`);
  });

  it('completes the collector telemetry with readers, and explains the deprecated address on hover', async () => {
    const uri = 'file:///lab/collector.yaml';
    await open(uri, 'receivers:\n  otlp: {}\nservice:\n  telemetry:\n    metrics:\n      address: 0.0.0.0:8888\n      \n');
    const labels = await complete(uri, 6, 6);
    assert.ok(labels.includes('readers'), `offers readers: ${labels.join(', ')}`);
    assert.match(await hover(uri, 5, 8), /v0\.128\.0|readers/);
  });

  it('gives each document of a multi-document file its own kind\'s schema', async () => {
    const uri = 'file:///lab/k8s/mixed.yaml';
    await open(uri, 'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  po\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: 1\n  \n');
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
});
