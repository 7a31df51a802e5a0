// Our .tar.gz reader against archives GNU tar writes (the real tool, in its gnu, pax and ustar
// formats, long names included), and against archives built to escape the folder they unpack
// into: an absolute path, "..", a symlink leading out, a file written through such a link.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { linkTargetInside, readTarHeader, safeEntryPath } from '../../src/core/downloads/tar';
import { extractTarGz, TarError } from '../../src/node/downloads/tarGz';

let dir: string;

function tarGz(name: string, args: string[], cwd: string): string {
  const out = join(dir, name);
  execFileSync('tar', ['-czf', out, ...args], { cwd });
  return out;
}

function fresh(name: string): string {
  const d = join(dir, name);
  mkdirSync(d);
  return d;
}

describe('unpacking a .tar.gz without a tar program', () => {
  const longDir = `a-folder-whose-name-is-long-${'x'.repeat(60)}/and-deeper-${'y'.repeat(60)}`;
  const longName = `${longDir}/the-file-with-a-name-over-one-hundred-bytes-${'z'.repeat(40)}.txt`;
  let src: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'obslab-tar-'));
    src = fresh('src');
    mkdirSync(join(src, 'prometheus-3.14.0.linux-amd64'));
    writeFileSync(join(src, 'prometheus-3.14.0.linux-amd64', 'prometheus'), '#!/bin/sh\necho prometheus\n', {
      mode: 0o755,
    });
    writeFileSync(join(src, 'prometheus-3.14.0.linux-amd64', 'LICENSE'), 'Apache License 2.0\n', { mode: 0o644 });
    mkdirSync(join(src, longDir), { recursive: true });
    writeFileSync(join(src, longName), 'long\n');
    // 1 MiB of bytes that do not compress, across many gunzip chunks.
    writeFileSync(
      join(src, 'prometheus-3.14.0.linux-amd64', 'big'),
      Buffer.from(Array.from({ length: 1 << 20 }, (_, i) => (i * 7919) % 251)),
    );
    symlinkSync('prometheus', join(src, 'prometheus-3.14.0.linux-amd64', 'prom-link'));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const format of ['gnu', 'pax', 'ustar'] as const) {
    it(`unpacks what GNU tar writes in ${format} format: folders, modes, a 1 MiB file, a link inside${format === 'ustar' ? '' : ', a name over 100 bytes'}`, async () => {
      const names = ['prometheus-3.14.0.linux-amd64', ...(format === 'ustar' ? [] : [longDir.split('/')[0] ?? ''])];
      const archive = tarGz(`${format}.tar.gz`, [`--format=${format}`, ...names], src);
      const out = fresh(`out-${format}`);
      const written = await extractTarGz(archive, out);
      assert.ok(written.includes('prometheus-3.14.0.linux-amd64/prometheus'));
      const bin = join(out, 'prometheus-3.14.0.linux-amd64', 'prometheus');
      assert.equal(readFileSync(bin, 'utf8'), '#!/bin/sh\necho prometheus\n');
      assert.equal(statSync(bin).mode & 0o777, 0o755);
      assert.equal(statSync(join(out, 'prometheus-3.14.0.linux-amd64', 'LICENSE')).mode & 0o777, 0o644);
      assert.deepEqual(
        readFileSync(join(out, 'prometheus-3.14.0.linux-amd64', 'big')),
        readFileSync(join(src, 'prometheus-3.14.0.linux-amd64', 'big')),
      );
      assert.equal(readlinkSync(join(out, 'prometheus-3.14.0.linux-amd64', 'prom-link')), 'prometheus');
      if (format !== 'ustar') assert.equal(readFileSync(join(out, longName), 'utf8'), 'long\n');
    });
  }

  it('refuses an entry with an absolute path, and writes nothing outside', async () => {
    const victim = join(dir, 'victim-abs');
    writeFileSync(victim, 'x');
    // -P keeps the leading slash, as a hostile archive would.
    const archive = tarGz('abs.tar.gz', ['-P', victim], dir);
    rmSync(victim);
    await assert.rejects(extractTarGz(archive, fresh('out-abs')), (e: unknown) => {
      assert.ok(e instanceof TarError);
      assert.match(e.message, /a path outside the folder it unpacks into/);
      return true;
    });
    assert.equal(existsSync(victim), false);
  });

  it('refuses an entry that climbs out with ".."', async () => {
    const inner = fresh('climb');
    writeFileSync(join(dir, 'outside.txt'), 'x');
    const archive = tarGz('dotdot.tar.gz', ['-P', '../outside.txt'], inner);
    rmSync(join(dir, 'outside.txt'));
    const out = fresh('out-dotdot');
    await assert.rejects(extractTarGz(archive, out), /"\.\.\/outside\.txt", a path outside the folder/);
    assert.equal(existsSync(join(dir, 'outside.txt')), false);
  });

  it('refuses a symlink that leads out, before anything can be written through it', async () => {
    const s = fresh('evil-src');
    symlinkSync('../../etc', join(s, 'escape'));
    const archive = tarGz('evil-link.tar.gz', ['escape'], s);
    await assert.rejects(
      extractTarGz(archive, fresh('out-evil')),
      /a link escape → \.\.\/\.\.\/etc, which leads outside/,
    );
  });

  it('refuses to write a file through a link it made, even one that stays inside', async () => {
    const s = fresh('through-src');
    mkdirSync(join(s, 'real'));
    symlinkSync('real', join(s, 'alias'));
    const archive = join(dir, 'through.tar.gz');
    // The link first, then a file "inside" it: GNU tar adds names in the order given.
    writeFileSync(join(dir, 'through-file'), 'x');
    execFileSync(
      'tar',
      ['-czf', archive, 'alias', '--transform', 's,^through-file$,alias/file,', '-C', dir, 'through-file'],
      { cwd: s },
    );
    await assert.rejects(extractTarGz(archive, fresh('out-through')), /whose folder alias is not a folder/);
  });

  it('says a damaged archive is not readable', async () => {
    const bad = join(dir, 'bad.tar.gz');
    const good = readFileSync(tarGz('good.tar.gz', ['prometheus-3.14.0.linux-amd64'], src));
    writeFileSync(bad, Buffer.concat([good.subarray(0, 200), Buffer.alloc(100, 7), good.subarray(300)]));
    await assert.rejects(
      extractTarGz(bad, fresh('out-bad')),
      (e: unknown) => e instanceof TarError || e instanceof Error,
    );
    const notGzip = join(dir, 'plain.txt');
    writeFileSync(notGzip, 'Not Found');
    await assert.rejects(extractTarGz(notGzip, fresh('out-plain')), /not a readable \.tar\.gz/);
    writeFileSync(join(dir, 'cut.tar.gz'), gzipSync(Buffer.alloc(700)).subarray(0, 10));
    await assert.rejects(extractTarGz(join(dir, 'cut.tar.gz'), fresh('out-cut')), TarError);
  });
});

describe('tar entries, decided without the disk', () => {
  it('keeps relative paths and drops "./" and empty segments', () => {
    assert.equal(
      safeEntryPath('./prometheus-3.14.0.linux-amd64/prometheus'),
      'prometheus-3.14.0.linux-amd64/prometheus',
    );
    assert.equal(safeEntryPath('a//b/'), 'a/b');
    assert.equal(safeEntryPath('otelcol-contrib'), 'otelcol-contrib');
  });

  it('refuses absolute paths, drive letters and ".." anywhere', () => {
    for (const p of ['/etc/passwd', 'C:/Windows/x', 'c:evil', '../x', 'a/../../x', 'a/..', '\\\\server\\share', '.'])
      assert.equal(safeEntryPath(p), undefined, p);
  });

  it('follows a link from its own folder (symlink) or the root (hard link), and refuses one that leads out', () => {
    assert.equal(linkTargetInside('p/bin/prom', '../lib/prom', 'symlink'), 'p/lib/prom');
    assert.equal(linkTargetInside('p/prom-link', 'prometheus', 'symlink'), 'p/prometheus');
    assert.equal(linkTargetInside('p/x', '../../etc', 'symlink'), undefined);
    assert.equal(linkTargetInside('p/x', '/etc/passwd', 'symlink'), undefined);
    assert.equal(linkTargetInside('p/x', 'p/prometheus', 'hardlink'), 'p/prometheus');
    assert.equal(linkTargetInside('p/x', '../p', 'hardlink'), undefined);
  });

  it('reads the end-of-archive block as the end, and a header whose checksum is wrong as damaged', () => {
    assert.equal(readTarHeader(new Uint8Array(512)), null);
    const block = new Uint8Array(512);
    block.set(new TextEncoder().encode('name'), 0);
    block.set(new TextEncoder().encode('0000000\0'), 148);
    assert.throws(() => readTarHeader(block), /damaged/);
  });
});
