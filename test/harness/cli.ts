// npm run harness -- PART up|down|status|install   (PART may be "all")
//                  prepare run                       (npm start's background build, in the foreground)
import { parts } from './parts';
import type { Part } from './lib';
import { prepare, preparePart } from './prepare';

async function main(argv: string[]): Promise<number> {
  const [name, action] = argv;
  const usage = `usage: npm run harness -- <${Object.keys(parts).join('|')}|prepare|all> <install|up|down|status> (prepare also: run)`;
  if (!name || !action) {
    console.error(usage);
    return 2;
  }
  if (name === 'prepare' && action === 'run') {
    const p = await prepare();
    return p.steps.some((s) => s.state === 'failed') ? 1 : 0;
  }
  // `prepare` is npm start's, not a part of `all`: it installs and starts parts itself.
  const one = name === 'prepare' ? preparePart : parts[name];
  const chosen: Part[] = name === 'all' ? Object.values(parts) : one ? [one] : [];
  if (chosen.length === 0) {
    console.error(`unknown part '${name}'\n${usage}`);
    return 2;
  }
  for (const part of chosen) {
    switch (action) {
      case 'install':
        await part.install();
        console.log(`${part.name}: installed`);
        break;
      case 'up': {
        const s = await part.up();
        console.log(`${part.name}: ${s.state}${s.url ? ` at ${s.url}` : ''}${s.detail ? ` (${s.detail})` : ''}`);
        for (const [k, v] of Object.entries(s.env ?? {})) console.log(`${k}=${v}`);
        break;
      }
      case 'down':
        await part.down();
        console.log(`${part.name}: stopped`);
        break;
      case 'status': {
        const s = await part.status();
        console.log(
          `${part.name}: ${s.state}${s.url ? ` at ${s.url}` : ''}${s.pid ? ` pid ${s.pid}` : ''}${s.detail ? ` (${s.detail})` : ''}`,
        );
        for (const [k, v] of Object.entries(s.env ?? {})) console.log(`${k}=${v}`);
        break;
      }
      default:
        console.error(`unknown action '${action}'\n${usage}`);
        return 2;
    }
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
