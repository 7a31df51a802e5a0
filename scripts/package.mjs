// npm run package: a production build (minified, no source maps), packed by @vscode/vsce into
// .obslab-build/observability-lab.vsix. What goes in is listed in .vscodeignore; esbuild bundled
// the dependencies, so vsce does not walk node_modules.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sh, step } from './lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, '.obslab-build');
const vsix = join(outDir, 'observability-lab.vsix');
const vsce = join(dirname(createRequire(import.meta.url).resolve('@vscode/vsce/package.json')), 'vsce');

step('production build');
sh(process.execPath, ['esbuild.mjs', '--production'], { cwd: root });

step('check what goes into the package');
const listed = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' });
if (listed.status !== 0) {
  console.error(`vsce ls failed:\n${listed.stdout}${listed.stderr}`);
  process.exit(1);
}
const files = new Set(
  listed.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean),
);
const problems = [];
// Every file package.json names (main, bin, snippets, walkthrough media, ...) must be packed.
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const named = [];
const walk = (v) => {
  if (typeof v === 'string') {
    const p = normalize(v).replace(/^\.\//, '');
    if (/^[\w.-]+\/[^\s:]+$/.test(p) && existsSync(join(root, p)) && statSync(join(root, p)).isFile()) named.push(p);
  } else if (Array.isArray(v)) v.forEach(walk);
  else if (v && typeof v === 'object') Object.values(v).forEach(walk);
};
walk({ main: manifest.main, bin: manifest.bin, contributes: manifest.contributes });
for (const p of named) if (!files.has(p)) problems.push(`${p} is named in package.json but left out`);
// Folders the code reads at run time.
for (const dir of ['templates', 'schemas', 'dist/l10n']) {
  if (existsSync(join(root, dir)) && ![...files].some((f) => f.startsWith(`${dir}/`)))
    problems.push(`${dir}/ is read at run time but left out`);
}
for (const f of files) {
  if (/\.map$/.test(f) || /^(src|test|bench|scripts|node_modules)\//.test(f))
    problems.push(`${f} does not belong in the package`);
}
if (problems.length) {
  console.error(`.vscodeignore needs fixing:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}

step('vsce package');
mkdirSync(outDir, { recursive: true });
rmSync(vsix, { force: true });
const hasLicense = readdirSync(root).some((f) => /^licen[sc]e(\.|$)/i.test(f));
const packed = spawnSync(
  process.execPath,
  [
    vsce,
    'package',
    '--no-dependencies',
    // The project has no public repository yet: this is vsce's own marker for that (package.json
    // names no placeholder URL), and it keeps vsce from stopping to ask.
    '--allow-missing-repository',
    // README links stay relative to the extension folder (vsce would otherwise stop, unable to
    // rewrite them against a repository URL we lack).
    '--no-rewrite-relative-links',
    // Without a LICENSE file vsce stops to ask "Do you want to continue?".
    ...(hasLicense ? [] : ['--skip-license']),
    '--out',
    vsix,
  ],
  { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
);
process.stdout.write(packed.stdout ?? '');
process.stderr.write(packed.stderr ?? '');
if (packed.status !== 0) {
  console.error(`vsce package failed (exit ${packed.status ?? packed.signal})`);
  process.exit(1);
}
// A package people can publish packs without a warning (issue 21): vsce prints each as WARNING.
const warnings = `${packed.stdout}\n${packed.stderr}`.split('\n').filter((l) => /\bWARNING\b/i.test(l));
if (warnings.length) {
  console.error(`vsce package warned; fix what it says:\n  ${warnings.join('\n  ')}`);
  process.exit(1);
}

if (!existsSync(vsix)) {
  console.error(`vsce finished but ${vsix} is missing`);
  process.exit(1);
}
process.stdout.write(
  `\n${relative(root, vsix)}: ${(statSync(vsix).size / 1024).toFixed(1)} KiB, ${files.size} files\n`,
);
