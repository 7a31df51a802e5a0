// Asking the registries, through the configuration already on the machine: `go list -m` (GOPROXY,
// GONOPROXY, GOPRIVATE, .netrc: all Go's own), `npm view` (npm's registry and auth), pip's index as
// `pip config list` or PIP_INDEX_URL name it, and Maven Central or the mirror ~/.m2/settings.xml
// names. Programs run with argument arrays; each answer is bounded in time, and a registry that
// does not answer becomes a sentence, never a stack trace.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Answer } from './report';
import { listsVersion } from './versions';
import {
  describeGoproxy,
  mavenMetadataUrl,
  mavenRepositoryUrl,
  mavenVersions,
  pipIndexUrl,
  pypiProjectUrl,
  pypiVersions,
  redactUrl,
} from './registryConfig';

const timeoutMs = 60_000;

interface Ran {
  ok: boolean;
  stdout: string;
  stderr: string;
  /** ENOENT when the program is not installed, 'timeout' when it did not finish. */
  problem?: 'ENOENT' | 'timeout';
}

function runProgram(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { cwd: tmpdir(), env, timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024, windowsHide: true },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { killed?: boolean }) | null;
        const problem = e?.code === 'ENOENT' ? 'ENOENT' : e?.killed ? 'timeout' : undefined;
        resolve({ ok: !err, stdout: String(stdout), stderr: String(stderr), ...(problem ? { problem } : {}) });
      },
    );
  });
}

/** The line of a failure's output that says what went wrong (npm ends with where its log is), credentials hidden. */
function whatWentWrong(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/complete log of this run|^npm error\s*$/i.test(l));
  const telling = lines.find((l) =>
    /\b(E[A-Z0-9]{3,}|[45]\d\d|refus\w*|timed? ?out|not found|no such host)\b/i.test(l),
  );
  return redactUrl(telling ?? lines[lines.length - 1] ?? 'no output');
}

function failure(what: string, r: Ran, hint: string): Answer {
  if (r.problem === 'ENOENT') return { error: `${what}: the program is not installed or not on PATH. ${hint}` };
  if (r.problem === 'timeout') return { error: `${what}: no answer within ${timeoutMs / 1000} s. ${hint}` };
  return { error: `${what}: ${whatWentWrong(r.stderr || r.stdout)}. ${hint}` };
}

// ---- Go ------------------------------------------------------------------------------------------

// Go runs outside any module (the temporary folder) and never fetches a toolchain of its own.
const goEnv = (): NodeJS.ProcessEnv => ({ ...process.env, GOTOOLCHAIN: 'local' });

export async function goproxyDescription(): Promise<string> {
  const r = await runProgram('go', ['env', 'GOPROXY'], goEnv());
  return r.ok ? describeGoproxy(r.stdout) : 'go is not on PATH';
}

/** Whether the proxy serves module@version (its list can lack versions it serves). */
async function goServes(module: string, version: string): Promise<boolean> {
  return (await runProgram('go', ['list', '-m', '-json', `${module}@${version}`], goEnv())).ok;
}

export async function askGo(module: string, pinned: string): Promise<Answer> {
  const hint = 'Go asks the proxies in GOPROXY (`go env GOPROXY`).';
  const list = await runProgram('go', ['list', '-m', '-versions', '-json', module], goEnv());
  if (!list.ok) return failure(`go list -m -versions ${module}`, list, hint);
  let versions: string[] = [];
  try {
    versions = ((JSON.parse(list.stdout) as { Versions?: string[] }).Versions ?? []).filter(Boolean);
  } catch {
    return { error: `go list -m -versions ${module} printed something that is not JSON. ${hint}` };
  }
  // A proxy's list can miss versions it serves; @latest is asked too (its failure is not fatal).
  const latest = await runProgram('go', ['list', '-m', '-json', `${module}@latest`], goEnv());
  let latestVersion: string | undefined;
  if (latest.ok) {
    try {
      latestVersion = (JSON.parse(latest.stdout) as { Version?: string }).Version;
    } catch {
      latestVersion = undefined;
    }
  }
  const listed = latestVersion ? [...versions, latestVersion] : versions;
  const pinnedServed = !listsVersion(pinned, listed) && (await goServes(module, pinned));
  return { versions, ...(latestVersion ? { latest: latestVersion } : {}), ...(pinnedServed ? { pinnedServed } : {}) };
}

// ---- npm -----------------------------------------------------------------------------------------

export async function npmRegistryDescription(): Promise<string> {
  const r = await runProgram('npm', ['config', 'get', 'registry']);
  return r.ok ? redactUrl(r.stdout.trim()) : 'npm is not on PATH';
}

export async function askNpm(pkg: string): Promise<Answer> {
  const r = await runProgram('npm', ['view', pkg, 'versions', '--json']);
  const hint = 'npm asks its configured registry (`npm config get registry`).';
  if (!r.ok) return failure(`npm view ${pkg} versions`, r, hint);
  try {
    const parsed = JSON.parse(r.stdout) as unknown;
    const versions = Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
    if (typeof parsed === 'string') versions.push(parsed);
    return { versions };
  } catch {
    return { error: `npm view ${pkg} versions printed something that is not JSON. ${hint}` };
  }
}

// ---- HTTP (PyPI, Maven) --------------------------------------------------------------------------

/**
 * GET with the URL's user and password (an index URL may carry them, as pip allows) sent as Basic
 * authorization, since fetch refuses URLs that hold credentials; nothing printed shows them.
 */
async function httpGet(
  url: string,
  accept: string,
): Promise<{ body: string; contentType: string } | { error: string }> {
  const shown = redactUrl(url);
  try {
    const u = new URL(url);
    const headers: Record<string, string> = { Accept: accept };
    if (u.username || u.password) {
      const user = decodeURIComponent(u.username);
      const password = decodeURIComponent(u.password);
      headers['Authorization'] = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
      u.username = '';
      u.password = '';
    }
    const res = await fetch(u, { headers, signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return { error: `${shown} answered HTTP ${res.status}` };
    return { body: await res.text(), contentType: res.headers.get('content-type') ?? '' };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string; errors?: { code?: string }[] } };
    if (err.name === 'TimeoutError' || err.name === 'AbortError')
      return { error: `${shown} gave no answer within ${timeoutMs / 1000} s` };
    const proxy = process.env['HTTPS_PROXY'] ?? process.env['https_proxy'];
    const proxyHint =
      proxy && !process.env['NODE_USE_ENV_PROXY']
        ? ' (HTTPS_PROXY is set: run with NODE_USE_ENV_PROXY=1 so fetch uses it)'
        : '';
    const reason = err.cause?.code ?? err.cause?.errors?.[0]?.code ?? err.cause?.message ?? err.message;
    return { error: `${shown} could not be reached (${redactUrl(reason)})${proxyHint}` };
  }
}

/** pip's index, as the environment and `pip config list` say; PyPI when neither names one. */
export async function pipIndex(): Promise<string> {
  let list = await runProgram('pip', ['config', 'list']);
  if (!list.ok && list.problem === 'ENOENT') list = await runProgram('python3', ['-m', 'pip', 'config', 'list']);
  return pipIndexUrl(process.env, list.ok ? list.stdout : '');
}

export async function askPypi(index: string, project: string): Promise<Answer> {
  const got = await httpGet(
    pypiProjectUrl(index, project),
    'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.1',
  );
  const hint = 'pip asks PIP_INDEX_URL or the index-url of `pip config list`.';
  if ('error' in got) return { error: `${got.error}. ${hint}` };
  try {
    return { versions: pypiVersions(project, got.body, got.contentType) };
  } catch {
    return { error: `${redactUrl(pypiProjectUrl(index, project))} did not answer as a Simple API page. ${hint}` };
  }
}

export function mavenRepository(): string {
  let settings: string | undefined;
  try {
    settings = readFileSync(join(homedir(), '.m2', 'settings.xml'), 'utf8');
  } catch {
    settings = undefined;
  }
  return mavenRepositoryUrl(settings);
}

export async function askMaven(repository: string, coordinates: string): Promise<Answer> {
  const got = await httpGet(mavenMetadataUrl(repository, coordinates), 'application/xml, text/xml');
  const hint = 'Maven asks central or the mirror of central in ~/.m2/settings.xml.';
  if ('error' in got) return { error: `${got.error}. ${hint}` };
  return { versions: mavenVersions(got.body) };
}
