// YAML completion and hover from our bundled, offline schemas, for the lab's files only: each file
// gets the schema its text calls for (its kind's, the collector config's, or lab.json for several
// kinds), and a workflow, a compose file or any other YAML gets none of ours. With Red Hat's YAML
// extension installed we hand it that choice (one YAML server, no doubled diagnostics); otherwise
// we run yaml-language-server ourselves, started on the first YAML document, with its own
// validation off because k8s/schema already reports schema problems with our wording.
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SchemaCatalog } from '../core/lint/schemaChoice';
import { findLabManifest } from '../node/files/labManifest';
import { loadSchemaCatalog, schemasDir } from '../node/files/schemas';
import { readSmallText } from '../node/files/textFiles';
import type { Ctx } from './context';
import { loadBundle } from './lazyBundle';
import { currentLintSettings } from './lintDiagnostics';

const contributorName = 'obslab';
/** A file not open in the editor is read only up to this size (the choice skips larger ones anyway). */
const maxReadBytes = 2_000_000;
/** Choices remembered at most (one per open document, by version), so closed documents do not pile up. */
const maxRemembered = 100;

interface RedHatYamlApi {
  registerContributor(
    name: string,
    requestSchema: (resource: string) => string | undefined,
    requestSchemaContent: (uri: string) => string | undefined,
  ): boolean;
}

export class YamlSchemas {
  private client: { stop(): Promise<void> } | undefined;
  private starting: Promise<void> | undefined;
  private catalog: SchemaCatalog | undefined;
  /** The last choice per open document and version: the server asks again for every hover. */
  private readonly chosen = new Map<string, { version: number; file: string | undefined }>();

  constructor(private readonly ctx: Ctx) {}

  register(): vscode.Disposable[] {
    const dir = schemasDir();
    if (!dir) {
      this.ctx.output.appendLine('Bundled schemas are missing; YAML completion from schemas is off.');
      return [];
    }
    const schemaFor = (resource: string): string | undefined => this.schemaFor(dir, resource);
    const redHat = vscode.extensions.getExtension<RedHatYamlApi>('redhat.vscode-yaml');
    if (redHat) {
      void this.handToRedHat(redHat, schemaFor);
      return [];
    }
    const startIfYaml = (doc: vscode.TextDocument): void => {
      if (doc.languageId === 'yaml' && !this.starting) this.starting = this.start(schemaFor);
    };
    vscode.workspace.textDocuments.forEach(startIfYaml);
    return [vscode.workspace.onDidOpenTextDocument(startIfYaml), { dispose: () => void this.client?.stop() }];
  }

  /** The URI of the bundled schema for a document, or undefined when none of ours applies or obslab.lint.scope says not here. */
  schemaFor(dir: string, resource: string): string | undefined {
    try {
      // Schemas go where the linting goes: nowhere when it is off, only in lab folders when it is only there.
      const { scope } = currentLintSettings();
      if (scope === 'off') return undefined;
      const uri = vscode.Uri.parse(resource);
      const file = this.chooseFor(dir, uri);
      if (!file) return undefined;
      if (scope === 'labFolders' && !inLabFolder(uri)) return undefined;
      return vscode.Uri.file(join(dir, file)).toString();
    } catch (e) {
      this.ctx.output.appendLine(
        `Could not choose a YAML schema for ${resource}: ${e instanceof Error ? e.message : String(e)}`,
      );
      return undefined;
    }
  }

  private chooseFor(dir: string, uri: vscode.Uri): string | undefined {
    const key = uri.toString();
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    const last = this.chosen.get(key);
    if (doc && last?.version === doc.version) return last.file;
    const text = doc ? doc.getText() : readSmallFile(uri);
    if (text === undefined) return undefined;
    this.catalog ??= loadSchemaCatalog(dir);
    // The choice parses YAML, so it is a bundle of its own (dist/schemaChoice.js), loaded on the first question.
    const file = loadBundle(this.ctx, 'schemaChoice').chooseSchema(text, this.catalog);
    if (doc) {
      if (this.chosen.size >= maxRemembered) this.chosen.clear();
      this.chosen.set(key, { version: doc.version, file });
    }
    return file;
  }

  private async handToRedHat(
    ext: vscode.Extension<RedHatYamlApi>,
    schemaFor: (resource: string) => string | undefined,
  ): Promise<void> {
    try {
      const api = await ext.activate();
      // Our schemas are files; Red Hat's server reads file: URIs itself.
      api.registerContributor(contributorName, schemaFor, () => undefined);
      this.ctx.output.appendLine('YAML schemas handed to the Red Hat YAML extension.');
    } catch (e) {
      this.ctx.output.appendLine(
        `Could not hand our schemas to the Red Hat YAML extension: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }

  private async start(schemaFor: (resource: string) => string | undefined): Promise<void> {
    // The language client is a bundle of its own (dist/yamlClient.js), loaded only now, so that
    // activation does not pay for parsing it.
    const { startYamlClient } = loadBundle(this.ctx, 'yamlClient');
    try {
      this.client = await startYamlClient(this.ctx.extension, schemaFor);
    } catch (e) {
      this.ctx.output.appendLine(
        `The YAML language server did not start: ${e instanceof Error ? e.message : String(e)}. Diagnostics still work; completion from schemas is off.`,
      );
    }
  }
}

/** A lab folder (it holds obslab-lab.json) is the file's own folder or one up to five above it. */
function inLabFolder(uri: vscode.Uri): boolean {
  return uri.scheme === 'file' && findLabManifest(uri.fsPath) !== undefined;
}

/** A file the editor has not open (the server asks only about open ones, but may ask early). */
function readSmallFile(uri: vscode.Uri): string | undefined {
  return uri.scheme === 'file' ? readSmallText(uri.fsPath, maxReadBytes) : undefined;
}
