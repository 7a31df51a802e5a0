// The YAML language server, bundled on its own and started by src/ui/yamlLanguageClient.ts.
import 'yaml-language-server/out/src/server.js';
