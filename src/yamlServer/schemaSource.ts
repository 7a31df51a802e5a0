// Which schema URIs our YAML server reads: files only. A `# yaml-language-server: $schema=…`
// modeline or a yaml.schemas setting can name any URL; a server that followed it would tell
// whoever runs that address which files a student opens (and fetch what they serve), so
// http, https and every other scheme are refused before anything touches the network.

/** The error a schema request for a remote (or unknown) URI fails with. */
export const remoteSchemaRefused = 'remote schemas are not fetched';

/** Why `uri` is not read, or undefined for a file: a file: URI, an absolute or Windows path, or a path relative to the workspace. */
export function schemaSourceRefusal(uri: string): string | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
  // A single letter is a Windows drive (c:\schemas\x.json), not a scheme.
  if (scheme === undefined || scheme === 'file' || /^[a-z]:[\\/]/i.test(uri)) return undefined;
  const shown = uri.length > 200 ? `${uri.slice(0, 200)}…` : uri;
  return `${remoteSchemaRefused} (${scheme}: ${shown}); Observability Lab's YAML support uses only its bundled schemas`;
}
