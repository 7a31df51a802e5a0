// Which Prometheus answers, from its buildinfo version: Prometheus 3 stores `le`/`quantile` label
// values as floats and accepts UTF-8 names, so what a query must say depends on it. A server whose
// version we could not read is taken to be a 3.x, the lab's (kube-prometheus-stack 88.5.3 runs 3.14.0).

/** The major version in "3.14.0" or "v2.55.1"; undefined when the text names none. */
export function prometheusMajor(version: string | undefined): number | undefined {
  const m = /^v?(\d+)\./.exec(version?.trim() ?? '');
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/** Whether the server stores `le`/`quantile` as floats (`le="1.0"`): every 3.x, and any we could not identify. */
export function normalisesFloatLabels(version: string | undefined): boolean {
  const major = prometheusMajor(version);
  return major === undefined || major >= 3;
}
