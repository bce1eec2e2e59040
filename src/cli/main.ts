/**
 * `flowlane <command>`: each command lives in its own module and is listed
 * here once.
 */
export interface Command {
  summary: string;
  usage: string;
  run(args: string[]): Promise<number>;
}

const COMMANDS: Record<string, () => Promise<Command>> = {
  migrate: async () => (await import('./migrate.ts')).command,
  'rename-task': async () => (await import('./rename-task.ts')).command,
  check: async () => (await import('./check.ts')).command,
  serve: async () => (await import('./serve.ts')).command,
  user: async () => (await import('./user.ts')).command,
  worker: async () => (await import('./worker.ts')).command,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const load = name ? COMMANDS[name] : undefined;
  if (!load) {
    const lines = await Promise.all(
      Object.entries(COMMANDS).map(async ([n, l]) => `  ${n.padEnd(12)} ${(await l()).summary}`),
    );
    const head = name && name !== 'help' && name !== '--help' ? `Unknown command "${name}".\n\n` : '';
    process.stderr.write(`${head}Usage: flowlane <command> [options]\n\nCommands:\n${lines.join('\n')}\n`);
    return name && name !== 'help' && name !== '--help' ? 2 : 0;
  }
  const command = await load();
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${command.summary}\n\nUsage: ${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(args);
  } catch (error) {
    const message = (error as Error).message;
    // node:util's parseArgs names the bad option but not what the command takes.
    const withUsage = (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? `${message}\n\nUsage: ${command.usage}` : message;
    process.stderr.write(`flowlane ${name}: ${withUsage}\n`);
    return 1;
  }
}
