import type { Command } from './main.ts';
import { loadConfig, parseArgs } from './config.ts';
import { createEngine } from '../engine/engine.ts';

export const command: Command = {
  summary: 'rename a node in stored tasks after renaming it in the flow class',
  usage: 'flowlane rename-task FLOW OLD NEW [--database URL] [--config FILE]',
  async run(args) {
    const { options, positional } = parseArgs(args);
    const [flow, from, to] = positional;
    if (!flow || !from || !to || positional.length !== 3) throw new Error(`usage: ${this.usage}`);
    const config = await loadConfig(options);
    const engine = await createEngine({ database: config.database, flows: config.flows });
    try {
      const count = await engine.renameNode(flow, from, to);
      process.stdout.write(`renamed ${count} task${count === 1 ? '' : 's'} of ${flow} from "${from}" to "${to}"\n`);
      return 0;
    } finally {
      await engine.close();
    }
  },
};
