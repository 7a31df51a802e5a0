// The bundled YAML server never fetches a schema from the network: a document's
// `# yaml-language-server: $schema=http://…` modeline, a yaml.schemas setting and the schema
// store all point at a local HTTP server here, which must receive no request. A file: schema still
// works, and yaml-language-server as published does fetch the same modeline (so the check bites).
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import { yamlServerSettings } from '../../src/core/yamlServerSettings';
import { sleep } from '../../src/node/process/sleep';
import { repoRoot, run } from '../harness/lib';

interface CompletionItem {
  label: string;
}

const schema = JSON.stringify({
  type: 'object',
  properties: { remoteOnlyProperty: { type: 'string', description: 'served by the remote schema' } },
});
const localSchema = JSON.stringify({ type: 'object', properties: { localOnlyProperty: { type: 'string' } } });

/** A YAML language server over stdio, initialized as our client initializes it. */
async function startServer(
  argv: string[],
  settings: Record<string, unknown>,
): Promise<{ server: ChildProcess; conn: MessageConnection }> {
  const server = spawn(process.execPath, [...argv, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const conn = createMessageConnection(
    new StreamMessageReader(server.stdout as NodeJS.ReadableStream),
    new StreamMessageWriter(server.stdin as NodeJS.WritableStream),
  );
  conn.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) =>
    params.items.map((i) => (i.section === 'yaml' ? settings : null)),
  );
  conn.onRequest('client/registerCapability', () => null);
  conn.onNotification(() => undefined);
  conn.listen();
  await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    capabilities: {
      workspace: { configuration: true },
      textDocument: { completion: { completionItem: { snippetSupport: true } } },
    },
    initializationOptions: { l10nPath: join(repoRoot, 'dist', 'l10n') },
  });
  conn.sendNotification('initialized', {});
  conn.sendNotification('workspace/didChangeConfiguration', { settings: { yaml: settings } });
  return { server, conn };
}

async function complete(conn: MessageConnection, uri: string, line: number): Promise<string[]> {
  const r = (await conn.sendRequest('textDocument/completion', {
    textDocument: { uri },
    position: { line, character: 0 },
  })) as { items: CompletionItem[] } | CompletionItem[] | null;
  return (Array.isArray(r) ? r : (r?.items ?? [])).map((x) => x.label);
}

describe('the YAML server fetches no remote schema', function () {
  this.timeout(120_000);
  let http: Server;
  let base: string;
  const requests: string[] = [];
  let dir: string;
  let version = 0;

  before(async () => {
    if (!existsSync(join(repoRoot, 'dist', 'yamlServer.js')))
      await run(process.execPath, [join(repoRoot, 'esbuild.mjs')], { cwd: repoRoot });
    http = createServer((req, res) => {
      requests.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        req.url === '/catalog.json'
          ? JSON.stringify({ schemas: [{ name: 'x', fileMatch: ['*.yaml'], url: `${base}/store.json` }] })
          : schema,
      );
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    dir = mkdtempSync(join(tmpdir(), 'obslab-yaml-remote-'));
    writeFileSync(join(dir, 'local.json'), localSchema);
  });
  after(async () => {
    http.closeAllConnections();
    await new Promise((r) => http.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  describe('dist/yamlServer.js', () => {
    let server: ChildProcess;
    let conn: MessageConnection;

    before(async () => {
      // Every way a setting could send it to the network: a schema by URL and the schema store.
      const settings = {
        ...yamlServerSettings(),
        schemas: { [`${base}/by-setting.json`]: '*.yaml' },
        schemaStore: { enable: true, url: `${base}/catalog.json` },
      };
      ({ server, conn } = await startServer([join(repoRoot, 'dist', 'yamlServer.js')], settings));
    });
    after(() => {
      conn?.dispose();
      server?.kill();
    });

    it('refuses an http $schema modeline (and the yaml.schemas and schema-store settings) without a request', async () => {
      requests.length = 0;
      for (const [name, modeline] of [
        ['http', `${base}/x.json`],
        ['https', `https://127.0.0.1:${new URL(base).port}/x.json`],
        ['other scheme', `ftp://127.0.0.1:${new URL(base).port}/x.json`],
      ] as const) {
        const uri = `file://${join(dir, `${name.replace(' ', '-')}.yaml`)}`;
        conn.sendNotification('textDocument/didOpen', {
          textDocument: {
            uri,
            languageId: 'yaml',
            version: ++version,
            text: `# yaml-language-server: $schema=${modeline}\n\n`,
          },
        });
        const labels = await complete(conn, uri, 1);
        assert.ok(
          !labels.includes('remoteOnlyProperty'),
          `${name}: nothing from the remote schema (${labels.join(', ')})`,
        );
        await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 0 } });
        await conn.sendRequest('yaml/get/jsonSchema', uri).catch(() => undefined);
      }
      await sleep(2000); // retries and the schema store would have asked by now
      assert.deepEqual(requests, [], 'the local HTTP server received no request');
    });

    it('still reads a schema from a file', async () => {
      const uri = `file://${join(dir, 'local.yaml')}`;
      conn.sendNotification('textDocument/didOpen', {
        textDocument: {
          uri,
          languageId: 'yaml',
          version: ++version,
          text: `# yaml-language-server: $schema=file://${join(dir, 'local.json')}\n\n`,
        },
      });
      let labels: string[] = [];
      for (let i = 0; i < 30 && !labels.includes('localOnlyProperty'); i++) {
        labels = await complete(conn, uri, 1);
        if (!labels.includes('localOnlyProperty')) await sleep(100);
      }
      assert.ok(labels.includes('localOnlyProperty'), labels.join(', '));
    });
  });

  it('the check bites: yaml-language-server as published fetches the same http modeline', async () => {
    requests.length = 0;
    const { server, conn } = await startServer(
      [join(repoRoot, 'node_modules', 'yaml-language-server', 'bin', 'yaml-language-server')],
      yamlServerSettings(),
    );
    try {
      const uri = `file://${join(dir, 'upstream.yaml')}`;
      conn.sendNotification('textDocument/didOpen', {
        textDocument: {
          uri,
          languageId: 'yaml',
          version: 1,
          text: `# yaml-language-server: $schema=${base}/x.json\n\n`,
        },
      });
      for (let i = 0; i < 50 && !requests.length; i++) {
        await complete(conn, uri, 1);
        await sleep(100);
      }
      assert.deepEqual(requests, ['/x.json']);
    } finally {
      conn.dispose();
      server.kill();
    }
  });
});
