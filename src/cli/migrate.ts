import type { Command } from './main.ts';
import { loadConfig, parseArgs } from './config.ts';
import { openDatabase } from '../store/connect.ts';
import { migrate } from '../store/migrate.ts';

export const command: Command = {
  summary: 'apply pending database migrations',
  usage: 'flowlane migrate [--database URL] [--config FILE]',
  async run(args) {
    const { database } = await loadConfig(parseArgs(args).options);
    const db = await openDatabase(database);
    try {
      const applied = await migrate(db);
      process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
      return 0;
    } finally {
      await db.close();
    }
  },
};
