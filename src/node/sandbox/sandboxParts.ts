// Finding the sandbox's two programs on a student's own machine, in this order: a path the
// student gave (a setting in the editor, a flag on the command line, or $OBSLAB_COLLECTOR /
// $OBSLAB_PROMETHEUS), the PATH (otelcol-contrib or otelcol; prometheus), a copy installed
// earlier, and else the official release downloaded, verified and installed for them
// (src/node/downloads/installRelease.ts). Every failure names the part, the cause and the next
// step in the words of the place the student started from (the editor's settings or the CLI's flags).
import { t } from '../../core/text/l10n';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { versions } from '../../core/facts';
import { mirrorBase } from '../../core/downloads/mirror';
import type { NetworkSettings } from '../../core/downloads/proxy';
import {
  collectorAsset,
  prometheusAsset,
  prometheusRelease,
  releaseTarget,
  unsupportedTargetText,
  type ReleaseAsset,
  type SandboxPartId,
} from '../../core/downloads/releases';
import {
  DownloadError,
  installedRelease,
  installRelease,
  type DownloadProgress,
  type InstalledRelease,
} from '../downloads/installRelease';
import { SandboxCancelled, SandboxError } from './sandboxError';

/** A program path the student named, and where they named it ("--collector", "obslab.sandbox.collectorPath"). */
export interface GivenProgram {
  path: string;
  from: string;
}

/** How the next step is phrased: the CLI's flags or the editor's settings. */
export interface PartWords {
  /** "--collector PATH" or "the setting obslab.sandbox.collectorPath" */
  collectorPath: string;
  prometheusPath: string;
  /** "--mirror URL" or "the setting obslab.downloads.mirror" */
  mirror: string;
  /** "$HTTPS_PROXY" or "the setting http.proxy" */
  proxy: string;
  /** "run `obslab sandbox up` again" or "run Start Sandbox again" */
  again: string;
}

export const cliPartWords: PartWords = {
  collectorPath: '--collector PATH',
  prometheusPath: '--prometheus-bin PATH',
  mirror: '--mirror URL',
  proxy: '$HTTPS_PROXY (and $NO_PROXY)',
  get again() {
    return t`run \`obslab sandbox up\` again`;
  },
};

/** One download, run by whoever shows its progress (the editor wraps it in a cancellable notification). */
export type DownloadRunner = (
  asset: ReleaseAsset,
  download: (onProgress: (p: DownloadProgress) => void, signal?: AbortSignal) => Promise<InstalledRelease>,
) => Promise<InstalledRelease>;

export interface SandboxPartsOptions {
  collector?: GivenProgram;
  prometheus?: GivenProgram;
  /** Where downloaded parts are installed: the editor's global storage, the CLI's data folder. */
  root: string;
  /** The mirror setting's raw value (empty: GitHub), and its name for messages. */
  mirror?: string;
  network: NetworkSettings;
  words: PartWords;
  run?: DownloadRunner;
  /** Cancels a download when the runner does not bring its own (the CLI's Ctrl-C). */
  signal?: AbortSignal;
  /** For tests of other machines; the running process' by default. */
  platform?: string;
  arch?: string;
  env?: Readonly<Record<string, string | undefined>>;
}

export type ProgramSource = 'given' | 'path' | 'installed' | 'downloaded';

export interface FoundProgram {
  path: string;
  source: ProgramSource;
  /** "otelcol-contrib from PATH (/usr/local/bin/otelcol-contrib)" */
  detail: string;
}

export interface SandboxPrograms {
  collector: FoundProgram;
  prometheus: FoundProgram;
}

function runnable(path: string, platform: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    if (platform !== 'win32') accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first `names` found on PATH (with .exe on Windows). */
export function onPath(
  names: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  platform: string,
): string | undefined {
  const dirs = (env['PATH'] ?? env['Path'] ?? '').split(platform === 'win32' ? ';' : delimiter).filter(Boolean);
  for (const name of names)
    for (const dir of dirs) {
      const candidate = join(dir, platform === 'win32' ? `${name}.exe` : name);
      if (runnable(candidate, platform)) return candidate;
    }
  return undefined;
}

interface PartSpec {
  id: SandboxPartId;
  /** The SandboxError part name. */
  part: 'collector' | 'prometheus';
  program: string;
  given: GivenProgram | undefined;
  pathNames: readonly string[];
  setting: string;
  asset: (target: NonNullable<ReturnType<typeof releaseTarget>>) => ReleaseAsset;
}

function downloadFix(e: DownloadError, spec: PartSpec, words: PartWords): string {
  const yourself = t`or install ${spec.program} yourself and name it with ${spec.setting}`;
  switch (e.kind) {
    case 'cancelled':
      return t`${words.again} to download it`;
    case 'busy':
      return t`wait for that download to finish, then ${words.again}`;
    case 'checksum':
    case 'archive':
      return t`${words.again} to download it afresh; if it fails the same way, what reaches this machine is not the \
official release: check ${words.mirror} and any proxy (${words.proxy}), ${yourself}`;
    case 'disk':
      return t`free some space in (or give write access to) the extension's storage folder, then ${words.again}`;
    case 'network':
      return t`check the network connection; behind a proxy set ${words.proxy}; without access to GitHub set \
${words.mirror} to a mirror of its release downloads; ${yourself}`;
  }
}

async function findOne(
  spec: PartSpec,
  opts: SandboxPartsOptions,
  platform: string,
  arch: string,
): Promise<FoundProgram> {
  const env = opts.env ?? process.env;
  const givenEnv = env[spec.id === 'collector' ? 'OBSLAB_COLLECTOR' : 'OBSLAB_PROMETHEUS'];
  const given =
    spec.given ??
    (givenEnv
      ? { path: givenEnv, from: `$${spec.id === 'collector' ? 'OBSLAB_COLLECTOR' : 'OBSLAB_PROMETHEUS'}` }
      : undefined);
  if (given) {
    const path = resolve(given.path);
    if (runnable(path, platform))
      return { path, source: 'given', detail: t`${spec.program} from ${given.from} (${path})` };
    throw new SandboxError(
      spec.part,
      t`no executable ${spec.part} at ${path} (from ${given.from})`,
      t`check the path given with ${given.from}, or leave it empty so Observability Lab finds ${spec.program} \
on PATH or downloads it`,
    );
  }
  const found = onPath(spec.pathNames, env, platform);
  if (found) return { path: found, source: 'path', detail: t`${spec.program} from PATH (${found})` };

  const target = releaseTarget(platform, arch);
  if (!target)
    throw new SandboxError(
      spec.part,
      unsupportedTargetText(platform, arch, spec.program, spec.setting),
      opts.words.again,
    );
  const asset = spec.asset(target);
  const installed = installedRelease(asset, opts.root);
  if (installed)
    return {
      path: installed.binary,
      source: 'installed',
      detail: t`${asset.title}, downloaded earlier (${installed.binary})`,
    };
  const mirror = mirrorBase(opts.mirror, opts.words.mirror);
  if ('problem' in mirror)
    throw new SandboxError('sandbox', mirror.problem, t`correct ${opts.words.mirror}, then ${opts.words.again}`);
  const download = (onProgress: (p: DownloadProgress) => void, signal?: AbortSignal): Promise<InstalledRelease> =>
    installRelease(asset, {
      root: opts.root,
      mirror: mirror.base,
      network: opts.network,
      onProgress,
      ...(signal ? { signal } : {}),
    });
  try {
    const got = await (opts.run ? opts.run(asset, download) : download(() => undefined, opts.signal));
    return {
      path: got.binary,
      source: 'downloaded',
      detail: t`${asset.title}, downloaded and verified (${got.binary})`,
    };
  } catch (e) {
    if (e instanceof DownloadError)
      throw new (e.kind === 'cancelled' ? SandboxCancelled : SandboxError)(
        spec.part,
        e.reason,
        downloadFix(e, spec, opts.words),
      );
    throw e;
  }
}

/** The collector and Prometheus to run, found or installed in the order above; one after the other, so a failure stops early. */
export async function findSandboxPrograms(opts: SandboxPartsOptions): Promise<SandboxPrograms> {
  const platform = opts.platform ?? process.platform;
  const arch = opts.arch ?? process.arch;
  const collector = await findOne(
    {
      id: 'collector',
      part: 'collector',
      program: 'otelcol-contrib',
      given: opts.collector,
      // The core distribution has the otlp receiver and the prometheus exporter too.
      pathNames: ['otelcol-contrib', 'otelcol'],
      setting: opts.words.collectorPath,
      asset: (t) => collectorAsset(versions.collector, t),
    },
    opts,
    platform,
    arch,
  );
  const prometheus = await findOne(
    {
      id: 'prometheus',
      part: 'prometheus',
      program: 'prometheus',
      given: opts.prometheus,
      pathNames: ['prometheus'],
      setting: opts.words.prometheusPath,
      asset: (t) => prometheusAsset(prometheusRelease, t),
    },
    opts,
    platform,
    arch,
  );
  return { collector, prometheus };
}
