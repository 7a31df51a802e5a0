// YAML completion and hover from our bundled, offline schemas. With Red Hat's YAML extension
// installed we hand it our schemas (one YAML server, no doubled diagnostics); otherwise we run
// yaml-language-server ourselves, started on the first YAML document, with its own validation
// off because k8s/schema already reports schema problems with our wording.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { schemasDir } from '../node/schemas';
import type { Ctx } from './context';

/** The combined schema: each document gets its kind's schema, collector configs theirs. */
const combinedSchema = 'lab.json';
const contributorName = 'obslab';

interface RedHatYamlApi {
  registerContributor(name: string, requestSchema: (resource: string) => string | undefined, requestSchemaContent: (uri: string) => string | undefined): boolean;
}

export class YamlSchemas {
  private client: { stop(): Promise<void> } | undefined;
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
    // The language client is a bundle of its own (dist/yamlClient.js), loaded only now, so that
    // activation does not pay for parsing it.
    const module = this.ctx.extension.asAbsolutePath(join('dist', 'yamlClient.js'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { startYamlClient } = require(module) as typeof import('./yamlClient');
    try {
      this.client = await startYamlClient(this.ctx.extension, schemaUri);
    } catch (e) {
      this.ctx.output.appendLine(`The YAML language server did not start: ${e instanceof Error ? e.message : String(e)}. Diagnostics still work; completion from schemas is off.`);
    }
  }
}
