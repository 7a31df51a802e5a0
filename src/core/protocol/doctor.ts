// The typed messages between the doctor's report page and the extension host. The page shows the
// report and asks for things by position (link, finding, fix), never by command text: the host
// runs only fixes from the report it made itself, and trusts nothing else the page sends.
import type { ShellKind } from '../shellQuote';
import { linkIds, type DoctorReport, type LinkId } from '../doctor/report';

export interface DoctorReadyMessage {
  type: 'ready';
}
export interface DoctorRerunMessage {
  type: 'rerun';
}
/** Apply fix `fix` of finding `finding` of link `link`, in the report the host last sent. */
export interface DoctorFixMessage {
  type: 'fix';
  link: LinkId;
  finding: number;
  fix: number;
}
export type DoctorPageMessage = DoctorReadyMessage | DoctorRerunMessage | DoctorFixMessage;

const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 1000;

export function parseDoctorPageMessage(v: unknown): DoctorPageMessage | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const m = v as Record<string, unknown>;
  const keys = Object.keys(m).sort().join(',');
  if ((m['type'] === 'ready' || m['type'] === 'rerun') && keys === 'type') return { type: m['type'] };
  if (m['type'] === 'fix' && keys === 'finding,fix,link,type') {
    const link = linkIds.find((id) => id === m['link']);
    const finding = m['finding'];
    const fix = m['fix'];
    if (link && isIndex(finding) && isIndex(fix)) return { type: 'fix', link, finding, fix };
  }
  return undefined;
}

export interface DoctorRunningMessage {
  type: 'running';
  /** What is being examined: "the sandbox", "context kind-lab". */
  target: string;
}
export interface DoctorReportMessage {
  type: 'report';
  target: string;
  report: DoctorReport;
  /** Why sources were not gathered, for the page's footnote. */
  unavailable: Record<string, string>;
  ms: number;
  /** The shell commands are shown for (the host's platform decides). */
  shell?: ShellKind;
}
export interface DoctorErrorMessage {
  type: 'error';
  target: string;
  message: string;
}
/** The outcome of a fix the page asked for, shown beside it. */
export interface DoctorFixResultMessage {
  type: 'fixResult';
  link: LinkId;
  finding: number;
  fix: number;
  ok: boolean;
  message: string;
}
export type DoctorHostMessage =
  DoctorRunningMessage | DoctorReportMessage | DoctorErrorMessage | DoctorFixResultMessage;

export function isDoctorHostMessage(v: unknown): v is DoctorHostMessage {
  const type = typeof v === 'object' && v !== null ? (v as { type?: unknown }).type : undefined;
  return type === 'running' || type === 'report' || type === 'error' || type === 'fixResult';
}
