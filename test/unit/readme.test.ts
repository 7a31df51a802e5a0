import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { englishManifest } from '../support/manifest';

const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const manifest = englishManifest() as {
  contributes: {
    commands: { command: string; title: string }[];
    configuration: { properties: Record<string, unknown> };
  };
  scripts: Record<string, string>;
};

describe('README', () => {
  it('documents every command the extension contributes, by id and title', () => {
    for (const c of manifest.contributes.commands) {
      assert.ok(readme.includes(`\`${c.command}\``), `README names ${c.command}`);
      assert.ok(readme.includes(c.title), `README names "${c.title}"`);
    }
  });

  it('documents every setting', () => {
    for (const key of Object.keys(manifest.contributes.configuration.properties))
      assert.ok(readme.includes(`\`${key}\``), `README names ${key}`);
  });

  it('shows the two commands of the contract', () => {
    assert.match(readme, /npm start/);
    assert.match(readme, /npm test/);
  });
});
