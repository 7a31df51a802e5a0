// Where each registry is, as the machine's own configuration says: this machine reaches registries
// only through what GOPROXY, npm's registry, pip's index-url and Maven's mirrors name, so
// `npm run facts` asks exactly those. Pure: the text of each configuration is handed in.

export const defaultPypiIndex = 'https://pypi.org/simple';
/** Maven's own default for central (the super-POM). */
export const defaultMavenCentral = 'https://repo.maven.apache.org/maven2';

/** Text fit to print: the user and password (or token) of every URL in it are replaced, never shown. */
export function redactUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@');
}

/** GOPROXY as printed by `go env GOPROXY`: a list of proxies separated by , or |, each redacted. */
export function describeGoproxy(value: string): string {
  const v = value.trim();
  if (!v) return 'https://proxy.golang.org,direct (Go default)';
  return v
    .split(/([,|])/)
    .map((part) => (part === ',' || part === '|' ? part : redactUrl(part)))
    .join('');
}

/**
 * pip's index: PIP_INDEX_URL wins, then what `pip config list` prints (`:env:.index-url`,
 * `install.index-url`, `global.index-url`, in pip's order of precedence), then PyPI.
 */
export function pipIndexUrl(env: Record<string, string | undefined>, pipConfigList: string): string {
  const fromEnv = env['PIP_INDEX_URL']?.trim();
  if (fromEnv) return fromEnv;
  const values = new Map<string, string>();
  for (const line of pipConfigList.split('\n')) {
    const m = /^\s*([^=\s]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m?.[1]) continue;
    values.set(m[1], (m[2] ?? '').replace(/^(['"])(.*)\1$/, '$2'));
  }
  for (const key of [':env:.index-url', 'install.index-url', 'global.index-url']) {
    const v = values.get(key)?.trim();
    if (v) return v;
  }
  return defaultPypiIndex;
}

/**
 * Maven Central as Maven would reach it: the first <mirror> in settings.xml whose <mirrorOf> covers
 * central (`*`, `central`, or a list naming it, `external:*`), else central itself.
 */
export function mavenRepositoryUrl(settingsXml: string | undefined): string {
  if (!settingsXml) return defaultMavenCentral;
  const text = settingsXml.replace(/<!--[\s\S]*?-->/g, '');
  for (const m of text.matchAll(/<mirror>([\s\S]*?)<\/mirror>/g)) {
    const body = m[1] ?? '';
    const of = /<mirrorOf>\s*([^<]*?)\s*<\/mirrorOf>/.exec(body)?.[1] ?? '';
    const url = /<url>\s*([^<]*?)\s*<\/url>/.exec(body)?.[1];
    const patterns = of.split(',').map((p) => p.trim());
    if (patterns.includes('!central')) continue;
    if (url && patterns.some((p) => p === '*' || p === 'central' || p === 'external:*')) return url.replace(/\/+$/, '');
  }
  return defaultMavenCentral;
}

/** `<repo>/org/apache/jmeter/ApacheJMeter_core/maven-metadata.xml` for `org.apache.jmeter:ApacheJMeter_core`. */
export function mavenMetadataUrl(repository: string, coordinates: string): string {
  const [group, artifact] = coordinates.split(':');
  if (!group || !artifact) throw new Error(`not groupId:artifactId: ${coordinates}`);
  return `${repository.replace(/\/+$/, '')}/${group.split('.').join('/')}/${artifact}/maven-metadata.xml`;
}

/** The <version> entries of a maven-metadata.xml. */
export function mavenVersions(metadataXml: string): string[] {
  return [...metadataXml.matchAll(/<version>\s*([^<\s]+)\s*<\/version>/g)].map((m) => m[1] ?? '').filter(Boolean);
}

/** PEP 503 normalised project name, as the Simple API addresses it. */
export function pypiProjectName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

export function pypiProjectUrl(index: string, name: string): string {
  return `${index.replace(/\/+$/, '')}/${pypiProjectName(name)}/`;
}

interface SimpleFile {
  filename?: unknown;
  yanked?: unknown;
}

/** The version in a distribution's file name (name-1.2.3.tar.gz, name-1.2.3-py3-none-any.whl). */
export function versionOfFile(project: string, filename: string): string | undefined {
  const norm = pypiProjectName(project);
  const m = /^(.+?)-(\d[^-]*?)(?:-[^-]+-[^-]+-[^-]+(?:-[^-]+)?\.whl|\.tar\.gz|\.zip|\.tar\.bz2|\.tgz)$/i.exec(filename);
  if (!m || pypiProjectName(m[1] ?? '') !== norm) return undefined;
  return m[2];
}

/**
 * The versions a Simple API page offers, without those whose every file is yanked. Reads the JSON
 * form (PEP 691, with PEP 700's `versions` where the index gives it) or the HTML form (PEP 503).
 */
export function pypiVersions(project: string, body: string, contentType: string): string[] {
  const files: { version: string; yanked: boolean }[] = [];
  let listed: string[] | undefined;
  if (/json/i.test(contentType) || body.trimStart().startsWith('{')) {
    const doc = JSON.parse(body) as { versions?: unknown; files?: SimpleFile[] };
    if (Array.isArray(doc.versions)) listed = doc.versions.filter((v): v is string => typeof v === 'string');
    for (const f of doc.files ?? []) {
      const v = typeof f.filename === 'string' ? versionOfFile(project, f.filename) : undefined;
      if (v) files.push({ version: v, yanked: f.yanked !== undefined && f.yanked !== false });
    }
  } else {
    for (const m of body.matchAll(/<a\s([^>]*)>([^<]+)<\/a>/gi)) {
      const v = versionOfFile(project, (m[2] ?? '').trim());
      if (v) files.push({ version: v, yanked: /data-yanked/i.test(m[1] ?? '') });
    }
  }
  const live = new Set(files.filter((f) => !f.yanked).map((f) => f.version));
  const yankedOnly = new Set(files.filter((f) => f.yanked && !live.has(f.version)).map((f) => f.version));
  const all = listed ?? [...new Set(files.map((f) => f.version))];
  return all.filter((v) => !yankedOnly.has(v));
}
