/**
 * `flowlane user create`: adds a user who can log in to the web UI. The
 * password comes from --password or, to keep it out of the process list
 * and shell history, FLOWLANE_PASSWORD.
 */
import { parseArgs } from 'node:util';
import type { Command } from './main.ts';
import { loadConfig } from './config.ts';
import { openDatabase } from '../store/connect.ts';
import { migrate } from '../store/migrate.ts';
import { createUser } from '../web/auth/users.ts';

const USAGE = `flowlane user create --username NAME [--password PASSWORD] [--superuser]
                     [--group NAME]... [--permission CODENAME]...
                     [--email ADDRESS] [--first-name NAME] [--last-name NAME]
                     [--database URL] [--config FILE]
  The password is read from FLOWLANE_PASSWORD when --password is absent.
  Missing groups and permissions are created.`;

function parseCreate(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      username: { type: 'string' },
      password: { type: 'string' },
      superuser: { type: 'boolean', default: false },
      group: { type: 'string', multiple: true, default: [] },
      permission: { type: 'string', multiple: true, default: [] },
      email: { type: 'string' },
      'first-name': { type: 'string' },
      'last-name': { type: 'string' },
      database: { type: 'string' },
      config: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  return values;
}

async function create(args: string[]): Promise<number> {
  const options = parseCreate(args);
  if (!options.username) throw new Error(`--username is required\n\nUsage: ${USAGE}`);
  const password = options.password ?? process.env.FLOWLANE_PASSWORD;
  if (!password) throw new Error('a password is required: pass --password or set FLOWLANE_PASSWORD');

  const configOptions: Record<string, string> = {};
  if (options.database) configOptions.database = options.database;
  if (options.config) configOptions.config = options.config;
  const { database } = await loadConfig(configOptions);
  const db = await openDatabase(database);
  try {
    await migrate(db);
    const user = await createUser(db.db, {
      username: options.username,
      password,
      firstName: options['first-name'],
      lastName: options['last-name'],
      email: options.email,
      isSuperuser: options.superuser,
      groups: options.group,
      permissions: options.permission,
    });
    const details = [
      user.isSuperuser ? 'superuser' : '',
      options.group.length ? `groups: ${options.group.join(', ')}` : '',
      options.permission.length ? `permissions: ${options.permission.join(', ')}` : '',
    ].filter(Boolean);
    process.stdout.write(`created user "${user.username}" (id ${user.id})${details.length ? `; ${details.join('; ')}` : ''}\n`);
    return 0;
  } finally {
    await db.close();
  }
}

export const command: Command = {
  summary: 'manage web users (user create --username NAME ...)',
  usage: USAGE,
  async run(args) {
    const [action, ...rest] = args;
    if (action === 'create') return create(rest);
    process.stderr.write(`${action ? `Unknown action "${action}".\n\n` : ''}Usage: ${USAGE}\n`);
    return 2;
  },
};
