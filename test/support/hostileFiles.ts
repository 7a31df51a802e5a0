// Files that once hung or killed the linter, for the CLI and the lint process to meet alike.
import { execFileSync } from 'node:child_process';
import { symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes into an existing folder: nested a million deep (JSON and YAML), 300 MB (sparse), a FIFO, a link loop, a binary .json, a broken package.json. */
export function writeHostileFiles(dir: string): void {
  writeFileSync(join(dir, 'deep.json'), `${'['.repeat(1e6)}${']'.repeat(1e6)}`);
  writeFileSync(join(dir, 'deep.yaml'), `${'['.repeat(1e6)}${']'.repeat(1e6)}`);
  // 300 MB that take no disk.
  writeFileSync(join(dir, 'huge.yaml'), '');
  truncateSync(join(dir, 'huge.yaml'), 300e6);
  execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
  symlinkSync('loop-b.yaml', join(dir, 'loop-a.yaml'));
  symlinkSync('loop-a.yaml', join(dir, 'loop-b.yaml'));
  writeFileSync(join(dir, 'binary.json'), Buffer.from([0x7b, 0x00, 0x01, 0xff, 0xfe, 0x7d]));
  // Another tool's file, passed over by name without being read.
  writeFileSync(join(dir, 'package.json'), '[');
}
