// The whole local pipeline (app → collector → Prometheus) as one harness part, through the same
// src/node/sandbox/sandbox.ts the CLI's `obslab sandbox` uses. The product finds or downloads its
// programs; the harness hands it the ones it built, by path, as a student would with --collector.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { appVenvInstalled } from '../../src/node/sandbox/appVenv';
import {
  sandboxCollectorVersion,
  sandboxDown,
  sandboxStatus,
  sandboxUp,
  type SandboxPartStatus,
} from '../../src/node/sandbox/sandbox';
import { installAppVenv } from './app';
import type { Part, PartStatus } from './lib';
import { collectorBinary, installCollector } from './otelcol';
import { prometheusBinary, prometheusPart } from './prometheus';
import { repoRoot } from './lib';

const PART = 'sandbox';

/** The programs the harness built, as sandboxUp's options: the collector at the version the lab pins, and the harness' Prometheus. */
export async function harnessSandboxPrograms(): Promise<{ collectorBinary: string; prometheusBinary: string }> {
  await prometheusPart.install();
  return {
    collectorBinary: await installCollector(sandboxCollectorVersion),
    prometheusBinary: prometheusBinary(),
  };
}

/** Where those programs are once built, without building them (a workbench that starts before they are). */
export function harnessSandboxProgramPaths(): { collectorBinary: string; prometheusBinary: string } {
  return { collectorBinary: collectorBinary(sandboxCollectorVersion), prometheusBinary: prometheusBinary() };
}

function summary(parts: SandboxPartStatus[]): string {
  return parts.map((p) => `${p.name} ${p.state}${p.url ? ` ${p.url}` : ''}`).join('; ');
}

export const sandboxPart: Part = {
  name: PART,
  description: `the lab pipeline on 127.0.0.1: the Flask app → collector ${sandboxCollectorVersion} → Prometheus scraping both collector endpoints`,
  async install(): Promise<void> {
    await prometheusPart.install();
    await installCollector(sandboxCollectorVersion, true);
    await installAppVenv();
  },
  async up(): Promise<PartStatus> {
    await sandboxPart.install();
    const r = await sandboxUp(await harnessSandboxPrograms(), (m) => console.error(`sandbox: ${m}`));
    const prom = r.parts.find((p) => p.name === 'prometheus');
    return {
      name: PART,
      state: 'running',
      ...(prom?.url ? { url: prom.url } : {}),
      detail: `${r.alreadyRunning ? 'already running; ' : ''}${summary(r.parts)}; logs: ${r.state.dir}`,
    };
  },
  async down(): Promise<void> {
    await sandboxDown();
  },
  async status(): Promise<PartStatus> {
    const parts = await sandboxStatus();
    if (parts.some((p) => p.state !== 'stopped')) {
      const prom = parts.find((p) => p.name === 'prometheus');
      return { name: PART, state: 'running', ...(prom?.url ? { url: prom.url } : {}), detail: summary(parts) };
    }
    const ready =
      existsSync(prometheusBinary()) &&
      existsSync(collectorBinary(sandboxCollectorVersion)) &&
      appVenvInstalled(join(repoRoot, 'templates', 'app', 'requirements.txt'));
    return { name: PART, state: ready ? 'installed' : 'missing' };
  },
};
