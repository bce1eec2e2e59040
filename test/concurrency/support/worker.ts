/**
 * A racer: a separate Node process with an engine of its own on the test's
 * database. Reads commands as JSON lines on stdin; each command is a batch
 * of calls fired together at a wall-clock instant shared with the other
 * racers, and answered with one JSON line of outcomes.
 *
 *   node --import tsx worker.ts '{"url":…,"redisUrl":…,"redisPrefix":…}'
 */
import { createInterface } from 'node:readline';
import { createEngine, type FlowUser } from '../../../src/index.ts';
import { allRaceFlows } from './flows.ts';
import type { Call, Outcome, RacerConfig, UserJson } from './racers.ts';

const config = JSON.parse(process.argv[2]!) as RacerConfig;
const flows = allRaceFlows(config.redisUrl, config.redisPrefix);
const engine = await createEngine({
  database: config.url,
  flows: Object.values(flows).flatMap((f) => [f.JoinRace, f.Review]),
  migrate: false,
  settings: config.settings,
});

const asUser = (u: UserJson): FlowUser => ({
  id: u.id,
  username: u.username,
  isSuperuser: u.superuser ?? false,
  permissions: new Set(),
  groups: new Set(),
});

function perform(call: Call): Promise<unknown> {
  switch (call.op) {
    case 'runHandle':
      return engine.runHandle(call.taskId, { args: call.args });
    case 'assign':
      return engine.assign(call.taskId, { user: asUser(call.user) });
    case 'execute':
      return engine.execute(call.taskId, { user: asUser(call.user) });
    case 'cancelProcess':
      return engine.cancelProcess(call.processId, { user: asUser(call.user) });
  }
}

async function outcome(call: Call): Promise<Outcome> {
  if (call.after) await new Promise((resolve) => setTimeout(resolve, call.after));
  const began = Date.now();
  try {
    await perform(call);
    return { ok: true, began, ended: Date.now() };
  } catch (error) {
    const e = error as Error & { code?: string };
    return { ok: false, began, ended: Date.now(), error: { name: e.name, code: String(e.code ?? ''), message: e.message } };
  }
}

// Warm up: a pooled connection and an id block, so the race measures steps, not start-up.
await engine.start(flows.none.Review, 'start');
process.stdout.write('ready\n');

for await (const line of createInterface({ input: process.stdin })) {
  const { id, at, calls } = JSON.parse(line) as { id: number; at: number; calls: Call[] };
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
  const outcomes = await Promise.all(calls.map(outcome));
  process.stdout.write(`${JSON.stringify({ id, outcomes })}\n`);
}
await engine.close();
