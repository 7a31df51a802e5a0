// JMeter engines on this machine for distributed mode: `jmeter -s` processes (what bin/jmeter-server
// starts) each in its own process group, ready once JMeter prints its remote object, stopped by
// group; and the RMI keystore they share with the controller, made with the JDK's keytool (its
// password only in a 0600 properties file and keytool's environment, never on a command line).
// With a keystore JMeter binds every RMI socket to java.rmi.server.hostname, so engines given
// 127.0.0.1 listen on loopback only.
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { engineArgs, keystoreProperties, keytoolArgs, type RmiSecurity } from '../../core/loadtest/jmeterDistributed';
import { runProgram, startDetached, stopGroup, tail, waitFor } from '../process/processes';
import { t } from '../../core/text/l10n';

/** The JDK's keytool: $JAVA_HOME/bin/keytool, else keytool on PATH; undefined when there is none. */
export function findKeytool(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const javaHome = env['JAVA_HOME'];
  const candidates = [
    ...(javaHome ? [join(javaHome, 'bin', 'keytool')] : []),
    ...(env['PATH'] ?? '')
      .split(delimiter)
      .filter(Boolean)
      .map((d) => join(d, 'keytool')),
  ];
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * A fresh PKCS12 keystore (alias rmi, valid two days) and the properties file that points JMeter at
 * it, both in `dir`; hand the result to the controller and every engine on this machine.
 */
export async function createRmiKeystore(
  dir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RmiSecurity & { kind: 'keystore' }> {
  const keytool = findKeytool(env);
  if (!keytool)
    throw new Error(
      t`JMeter's distributed mode needs an RMI keystore, and keytool (part of the JDK that runs JMeter) was not found: \
set JAVA_HOME or put keytool on PATH`,
    );
  mkdirSync(dir, { recursive: true });
  const keystore = join(dir, 'rmi_keystore.p12');
  const propertiesFile = join(dir, 'rmi.properties');
  const password = randomBytes(18).toString('base64url');
  await runProgram(keytool, keytoolArgs(keystore, 'OBSLAB_RMI_STOREPASS'), {
    env: { ...env, OBSLAB_RMI_STOREPASS: password },
    timeoutMs: 60_000,
  });
  writeFileSync(propertiesFile, keystoreProperties(keystore, password), { mode: 0o600 });
  return { kind: 'keystore', propertiesFile };
}

/** True when host:port accepts a TCP connection within 2 s. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export interface LocalEngineOptions {
  /** server_port: the engine's RMI registry port. */
  port: number;
  /** server.rmi.localport: the engine object's port. */
  rmiPort: number;
  /** The address the engine gives the controller (and binds to, with a keystore); default 127.0.0.1. */
  hostname?: string;
  rmi: RmiSecurity;
  /** JMeter's log (-j); its console output goes beside it, as <log>.out. */
  log: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** How long the JVM may take to start (default 90 s). */
  readyTimeoutMs?: number;
}

export interface LocalEngine {
  /** "host:port", as the controller's -R names it. */
  address: string;
  pid: number;
  /** JMeter's console output so far. */
  output(): string;
  /** Ends the engine's process group (TERM, then KILL). */
  stop(): Promise<void>;
}

/** Starts one `jmeter -s` engine and resolves once it has bound its RMI objects. */
export async function startLocalEngine(launcher: string, o: LocalEngineOptions): Promise<LocalEngine> {
  const hostname = o.hostname ?? '127.0.0.1';
  const out = `${o.log}.out`;
  const args = engineArgs({ port: o.port, rmiPort: o.rmiPort, hostname, rmi: o.rmi, log: o.log });
  const proc = startDetached(launcher, args, {
    log: out,
    ...(o.cwd ? { cwd: o.cwd } : {}),
    ...(o.env ? { env: o.env } : {}),
  });
  const output = (): string => (existsSync(out) ? readFileSync(out, 'utf8') : '');
  const engine: LocalEngine = {
    address: `${hostname}:${o.port}`,
    pid: proc.pid,
    output,
    stop: () => stopGroup(proc.pid),
  };
  try {
    // JMeter prints "Created remote object: …" once the engine is exported, then creates its
    // registry: ready when both are done, the registry accepting connections.
    await waitFor(
      t`JMeter engine on ${engine.address}`,
      async () => output().includes('Created remote object') && (await accepts(hostname, o.port)),
      o.readyTimeoutMs ?? 90_000,
      proc.alive,
    );
  } catch (e) {
    await engine.stop();
    throw new Error(
      t`${e instanceof Error ? e.message : String(e)}; its output ends:\n${tail(out, 15)}\n(JMeter's log: ${o.log})`,
    );
  }
  return engine;
}
