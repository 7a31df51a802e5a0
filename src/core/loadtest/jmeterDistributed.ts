// JMeter's own distributed mode as values: the remote engines a student lists (host:port, …), the
// controller's command (`jmeter -n -t plan -R host:port,… -G…`) and a `jmeter -s` engine's, and how
// RMI is secured. JMeter 5.6.3 (read in its bin/jmeter.properties and RmiUtils, 2026-12-05): an
// engine's registry listens on server_port (default 1099), its engine object on
// server.rmi.localport (0: any port), the controller's sample listeners on client.rmi.localport
// (0: any port); RMI goes over TLS with a keystore both sides share (rmi_keystore.jks unless
// server.rmi.ssl.keystore.file says otherwise), or in clear with server.rmi.ssl.disable=true.
// With a keystore, JMeter binds every RMI socket to java.rmi.server.hostname's address; without,
// to every interface. The engines run the plan and send their samples back; the controller writes
// them all, merged, into its one .jtl. Plan properties reach the engines only as -G (global).
import type { Command } from '../shellQuote';
import { t } from '../text/l10n';
import { jtlHeader } from './jtl';

/** JMeter's default RMI registry port of a `jmeter -s` engine (server_port / server.rmi.port). */
export const JMETER_SERVER_PORT = 1099;

export interface RemoteEngine {
  host: string;
  port: number;
}

const hostName =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

const example = (): string => t`write them as host:port, separated by commas, e.g. 10.0.0.5:1099,10.0.0.6:1099`;

/** What is wrong with `entry`'s host, said whole, or undefined. */
function hostProblem(entry: string, host: string): string | undefined {
  const v4 = ipv4.exec(host);
  if (v4)
    return v4.slice(1).every((o) => Number(o) <= 255)
      ? undefined
      : t`'${entry}' in the remote servers: '${host}' is not an IPv4 address; ${example()}`;
  if (host.includes(':') || host.startsWith('['))
    return t`'${entry}' in the remote servers: '${host}' is an IPv6 address; \
give the engine by host name or IPv4 address; ${example()}`;
  return hostName.test(host)
    ? undefined
    : t`'${entry}' in the remote servers: '${host}' is not a host name; ${example()}`;
}

/**
 * The remote engines as typed ("host:port, host:port"; a host alone means port 1099, JMeter's
 * default), or one sentence naming the entry that is wrong and how to write it.
 */
export function parseRemoteEngines(text: string): RemoteEngine[] | string {
  if (!text.trim()) return t`no remote JMeter servers given: ${example()}`;
  const engines: RemoteEngine[] = [];
  const seen = new Set<string>();
  for (const [i, raw] of text.split(',').entries()) {
    const entry = raw.trim();
    if (!entry) return t`entry ${i + 1} of the remote servers is empty: ${example()}`;
    const colon = entry.lastIndexOf(':');
    const bare = colon < 0 || entry.startsWith('[') || entry.indexOf(':') !== colon;
    const host = bare ? entry : entry.slice(0, colon);
    const portText = bare ? String(JMETER_SERVER_PORT) : entry.slice(colon + 1);
    const problem = hostProblem(entry, host);
    if (problem) return problem;
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535)
      return t`'${entry}' in the remote servers: '${portText}' is not a port (1–65535); ${example()}`;
    const key = `${host.toLowerCase()}:${Number(portText)}`;
    if (seen.has(key))
      return t`'${entry}' is listed twice in the remote servers: each JMeter server runs the whole plan once, so list it once`;
    seen.add(key);
    engines.push({ host, port: Number(portText) });
  }
  return engines;
}

const loopback = (host: string): boolean => /^127\.\d+\.\d+\.\d+$/.test(host) || host.toLowerCase() === 'localhost';

/**
 * Where engines call the controller back (java.rmi.server.hostname): 127.0.0.1 when every engine
 * is on this machine, so nothing listens beyond loopback; otherwise undefined, JMeter's own choice
 * (this machine's address, or what the student set).
 */
export function callbackHostFor(engines: readonly RemoteEngine[]): string | undefined {
  return engines.length && engines.every((e) => loopback(e.host)) ? '127.0.0.1' : undefined;
}

/** The engines as JMeter's -R takes them: "host:port,host:port". */
export function remoteEnginesArg(engines: readonly RemoteEngine[]): string {
  return engines.map((e) => `${e.host}:${e.port}`).join(',');
}

/**
 * How RMI between controller and engines is secured: a keystore both share (its settings in a
 * properties file handed to JMeter with -q, so no password is on a command line), RMI in clear
 * (server.rmi.ssl.disable=true), or whatever JMeter's own properties say (servers someone else runs).
 */
export type RmiSecurity =
  { kind: 'keystore'; propertiesFile: string } | { kind: 'ssl-disabled' } | { kind: 'jmeter-properties' };

export function rmiSecurityArgs(rmi: RmiSecurity): string[] {
  if (rmi.kind === 'keystore') return ['-q', rmi.propertiesFile];
  if (rmi.kind === 'ssl-disabled') return ['-Jserver.rmi.ssl.disable=true'];
  return [];
}

export interface ControllerOptions {
  plan: string;
  jtl: string;
  log: string;
  engines: readonly RemoteEngine[];
  /** The plan's properties (SERVER, PORT, THREADS…): sent to every engine as -G. */
  props: Record<string, string>;
  rmi: RmiSecurity;
  /** The address engines call back on (java.rmi.server.hostname); JMeter's guess when unset. */
  callbackHost?: string;
  /** client.rmi.localport: the first port of the controller's listeners (0 or unset: any). */
  clientRmiPort?: number;
  /** Extra JMeter properties for the controller only (-J). */
  controllerProps?: Record<string, string>;
}

const jprops = (flag: '-J' | '-G' | '-D', props: Record<string, string>): string[] =>
  Object.entries(props).map(([k, v]) => `${flag}${k}=${v}`);

/** The controller's arguments: -n -t plan -l jtl -j log -R engines, RMI settings, -G per plan property. */
export function controllerArgs(o: ControllerOptions): string[] {
  return [
    '-n',
    '-t',
    o.plan,
    '-l',
    o.jtl,
    '-j',
    o.log,
    '-R',
    remoteEnginesArg(o.engines),
    ...(o.callbackHost ? [`-Djava.rmi.server.hostname=${o.callbackHost}`] : []),
    ...(o.clientRmiPort ? [`-Jclient.rmi.localport=${o.clientRmiPort}`] : []),
    ...rmiSecurityArgs(o.rmi),
    ...jprops('-J', o.controllerProps ?? {}),
    ...jprops('-G', o.props),
  ];
}

/** The controller as a command to show or run: the launcher, then controllerArgs. */
export function controllerCommand(launcher: string, o: ControllerOptions): Command {
  return [launcher, ...controllerArgs(o)];
}

export interface EngineOptions {
  /** server_port: the engine's RMI registry. */
  port: number;
  /** server.rmi.localport: the engine object's port (0: any). */
  rmiPort: number;
  /** java.rmi.server.hostname: the address the engine gives the controller (and, with a keystore, binds to). */
  hostname: string;
  rmi: RmiSecurity;
  log: string;
}

/** A `jmeter -s` engine's arguments, as bin/jmeter-server passes them (-Dserver_port=…, -s, -j log). */
export function engineArgs(o: EngineOptions): string[] {
  return [
    '-s',
    `-Dserver_port=${o.port}`,
    `-Jserver.rmi.localport=${o.rmiPort}`,
    `-Djava.rmi.server.hostname=${o.hostname}`,
    ...rmiSecurityArgs(o.rmi),
    '-j',
    o.log,
  ];
}

/** A value in a Java .properties file: backslashes doubled, leading blanks and line breaks escaped. */
function propertyValue(v: string): string {
  return v
    .replace(/\\/g, '\\\\')
    .replace(/\r/g, '\\r')
    .replace(/\n/g, '\\n')
    .replace(/^[ \t]/, (c) => `\\${c}`);
}

/** The properties that point controller and engines at one PKCS12 keystore (key and trust alike). */
export function keystoreProperties(keystore: string, password: string): string {
  const p: Record<string, string> = {
    'server.rmi.ssl.keystore.type': 'PKCS12',
    'server.rmi.ssl.keystore.file': keystore,
    'server.rmi.ssl.keystore.password': password,
    'server.rmi.ssl.keystore.alias': 'rmi',
    'server.rmi.ssl.truststore.type': 'PKCS12',
    'server.rmi.ssl.truststore.file': keystore,
    'server.rmi.ssl.truststore.password': password,
  };
  return `# JMeter RMI keystore for one distributed run (written by Observability Lab)\n${Object.entries(p)
    .map(([k, v]) => `${k}=${propertyValue(v)}`)
    .join('\n')}\n`;
}

/**
 * keytool's arguments for the key pair JMeter's bin/create-rmi-keystore.sh makes (alias rmi), as
 * PKCS12; the password comes from the environment variable `passwordEnv`, never the command line.
 */
export function keytoolArgs(keystore: string, passwordEnv: string, validityDays = 2): string[] {
  return [
    '-genkeypair',
    '-alias',
    'rmi',
    '-keyalg',
    'RSA',
    '-keysize',
    '2048',
    '-validity',
    String(validityDays),
    '-dname',
    'CN=obslab-jmeter-rmi',
    '-storetype',
    'PKCS12',
    '-keystore',
    keystore,
    `-storepass:env`,
    passwordEnv,
  ];
}

/**
 * The engines the controller's console says it could not use: "Following remote engines could not
 * be configured:[a:1]" (JMeter 5.6.3, nothing answered there) or "The following remote engines have
 * not started:[a:1, b:2]".
 */
export function enginesNotStarted(line: string): string[] | undefined {
  const m = /(?:remote engines have not started|remote engines could not be configured):\s*\[([^\]]*)\]/.exec(line);
  if (!m) return undefined;
  return (m[1] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * What a line of the controller's console or log means for the student, when it is one of the
 * failures of distributed mode; undefined for any other line.
 */
export function explainControllerLine(line: string): string | undefined {
  const notStarted = enginesNotStarted(line);
  if (notStarted?.length)
    return t`JMeter could not start the remote engine(s) ${notStarted.join(', ')}: is \`jmeter-server\` running there, \
is its port reachable from here, and do both sides use the same RMI security (the same keystore, or \
server.rmi.ssl.disable=true on both)?`;
  if (/No keystore for RMI over SSL|rmi_keystore\.jks \(No such file/.test(line))
    return t`JMeter found no RMI keystore: create one with JMeter's bin/create-rmi-keystore.sh and copy it to the controller \
and every server, or run both sides with -J server.rmi.ssl.disable=true`;
  const refused = /Connection refused to host: ?([^;\s]+)/.exec(line);
  if (refused)
    return t`a connection to ${refused[1] ?? t`a host`} was refused: is jmeter-server running there on that port? (When an \
engine calls the controller back, java.rmi.server.hostname must be an address the engines reach.)`;
  return undefined;
}

/** A line of a controller that writes its .jtl to standard output (the cluster's Job): the CSV header or a sample. */
export function isJtlLine(line: string): boolean {
  return /^timeStamp,/.test(line) || /^\d{10,},/.test(line);
}

/**
 * Splits a controller's standard output, line by line, into its .jtl and its console. JMeter 5.6.3
 * writes no CSV header to /dev/stdout (it is a file that exists, and JMeter appends to existing
 * files headerless), so the default header (the controller writes JMeter's default columns) goes
 * before the first sample.
 */
export function controllerOutputReader(): { take(line: string): { jtl: string[]; console?: string } } {
  let started = false;
  return {
    take(line) {
      if (!isJtlLine(line)) return { jtl: [], ...(line.trim() ? { console: line } : {}) };
      const first = !started;
      started = true;
      return { jtl: first && !line.startsWith('timeStamp,') ? [jtlHeader, line] : [line] };
    },
  };
}
