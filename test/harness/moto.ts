// The AWS IAM, STS and EKS APIs for tests: moto in server mode (PyPI `moto[server]`), in a private
// virtual environment in the cache, listening on a free 127.0.0.1 port. The SDK clients reach it
// through the standard AWS_ENDPOINT_URL with moto's dummy credentials, as any AWS tool would.
//
// What moto 5.2.5 does and does not do, checked against the running server:
// - eks:CreateCluster returns identity.oidc.issuer (https://oidc.eks.<region>.amazonaws.com/id/<random>),
//   so the IRSA steps see a real-looking issuer; nothing serves that issuer's discovery document.
// - iam:SimulatePrincipalPolicy and iam:SimulateCustomPolicy are not implemented (HTTP 500,
//   NotImplementedError): the extension falls back to its own evaluation (src/core/iam/evaluate.ts).
// - Every request is allowed: moto does not enforce IAM on its own API calls (no AccessDenied).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  cacheDir,
  daemonStatus,
  freePort,
  httpOk,
  installed,
  markInstalled,
  readRecord,
  run,
  startDaemon,
  stopDaemon,
  tail,
  waitFor,
  type Part,
  type PartStatus,
} from './lib';

export const motoVersion = '5.2.5';
const PART = 'moto';
/** moto's fixed account, and a region the lab uses; any region works. */
export const motoAccount = '123456789012';
export const motoRegion = 'ap-south-1';

export function motoDir(): string {
  return cacheDir(`moto-${motoVersion}`);
}

function motoServer(): string {
  return join(motoDir(), 'bin', 'moto_server');
}

export async function installMoto(): Promise<void> {
  const dir = motoDir();
  if (installed(dir)) return;
  const python = process.env['OBSLAB_PYTHON'] ?? 'python3';
  await run(python, ['-m', 'venv', '--clear', dir], { timeoutMs: 2 * 60_000 });
  await run(
    join(dir, 'bin', 'pip'),
    ['install', '--quiet', '--disable-pip-version-check', `moto[server]==${motoVersion}`],
    { timeoutMs: 10 * 60_000, echo: true },
  );
  markInstalled(dir);
}

/** What a process sets to talk to this moto: the SDK's standard variables, nothing of ours. */
export function motoEnv(url: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: url,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: motoRegion,
  };
}

export interface RunningMoto {
  url: string;
  pid: number;
  log: string;
  env: Record<string, string>;
  /** Forgets every resource (moto's /moto-api/reset), so tests start from an empty account. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

let serial = 0;

export async function startMoto(opts: { name?: string } = {}): Promise<RunningMoto> {
  await installMoto();
  const name = opts.name ?? `moto-${process.pid}-${++serial}`;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const daemon = startDaemon(name, motoServer(), ['-H', '127.0.0.1', '-p', String(port)], { url });
  try {
    await waitFor(`moto at ${url}`, () => httpOk(`${url}/moto-api/`), 60_000, daemon.alive);
  } catch (e) {
    await stopDaemon(name);
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n${tail(daemon.log)}`);
  }
  return {
    url,
    pid: daemon.pid,
    log: daemon.log,
    env: motoEnv(url),
    reset: async () => {
      const res = await fetch(`${url}/moto-api/reset`, { method: 'POST' });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`moto reset answered HTTP ${res.status}`);
    },
    stop: () => stopDaemon(name),
  };
}

export const motoPart: Part = {
  name: PART,
  description: `moto ${motoVersion} in server mode: the IAM, STS and EKS APIs on a free 127.0.0.1 port (dummy credentials)`,
  install: installMoto,
  async up(): Promise<PartStatus> {
    const m = await startMoto({ name: PART });
    return { name: PART, state: 'running', url: m.url, pid: m.pid, detail: `log: ${m.log}`, env: m.env };
  },
  down: () => stopDaemon(PART),
  status(): Promise<PartStatus> {
    const s = daemonStatus(PART, existsSync(join(motoDir(), '.obslab-installed')));
    const url = readRecord(PART)?.url;
    return Promise.resolve(s.state === 'running' && url ? { ...s, env: motoEnv(url) } : s);
  },
};
