import type { Command } from './main.ts';
import { loadConfig, parseArgs } from './config.ts';
import { buildFlow } from '../flow/build.ts';

export const command: Command = {
  summary: 'validate the configured flows without touching the database',
  usage: 'flowlane check [--config FILE]',
  async run(args) {
    const { flows } = await loadConfig(parseArgs(args).options);
    if (flows.length === 0) throw new Error('no flows configured: list them in flowlane.config.ts (flows: [...])');
    const labels = new Map<string, string>();
    for (const cls of flows) {
      const spec = buildFlow(cls);
      const other = labels.get(spec.label);
      if (other) throw new Error(`flows ${other} and ${cls.name} both have the label "${spec.label}"`);
      labels.set(spec.label, cls.name);
      process.stdout.write(`ok  ${spec.label.padEnd(24)} ${spec.nodes.size} nodes (${cls.name})\n`);
    }
    return 0;
  },
};
