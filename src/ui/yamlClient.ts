// The YAML language client, bundled apart (dist/yamlClient.js) and loaded on the first YAML
// file: it starts dist/yamlServer.js with our offline settings, and tells the server which of
// our schemas a file gets whenever it asks.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind } from 'vscode-languageclient/node';
import { yamlServerSettings } from '../core/yamlServerSettings';

/** The schema URI for a document URI, or undefined when none of ours applies. */
export type SchemaFor = (resource: string) => string | undefined;

export async function startYamlClient(
  extension: vscode.ExtensionContext,
  schemaFor: SchemaFor,
): Promise<LanguageClient> {
  const serverModule = extension.asAbsolutePath(join('dist', 'yamlServer.js'));
  const settings = yamlServerSettings();
  const client = new LanguageClient(
    'obslab-yaml',
    vscode.l10n.t('Observability Lab YAML'),
    {
      run: { module: serverModule, transport: TransportKind.ipc },
      debug: { module: serverModule, transport: TransportKind.ipc },
    },
    {
      documentSelector: [{ language: 'yaml' }],
      initializationOptions: { l10nPath: extension.asAbsolutePath(join('dist', 'l10n')) },
      middleware: {
        workspace: {
          // The server asks for its settings; we answer for it, so the user's yaml.* settings
          // (which belong to Red Hat's extension) cannot switch the schema store back on.
          configuration: (params) =>
            params.items.map((item) =>
              item.section === 'yaml' ? settings : item.section === 'http' ? { proxy: '', proxyStrictSSL: true } : null,
            ),
        },
      },
    },
  );
  // yaml-language-server asks this on every completion, hover and code lens, with the document's
  // URI; an empty list sends it to its settings, which map no schema to any file.
  client.onRequest<string | string[], void>('custom/schema/request', (resource: string) => schemaFor(resource) ?? []);
  await client.start();
  await client.sendNotification('workspace/didChangeConfiguration', { settings: { yaml: settings } });
  await client.sendNotification('yaml/registerCustomSchemaRequest');
  return client;
}
