// npm run docs: regenerates the parts of README.md that come from the code.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withTable } from './findingsTable';

const path = join(__dirname, '..', 'README.md');
writeFileSync(path, withTable(readFileSync(path, 'utf8')));
console.log('README.md: finding codes table updated');
