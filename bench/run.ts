// npm run bench: every cost we claim, each printed as a ratio against a peer measured in the
// same run or against its goal. No timed assertions live in tests.
import { benchExtension } from './extension';
import { benchLint } from './lint';

console.log('== extension');
benchExtension();
console.log('\n== lint');
benchLint();
