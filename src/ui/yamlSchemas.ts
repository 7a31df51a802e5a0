// YAML completion and hover from our bundled, offline schemas. With Red Hat's YAML extension
// installed we hand it our schemas (one YAML server, no doubled diagnostics); otherwise we run
// yaml-language-server ourselves, started on the first YAML document, with its own validation
// off because k8s/schema already reports schema problems with our wording.
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient as Client } from 'vscode-languageclient/node';
import { yamlServerSettings } from '../core/yamlServerSettings';
import { schemasDir } from '../node/schemas';
import type { Ctx } from './context';

/** The combined schema: each document gets its kind's schema, collector configs theirs. */
const combinedSchema = 'lab.json';
const contributorName = 'obslab';

interface RedHatYamlApi {
  registerContributor(name: string, requestSchema: (resource: string) => string | undefined, requestSchemaContent: (uri: string) => string | undefined): boolean;
}

export class YamlSchemas {
  private client: Client | undefined;
  private starting: Promise<void> | undefined;

  constructor(private readonly ctx: Ctx) {}

  register(): vscode.Disposable[] {
    const dir = schemasDir();
    if (!dir) {
      this.ctx.output.appendLine('Bundled schemas are missing; YAML completion from schemas is off.');
      return [];
    }
    const schemaUri = vscode.Uri.file(join(dir, combinedSchema)).toString();
    const redHat = vscode.extensions.getExtension<RedHatYamlApi>('redhat.vscode-yaml');
    if (redHat) {
      void this.handToRedHat(redHat, schemaUri);
      return [];
    }
    const startIfYaml = (doc: vscode.TextDocument): void => {
      if (doc.languageId === 'yaml' && !this.starting) this.starting = this.start(schemaUri);
    };
    vscode.workspace.textDocuments.forEach(startIfYaml);
    return [vscode.workspace.onDidOpenTextDocument(startIfYaml), { dispose: () => void this.client?.stop() }];
  }

  private async handToRedHat(ext: vscode.Extension<RedHatYamlApi>, schemaUri: string): Promise<void> {
    try {
      const api = await ext.activate();
      // Our schemas are files; Red Hat's server reads file: URIs itself.
      api.registerContributor(contributorName, () => schemaUri, () => undefined);
      this.ctx.output.appendLine('YAML schemas handed to the Red Hat YAML extension.');
    } catch (e) {
      this.ctx.output.appendLine(`Could not hand our schemas to the Red Hat YAML extension: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private async start(schemaUri: string): Promise<void> {
    const { LanguageClient, TransportKind } = await import('vscode-languageclient/node');
    const serverModule = this.ctx.extension.asAbsolutePath(join('dist', 'yamlServer.js'));
    const settings = yamlServerSettings(schemaUri);
    const client = new LanguageClient(
      'obslab-yaml',
      'Observability Lab YAML',
      { run: { module: serverModule, transport: TransportKind.ipc }, debug: { module: serverModule, transport: TransportKind.ipc } },
      {
        documentSelector: [{ language: 'yaml' }],
        initializationOptions: { l10nPath: this.ctx.extension.asAbsolutePath(join('dist', 'l10n')) },
        middleware: {
          workspace: {
            // The server asks for its settings; we answer for it, so the user's yaml.* settings
            // (which belong to Red Hat's extension) cannot switch the schema store back on.
            configuration: (params) => params.items.map((item) => (item.section === 'yaml' ? settings : item.section === 'http' ? { proxy: '', proxyStrictSSL: true } : null)),
          },
        },
      },
    );
    this.client = client;
    try {
      await client.start();
      await client.sendNotification('workspace/didChangeConfiguration', { settings: { yaml: settings } });
    } catch (e) {
      this.ctx.output.appendLine(`The YAML language server did not start: ${e instanceof Error ? e.message : String(e)}. Diagnostics still work; completion from schemas is off.`);
    }
  }
}
