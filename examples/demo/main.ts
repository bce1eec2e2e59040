/**
 * `npm start`: the demo on SQLite in ./data, at http://localhost:3000
 * (PORT overrides). Log in as one of the printed users.
 */
import { mkdirSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { createDemo, DEMO_USERS } from './demo.ts';

const port = Number(process.env.PORT ?? 3000);
mkdirSync('data', { recursive: true });
const demo = await createDemo(process.env.FLOWLANE_DATABASE_URL ?? 'sqlite:./data/demo.db', { secret: process.env.FLOWLANE_SECRET });

const server = serve({ fetch: demo.app.fetch, port }, (info) => {
  const width = Math.max(...DEMO_USERS.map((u) => u.username.length));
  process.stdout.write(
    [
      `Flowlane demo at http://localhost:${info.port}/workflow`,
      '',
      'Demo users (demo passwords; never use them anywhere else):',
      ...DEMO_USERS.map((u) => `  ${u.username.padEnd(width)}  password ${u.password.padEnd(16)} ${u.about}`),
      '',
    ].join('\n'),
  );
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close(() => void demo.close().then(() => process.exit(0)));
  });
}
