/**
 * The demo application: the example flows, their roles as groups with
 * permissions, a user per role, and the web UI at /workflow. main.ts runs
 * it on a port; the browser tests run the same app on a free one.
 */
import type { Hono } from 'hono';
import { createEngine, type Engine } from 'flowlane';
import { startWorker, type WorkerLogger } from 'flowlane/jobs';
import { addUserToGroup, createUser, createWebApp, findUserByUsername, grantPermission } from 'flowlane/web';
import { HelloWorldFlow } from '../helloworld.ts';
import { ShipmentFlow } from '../shipment.ts';
import { ReviewFlow } from '../review.ts';

export const DEMO_FLOWS = [HelloWorldFlow, ShipmentFlow, ReviewFlow];

/** Each role is a group; its permissions decide what its members see and may take. */
const ROLES: Record<string, { about: string; permissions: string[] }> = {
  employee: {
    about: 'writes hello world messages and submits documents for review',
    permissions: ['helloworld.view', 'helloworld.can_start', 'review.view', 'review.can_start'],
  },
  supervisor: {
    about: 'approves messages (and overdue ones), reviews documents, takes out extra insurance, manages all flows',
    permissions: [
      'helloworld.view',
      'helloworld.manage',
      'helloworld.can_approve',
      'helloworld.can_escalate',
      'review.view',
      'review.manage',
      'review.can_review',
      'shipment.view',
      'shipment.manage',
      'shipment.can_take_extra_insurance',
    ],
  },
  clerk: {
    about: 'enters shipments, chooses carriers, handles insurance, labels and quotes',
    permissions: [
      'shipment.view',
      'shipment.can_start',
      'shipment.can_shipment_type',
      'shipment.can_check_insurance',
      'shipment.can_fill_post_label',
      'shipment.can_request_quotes',
      'shipment.can_pick_quote',
    ],
  },
  warehouse: {
    about: 'packs goods and moves packages',
    permissions: ['shipment.view', 'shipment.can_package_goods', 'shipment.can_move_package'],
  },
};

export interface DemoUser {
  username: string;
  password: string;
  about: string;
}

/** One user per role (named after it) and a superuser; the password is printed at start, so demo only. */
export const DEMO_USERS: DemoUser[] = [
  { username: 'admin', password: 'demo-admin', about: 'superuser: may do everything' },
  ...Object.entries(ROLES).map(([role, { about }]) => ({ username: role, password: `demo-${role}`, about })),
];

/** Creates the roles and the demo users that do not exist yet. */
export async function seedDemo(engine: Engine): Promise<void> {
  const db = engine.database.db;
  for (const [role, { permissions }] of Object.entries(ROLES)) {
    for (const codename of permissions) await grantPermission(db, { group: role }, codename);
  }
  for (const user of DEMO_USERS) {
    if (await findUserByUsername(db, user.username)) continue;
    const created = await createUser(db, { username: user.username, password: user.password, isSuperuser: user.username === 'admin' });
    if (user.username in ROLES) await addUserToGroup(db, created.id, user.username);
  }
}

export interface Demo {
  engine: Engine;
  app: Hono<any>;
  /** Stops the worker and closes the engine. */
  close(): Promise<void>;
}

/**
 * The engine on `database` (migrated), the demo users, the web app with
 * "/" leading to the workflow pages, and a worker in the same process for
 * the flows' background jobs and timers.
 */
export async function createDemo(database: string, options: { secret?: string; logger?: WorkerLogger } = {}): Promise<Demo> {
  const engine = await createEngine({ database, flows: DEMO_FLOWS });
  try {
    const app = await createWebApp({ engine, secret: options.secret });
    await seedDemo(engine);
    app.get('/', (c) => c.redirect('/workflow'));
    const worker = await startWorker(engine, { logger: options.logger });
    return {
      engine,
      app,
      async close() {
        await worker.stop();
        await engine.close();
      },
    };
  } catch (error) {
    await engine.close();
    throw error;
  }
}
