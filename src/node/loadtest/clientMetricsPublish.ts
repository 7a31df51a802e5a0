// A load test's own figures, published to the sandbox's Prometheus for the length of the run: the
// .jtl the run writes (the built-in engine's or JMeter's, the same rows either way) is followed on
// each scrape, counted by clientMetrics.ts and served on 127.0.0.1 (clientMetricsServer.ts), and a
// file_sd target file beside the sandbox's prometheus.yml tells Prometheus where. At the end the
// rest of the .jtl is read, Prometheus gets one more scrape (it scrapes every second), and the
// file is deleted, which drops the target. Following the file rather than the engine keeps one
// path for both engines and leaves the engine's thread alone.
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ClientMetrics, clientMetricsJob, clientMetricsTargets } from '../../core/loadtest/clientMetrics';
import { clientMetricsTargetsGlob } from '../../core/sandbox/config';
import { t } from '../../core/text/l10n';
import { isAlive, isOurProcess } from '../process/processes';
import { readSandboxState } from '../sandbox/sandboxState';
import { serveClientMetrics } from './clientMetricsServer';
import { JtlTail } from './jtlTail';

/** Where the running sandbox's Prometheus looks for load-test targets, or why nothing would scrape them. */
export type ClientMetricsPlace = { dir: string } | { why: string; quiet?: true };

export function sandboxClientMetricsPlace(): ClientMetricsPlace {
  const prom = readSandboxState()?.prometheus;
  if (!prom || !isOurProcess(prom.pid, prom.marker)) return { why: t`no sandbox is running`, quiet: true };
  let config = '';
  try {
    config = readFileSync(prom.config, 'utf8');
  } catch {
    // gone with the sandbox: the same answer as an old config
  }
  if (!config.includes(clientMetricsJob))
    return {
      why: t`the sandbox's Prometheus was started without the load test's scrape job (by an earlier Observability Lab); \
restart the sandbox to chart the load generator's figures beside the app's`,
    };
  // The state check holds prometheus.yml to the sandbox's own run folder.
  return { dir: dirname(prom.config) };
}

const ownTargetFile = new RegExp(`^${clientMetricsTargetsGlob.replace('.', '\\.').replace('*', '(\\d+)-\\d+')}$`);

/** Target files left by runs whose process is gone (a crash, a killed editor): Prometheus would show them down. */
export function removeStaleTargets(dir: string): string[] {
  const removed: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    const pid = Number(ownTargetFile.exec(name)?.[1]);
    if (!pid || isAlive(pid)) continue;
    rmSync(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

/**
 * The end's wait for Prometheus' last scrape. It scrapes every second, so five missed scrapes mean
 * it is stalled or gone, and the run should not hang on it.
 */
export const finalScrapeWaitMs = 5000;

/** What a run says when Prometheus did not take its last figures before the endpoint closed, in the user's language. */
export function finalScrapeMissed(): string {
  return t`the sandbox's Prometheus did not scrape the run's last figures within ${finalScrapeWaitMs / 1000} s, \
so its obslab_loadtest_* series may end short of this summary (is the machine very busy, or the sandbox stopping?)`;
}

/** The note as it reads when this module loads (English in tests, which match it); a run says finalScrapeMissed(). */
export const finalScrapeMissedNote = finalScrapeMissed();

export interface ClientMetricsOptions {
  /** The .jtl the run writes. */
  jtl: string;
  /** The folder of the sandbox's prometheus.yml (sandboxClientMetricsPlace). */
  dir: string;
  /** Labels on every series of this run, e.g. engine and plan. */
  labels: Record<string, string>;
  /** Rows that started before this (epoch ms) are an earlier run's, in a file being replaced. */
  sinceMs?: number;
  /** How long the end waits for Prometheus' last scrape (default 5 s, five of its intervals). */
  finalScrapeMs?: number;
}

export interface ClientMetricsRun {
  /** http://127.0.0.1:PORT/metrics */
  url: string;
  /** The file_sd file naming the endpoint, deleted by stop(). */
  targetsFile: string;
  /** Reads the rest of the .jtl, lets Prometheus scrape the final figures, then removes the target and closes the endpoint. */
  stop(): Promise<{ samples: number; finalScraped: boolean }>;
}

export async function publishClientMetrics(opts: ClientMetricsOptions): Promise<ClientMetricsRun> {
  removeStaleTargets(opts.dir);
  const metrics = new ClientMetrics(opts.sinceMs ?? Date.now() - 1000);
  const tail = new JtlTail(opts.jtl, (s) => metrics.record(s));
  let finished = false;
  const server = await serveClientMetrics(() => {
    if (!finished) tail.poll();
    return metrics.exposition();
  });
  const name = clientMetricsTargetsGlob.replace('*', `${process.pid}-${server.hostPort.split(':')[1] ?? '0'}`);
  const targetsFile = join(opts.dir, name);
  // Written whole and renamed into place: Prometheus never reads half a file.
  const tmp = join(opts.dir, `.${name}.tmp`);
  try {
    writeFileSync(tmp, clientMetricsTargets(server.hostPort, opts.labels));
    renameSync(tmp, targetsFile);
  } catch (e) {
    rmSync(tmp, { force: true });
    await server.close();
    throw e;
  }
  let stopping: Promise<{ samples: number; finalScraped: boolean }> | undefined;
  return {
    url: server.url,
    targetsFile,
    stop: () =>
      (stopping ??= (async () => {
        try {
          tail.finish();
          finished = true;
          // Prometheus takes in new targets at most every 5 s: one it never scraped is not its target
          // yet, and waiting for it would only hold the end of a short run.
          const finalScraped =
            server.scrapes > 0 ? await server.nextScrape(opts.finalScrapeMs ?? finalScrapeWaitMs) : false;
          return { samples: metrics.samples, finalScraped };
        } finally {
          finished = true;
          rmSync(targetsFile, { force: true });
          await server.close();
        }
      })()),
  };
}

/**
 * Publishes a run's figures when the sandbox's Prometheus can scrape them, saying where (or why
 * not) through `say`, and at the end whether Prometheus missed the last figures; undefined without
 * a sandbox. Never throws: the run goes on without them.
 */
export async function startClientMetrics(
  run: { jtl: string; engine: string; plan: string },
  say: (line: string) => void,
  finalScrapeMs = finalScrapeWaitMs,
): Promise<ClientMetricsRun | undefined> {
  const place = sandboxClientMetricsPlace();
  if ('why' in place) {
    if (!place.quiet) say(t`note: the load generator's metrics are not published: ${place.why}`);
    return undefined;
  }
  try {
    const published = await publishClientMetrics({
      jtl: run.jtl,
      dir: place.dir,
      labels: { engine: run.engine, plan: run.plan },
      finalScrapeMs,
    });
    say(t`client metrics: ${published.url}, scraped by the sandbox's Prometheus as job="${clientMetricsJob}"`);
    let said = false;
    return {
      ...published,
      stop: async () => {
        const end = await published.stop();
        if (!end.finalScraped && !said) say(t`note: ${finalScrapeMissed()}`);
        said = true;
        return end;
      },
    };
  } catch (e) {
    say(t`note: the load generator's metrics are not published: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}
