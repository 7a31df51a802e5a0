// What a built-in run's failures below HTTP mean, in the student's words: a refused target, a
// process out of file handles or local ports, a target that never answered, requests cut by Stop.
// The CLI prints these after the summary; the Run Load Test view shows them as its notes.
import { t } from '../text/l10n';
import { backoffMaxMs, noAnswerCode, type RunResult } from './runner';

// A count with its noun, each number's own sentence part: "1 request", "3 requests".
const requests = (n: number): string => (n === 1 ? t`${n} request` : t`${n} requests`);
const connections = (n: number): string => (n === 1 ? t`${n} connection` : t`${n} connections`);
const seconds = (n: number): string => (n === 1 ? t`${n} second` : t`${n} seconds`);

export function runNotes(
  r: Pick<RunResult, 'failuresByCode' | 'interrupted' | 'stoppedBy' | 'open' | 'rateDip'>,
): string[] {
  const notes: string[] = [];
  const o = r.open;
  if (o) {
    notes.push(
      t`open model: intended ${o.intendedRps} req/s (${o.intended} requests), achieved ${o.achievedRps} req/s \
(${o.sent} sent) on up to ${o.connections} of ${o.maxConnections} connections; each latency counts from \
the request's intended start.`,
    );
    if (o.late)
      notes.push(
        t`${requests(o.late)} went out late: every one of the ${o.maxConnections} connections (the cap) \
was busy, so they waited for a free one, and their latency includes the wait. Raise --max-connections, \
or lower the rate.`,
      );
    if (o.dropped)
      notes.push(
        t`${requests(o.dropped)} dropped (never sent): the pool was at its cap of ${o.maxConnections} \
connections and a second's requests already waited, or the run ended while they waited: on ${o.maxConnections} \
connections the server did not keep up with ${o.targetRps} req/s. What it answered is in the latencies.`,
      );
  }
  const dip = r.rateDip;
  if (dip)
    notes.push(
      t`the achieved rate dropped by ${dip.dropPercent}% (from about ${dip.usualRps} to ${dip.dipRps} req/s) for \
${seconds(dip.seconds)} from ${dip.fromSec} s into the run. In the closed model a slow server gets \
fewer requests, and latency is measured from each request's actual send, so the requests not sent while \
it stalled are in no figure; the open model (--rate) measures from the intended start.`,
    );
  const count = (code: string): number => r.failuresByCode[code] ?? 0;
  const refused = count('ECONNREFUSED');
  if (refused)
    notes.push(
      t`the target refused ${connections(refused)}: nothing listens on that host and port, or it turns \
connections away. Each thread waited longer after each refusal, up to ${backoffMaxMs / 1000} s.`,
    );
  const reset = count('ECONNRESET') + count('EPIPE');
  if (reset)
    notes.push(
      t`the target closed ${connections(reset)} before answering in full (ECONNRESET): it may be overloaded \
or restarting. Threads waited after each such failure too.`,
    );
  const handles = count('EMFILE') + count('ENFILE');
  if (handles)
    notes.push(
      t`${connections(handles)} could not be opened: this process ran out of file handles (${count('EMFILE') ? 'EMFILE' : 'ENFILE'}). \
Run fewer threads, or raise the limit (ulimit -n) before starting the editor or the CLI.`,
    );
  const ports = count('EADDRNOTAVAIL') + count('ENOBUFS');
  if (ports)
    notes.push(
      t`${connections(ports)} could not be opened: this machine ran out of local ports or socket buffers \
(${count('EADDRNOTAVAIL') ? 'EADDRNOTAVAIL' : 'ENOBUFS'}). Keep connections alive (the plan's use_keepalive), \
or run fewer threads.`,
    );
  const unanswered = count(noAnswerCode);
  if (unanswered)
    notes.push(
      t`${requests(unanswered)} had no answer within the run (recorded as errors "${noAnswerCode}"): \
the target accepted the connection but did not respond before the run's end and its grace period.`,
    );
  if (r.interrupted && r.stoppedBy !== 'completed')
    notes.push(
      t`${requests(r.interrupted)} still waiting for an answer when the run was stopped (not counted as samples).`,
    );
  return notes;
}
