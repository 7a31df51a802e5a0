// npm run harness -- PART up|down|status|install   (PART may be "all")
import { parts } from './parts';
import type { Part } from './lib';

async function main(argv: string[]): Promise<number> {
  const [name, action] = argv;
  const usage = `usage: npm run harness -- <${Object.keys(parts).join('|')}|all> <install|up|down|status>`;
  if (!name || !action) {
    console.error(usage);
    return 2;
  }
  const chosen: Part[] = name === 'all' ? Object.values(parts) : parts[name] ? [parts[name]] : [];
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
