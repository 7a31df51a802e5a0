// The typed messages between the Inspect IRSA Role page and the extension host. The page only
// shows the report and asks for a refresh; the host trusts nothing it sends but these shapes.
import type { IrsaReport } from '../iam/report';

export interface IrsaReadyMessage {
  type: 'ready';
}
export interface IrsaRefreshMessage {
  type: 'refresh';
}
export type IrsaPageMessage = IrsaReadyMessage | IrsaRefreshMessage;

export function parseIrsaPageMessage(v: unknown): IrsaPageMessage | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const keys = Object.keys(v);
  const type = (v as { type?: unknown }).type;
  if (keys.length !== 1 || (type !== 'ready' && type !== 'refresh')) return undefined;
  return { type };
}

export interface IrsaReportMessage {
  type: 'report';
  report: IrsaReport;
}
export interface IrsaLoadingMessage {
  type: 'loading';
  roleName: string;
}
export interface IrsaErrorMessage {
  type: 'error';
  roleName: string;
  message: string;
}
export type IrsaHostMessage = IrsaReportMessage | IrsaLoadingMessage | IrsaErrorMessage;

export function isIrsaHostMessage(v: unknown): v is IrsaHostMessage {
  const type = typeof v === 'object' && v !== null ? (v as { type?: unknown }).type : undefined;
  return type === 'report' || type === 'loading' || type === 'error';
}
