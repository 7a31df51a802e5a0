// The YAML language server, bundled on its own and started by src/ui/yamlClient.ts: the start-up
// of yaml-language-server's own server.js, with its schema reader guarded so that it reads files
// only (schemaSource.ts). A modeline or setting naming an http(s) schema gets an error, and no
// request leaves this process: request-light, the library it fetches with, is disarmed as well.
import { promises as fs } from 'node:fs';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { TelemetryImpl } from 'yaml-language-server/out/src/languageserver/telemetry.js';
import {
  schemaRequestHandler,
  workspaceContext,
} from 'yaml-language-server/out/src/languageservice/services/schemaRequestHandler.js';
import { convertErrorToTelemetryMsg } from 'yaml-language-server/out/src/languageservice/utils/objects.js';
import { setupl10nBundle } from 'yaml-language-server/out/src/nodeTranslationSetup.js';
import { YAMLServerInit } from 'yaml-language-server/out/src/yamlServerInit.js';
import { SettingsState } from 'yaml-language-server/out/src/yamlSettings.js';
import { remoteSchemaRefused, schemaSourceRefusal } from './schemaSource';

// The schema store's catalog is fetched with request-light directly (yaml.schemaStore.enable,
// which our client keeps off): whatever asks, it answers with an error and opens no connection.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const requestLight = require('request-light') as { xhr: (options: unknown) => Promise<unknown> };
requestLight.xhr = () => Promise.reject({ responseText: remoteSchemaRefused, status: 0, headers: {} });

const connection = process.argv.includes('--stdio') ? createConnection() : createConnection(ProposedFeatures.all);

process.on('uncaughtException', (err) => connection.console.error(convertErrorToTelemetryMsg(err)));
console.log = connection.console.log.bind(connection.console);
// vscode-nls calls console.error(null) at times: that is information, not an error.
console.error = (arg: unknown) =>
  arg === null ? connection.console.info(String(arg)) : connection.console.error(String(arg));

const yamlSettings = new SettingsState();
const fileSystem = {
  readFile: async (fsPath: string, encoding?: string) =>
    (await fs.readFile(fsPath, (encoding ?? 'utf8') as BufferEncoding)).toString(),
};

/** Reads a schema the way yaml-language-server does, for files only. */
function schemaRequestService(uri: string): Promise<string> {
  const refused = schemaSourceRefusal(uri);
  if (refused) return Promise.reject(refused); // a string, as yaml-language-server's own handler rejects
  return schemaRequestHandler(
    connection,
    uri,
    yamlSettings.workspaceFolders,
    yamlSettings.workspaceRoot,
    false,
    fileSystem,
    false,
  );
}

new YAMLServerInit(
  connection,
  yamlSettings,
  workspaceContext,
  schemaRequestService,
  new TelemetryImpl(connection),
  setupl10nBundle,
).start();
