/**
 * `flowlane serve`: the web UI of the configured flows on one port, users
 * from the flowlane_user table (`flowlane user create`). With --worker the
 * same process also runs jobs and timers (in-process runner); otherwise run
 * `flowlane worker` beside it. SIGTERM or SIGINT stops it.
 */
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import type { Command } from './main.ts';
import { loadConfig } from './config.ts';
import { createEngine } from '../engine/engine.ts';
import { startWorker } from '../jobs/index.ts';
import { createWebApp } from '../web/app.ts';
import { DEFAULT_MOUNT } from '../web/viewset/index.ts';

const USAGE = `flowlane serve [--port N] [--host ADDRESS] [--mount PATH] [--worker] [--no-migrate]
               [--database URL] [--config FILE]
  --port defaults to PORT or 3000; --host to 127.0.0.1 (use 0.0.0.0 in a container);
  --mount to ${DEFAULT_MOUNT}. Set FLOWLANE_SECRET (32+ characters) when running more than one.`;

export const command: Command = {
  summary: 'serve the web UI (inbox, queue, flows, task forms)',
  usage: USAGE,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        port: { type: 'string' },
        host: { type: 'string', default: '127.0.0.1' },
        mount: { type: 'string', default: DEFAULT_MOUNT },
        worker: { type: 'boolean', default: false },
        'no-migrate': { type: 'boolean', default: false },
        database: { type: 'string' },
        config: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    });
    const port = Number(values.port ?? process.env.PORT ?? 3000);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, got "${values.port}"\n\nUsage: ${USAGE}`);
    const configOptions: Record<string, string> = {};
    if (values.database) configOptions.database = values.database;
    if (values.config) configOptions.config = values.config;
    const config = await loadConfig(configOptions);
    if (config.flows.length === 0) throw new Error('no flows configured: list them in flowlane.config.ts (flows: [...])');

    const engine = await createEngine({ database: config.database, flows: config.flows, migrate: !values['no-migrate'] });
    // Whatever fails after the engine opened (a worker, the app, the port)
    // must close it again, or its connections keep the process alive.
    let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
    try {
      worker = values.worker ? await startWorker(engine) : undefined;
      const app = await createWebApp({ engine, mount: values.mount });
      // Served alone, the site's root leads to the flows (the pages' brand link points there).
      if (values.mount.replace(/\/+$/, '') !== '') app.get('/', (c) => c.redirect(values.mount));
      const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
        const started = serve({ fetch: app.fetch, port, hostname: values.host }, (info) => {
          const runs = worker ? `, ${worker.runner.name} worker` : '';
          process.stdout.write(`flowlane serve: http://${values.host}:${info.port}${values.mount} (${engine.flows.length} flow(s)${runs})\n`);
          resolve(started);
        });
        started.once('error', reject);
      });
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', resolve);
        process.once('SIGINT', resolve);
      });
      await new Promise<void>((resolve) => server.close(() => resolve()));
    } finally {
      await worker?.stop();
      await engine.close();
    }
    return 0;
  },
};
