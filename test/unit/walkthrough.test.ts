import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { facts } from '../../src/core/facts';
import { activationEvents } from '../../src/features';

const root = join(__dirname, '..', '..');
interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string };
  completionEvents?: string[];
}
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  activationEvents: string[];
  contributes: { commands: { command: string }[]; walkthroughs: { id: string; steps: Step[] }[] };
};
const steps = manifest.contributes.walkthroughs[0]?.steps ?? [];
const commandIds = new Set(manifest.contributes.commands.map((c) => c.command));
const markdown = (s: Step): string => readFileSync(join(root, s.media.markdown ?? ''), 'utf8');

describe('walkthrough', () => {
  it('has a step for the prerequisites, each of Tasks 1 to 5, and cleanup', () => {
    assert.deepEqual(
      steps.map((s) => s.id),
      ['prerequisites', 'task1', 'task2', 'task3', 'task4', 'task5', 'cleanup'],
    );
    for (const s of steps)
      assert.ok(s.media.markdown && existsSync(join(root, s.media.markdown)), `${s.id} has its markdown`);
  });

  it('links only to commands the extension contributes', () => {
    for (const s of steps) {
      const links = [...`${s.description}\n${markdown(s)}`.matchAll(/command:([\w.]+)/g)].map((m) => m[1] ?? '');
      assert.ok(links.length > 0 || s.description.includes('command:'), `${s.id} has a button`);
      for (const id of links) assert.ok(commandIds.has(id), `${s.id} links to ${id}, which exists`);
    }
  });

  it('completes steps from commands and context keys, not from opening them', () => {
    for (const s of steps) {
      assert.ok(s.completionEvents?.length, `${s.id} has completion events`);
      for (const e of s.completionEvents ?? []) assert.match(e, /^(onCommand|onContext):/, `${s.id}: ${e}`);
    }
  });

  for (const fact of facts) {
    it(`tells the student: ${fact.id} (${fact.version})`, () => {
      const all = steps.map(markdown).join('\n');
      for (const phrase of fact.walkthroughSays) assert.ok(all.includes(phrase), `the walkthrough says "${phrase}"`);
    });
  }

  it('activates only after start-up (or to restore its query or doctor panel), doing no work before a command runs', () => {
    // The panels come from the feature table (src/features.ts); test/unit/features.test.ts names them.
    assert.deepEqual(manifest.activationEvents, activationEvents());
    assert.equal(manifest.activationEvents[0], 'onStartupFinished');
  });
});
