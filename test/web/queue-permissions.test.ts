/**
 * The queue is a security boundary: a user must see in it exactly the
 * unassigned human tasks they may take, each once. This is a differential
 * test of the queue read (`queue`, its paging and total, and `queueCount`)
 * against a brute-force reference that asks the permission rule
 * (`mayTakeTask`) task by task, over seeded random flows, processes and
 * users, on every database.
 *
 * The one place the reference does not ask the rule is the documented
 * limitation (docs/web.md "Lists and counts"): a group name with a comma
 * cannot be told apart inside a stored list (`groups:a,b`). Where a comma
 * group is involved the reference follows the stored text instead, by a
 * model of its own (`listNames`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Flow, flow, self, type Engine, type FlowSpec, type Node, type FlowUser, type PermissionSpec, type ProcessInfo, type TaskInfo } from '../../src/index.ts';
import { describeEachDatabase } from '../support/databases.ts';
import { engineOn, user } from '../support/engine.ts';
import { mayTakeTask } from '../../src/web/visibility.ts';
import { QUEUE_COUNT_CAP, queue, queueCount } from '../../src/web/queries.ts';

// ---------------------------------------------------------------------------
// Seeded randomness

/** mulberry32: small, fast and the same on every machine. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const some = <T>(items: readonly T[], min: number, max: number): T[] => {
    const pool = [...items];
    const out: T[] = [];
    for (let n = min + int(max - min + 1); n > 0 && pool.length; n--) out.push(pool.splice(int(pool.length), 1)[0]!);
    return out;
  };
  return { next, int, pick, some, chance: (p: number) => next() < p };
}

const SEED = 20_240_611;

// ---------------------------------------------------------------------------
// The alphabet: group names that are LIKE wildcards, the escape character,
// prefixes of one another, spaces, a backslash, non-ASCII; codenames alike.

/** Group names a node may list (no comma: the comma ones are below). */
const GROUPS = [
  'team', 'team-1', 'team-10', 'team-100', 'team_1', 'team%1', 'team!1', 'team 1', 'tea', 'm',
  '100%', '10_0', '%', '_', '!', '!!', '!%', 'a!b', 'a!_b', 'night shift', ' lead', 'ops', 'ops!',
  'x', 'y', 'z', 'w', 'a\\b', '\\', 'ü', 'groups', "o'neil",
];
/** Groups with a comma: the documented limitation inside a list. */
const COMMA_GROUPS = ['x,y', 'y,z', 'team,ops', ','];
/** Groups that no node lists, some of them close to ones that are. */
const STRANGER_GROUPS = ['te%', 'team-', 'team_', '%team%', 'team-1%', 'night', 'shift', 'ops,', ',x', 'a', 'b', 'nobody'];

const CODENAMES = ['doc.review', 'doc.review_all', 'doc.review%', 'doc.re!view', 'doc.reviewer', 'doc review', 'doc.approve', 'doc.Approve2', 'team'];
const STRANGER_CODENAMES = ['doc.re_iew', 'doc.review%all', 'doc.', 'doc.%', '%', 'qa.can_', 'qa.view', 'qa.manage'];

// ---------------------------------------------------------------------------
// Flows: built from a list of human nodes. Every process starts a Split that
// takes each human branch when its bit of `data.mask` is set, and always
// reaches a Handle (a NEW task of another type) and, in the flows that have
// one, a node assigned on creation.

interface Human {
  name: string;
  permission?: PermissionSpec;
  assign?: number;
}

/** The id tasks are assigned to on creation; nobody in the test is this user. */
const CREATED_OWNER = 777_001;

function makeFlow(label: string, humans: readonly Human[]) {
  const cls = class extends Flow<{ n: number; mask: number }> {
    static label = label;
    /** Set with the other nodes in the constructor; declared for `engine.start`'s types. */
    declare readonly start: Node;
    constructor() {
      super();
      const nodes: Record<string, unknown> = {};
      const split = flow.Split().Next(self.machine);
      nodes.start = flow.StartHandle().Next(self.split);
      nodes.split = split;
      humans.forEach((h, bit) => {
        split.Next(self[h.name], { case: (a: any) => ((a.process.data.mask >>> bit) & 1) === 1 });
        let node = flow.View().Next(self.join);
        if (h.permission !== undefined) node = node.Permission(h.permission);
        if (h.assign !== undefined) node = node.Assign(h.assign);
        nodes[h.name] = node;
      });
      nodes.machine = flow.Handle().Next(self.join);
      nodes.join = flow.Join().Next(self.end);
      nodes.end = flow.End();
      Object.assign(this, nodes);
    }
  };
  Object.defineProperty(cls, 'name', { value: `Flow_${label.replace(/-/g, '_')}` });
  return cls;
}

/** A function permission: asked task by task, never stored. */
const byVipAndEven: PermissionSpec = (u, a) => u.username.startsWith('vip') && a.process.data.n % 2 === 0;
const byOpsOrCodename: PermissionSpec = (u) => u.groups.has('ops') || u.permissions.has('doc.fn');

/** Every kind of permission, hand-picked; no function, so its queue is paged in SQL alone. */
const SQL_ONLY = makeFlow('qa', [
  { name: 'none' },
  { name: 'code', permission: 'doc.review' },
  { name: 'codeUnderscore', permission: 'doc.review_all' },
  { name: 'codePercent', permission: 'doc.review%' },
  { name: 'codeBang', permission: 'doc.re!view' },
  { name: 'auto', permission: { autoCreate: true } },
  { name: 'team', permission: { groups: ['team'] } },
  { name: 'team1', permission: { groups: ['team-1'] } },
  { name: 'team10AndTeam', permission: { groups: ['team-10', 'team'] } },
  { name: 'wild', permission: { groups: ['100%', 'team_1', 'night shift'] } },
  { name: 'wild2', permission: { groups: ['10_0', 'a!b'] } },
  { name: 'onlyWild', permission: { groups: ['%', '_', '!'] } },
  { name: 'spaced', permission: { groups: ['night shift'] } },
  { name: 'odd', permission: { groups: ['a\\b', 'ü', 'team-1'] } },
  { name: 'quote', permission: { groups: ["o'neil", ' lead'] } },
  { name: 'named', permission: { groups: ['groups'] } },
  { name: 'given', permission: { groups: ['team'] }, assign: CREATED_OWNER },
]);

/** With function permissions (the queue asks those task by task and merges them in) and comma groups. */
const WITH_FUNCTIONS = makeFlow('qa-1', [
  { name: 'none' },
  { name: 'vip', permission: byVipAndEven },
  { name: 'opsFn', permission: byOpsOrCodename },
  { name: 'code', permission: 'doc.review' },
  { name: 'auto', permission: { autoCreate: true } },
  { name: 'ops', permission: { groups: ['ops'] } },
  { name: 'teams', permission: { groups: ['team', 'team-1', 'team-10'] } },
  { name: 'team10', permission: { groups: ['team-10'] } },
  { name: 'xy', permission: { groups: ['x', 'y'] } },
  { name: 'commaAlone', permission: { groups: ['x,y'] } },
  { name: 'commaInside', permission: { groups: ['w', 'x,y', 'z'] } },
  { name: 'wxyz', permission: { groups: ['w', 'x', 'y', 'z'] } },
  { name: 'given', permission: 'doc.review', assign: CREATED_OWNER },
]);

/** Random human nodes of every kind. */
function randomHumans(r: ReturnType<typeof rng>, count: number): Human[] {
  return Array.from({ length: count }, (_, i): Human => {
    const kind = r.int(10);
    const name = `n${i}`;
    if (kind === 0) return { name };
    if (kind <= 2) return { name, permission: r.pick(CODENAMES) };
    if (kind === 3) return { name, permission: { autoCreate: true } };
    if (kind === 4) return { name, permission: r.chance(0.5) ? byVipAndEven : byOpsOrCodename };
    const groups = r.some(GROUPS, 1, 3);
    if (r.chance(0.15)) groups.splice(r.int(groups.length + 1), 0, r.pick(COMMA_GROUPS));
    return { name, permission: { groups } };
  });
}

const RANDOM = makeFlow('qa_1', randomHumans(rng(SEED + 1), 14));
const FLOWS = [SQL_ONLY, WITH_FUNCTIONS, RANDOM];

/**
 * Names that differ only in letter case, an accent or a trailing space are
 * different names to the permission rule (it compares strings exactly), so
 * they must be to the queue too.
 */
const CASES = makeFlow('qa-case', [
  { name: 'lower', permission: { groups: ['team'] } },
  { name: 'listed', permission: { groups: ['ops', 'team'] } },
  { name: 'upper', permission: { groups: ['Team'] } },
  { name: 'accent', permission: { groups: ['é'] } },
  { name: 'code', permission: 'doc.review' },
  /** A codename, not a group list. */
  { name: 'shouting', permission: 'GROUPS:team,ops' },
  /** Node names that differ only in case: a function that refuses everyone, and no permission. */
  { name: 'secret', permission: () => false },
  { name: 'Secret' },
]);

// ---------------------------------------------------------------------------
// Users

function randomUsers(r: ReturnType<typeof rng>, count: number): FlowUser[] {
  const users: FlowUser[] = [
    user('root', { superuser: true }),
    user('vip-root', { superuser: true, groups: ['ops'] }),
    user('nobody'),
    user('vip-nobody'),
    user('all-groups', { groups: [...GROUPS, ...COMMA_GROUPS, ...STRANGER_GROUPS] }),
    user('all-codenames', { permissions: [...CODENAMES, ...STRANGER_CODENAMES, 'qa.can_auto', 'qa-1.can_auto', 'doc.fn'] }),
    user('strangers', { groups: STRANGER_GROUPS, permissions: STRANGER_CODENAMES }),
    user('code-and-group', { permissions: ['doc.review'], groups: ['team', 'team-1', 'x', 'y', 'x,y'] }),
  ];
  const autoCodenames = ['qa.can_auto', 'qa-1.can_auto', ...Array.from({ length: 14 }, (_, i) => `qa_1.can_n${i}`), 'qa.can_aut', 'qa_1.can_n'];
  for (let i = 0; i < count; i++) {
    const many = r.chance(0.1);
    const groups = [
      ...r.some(GROUPS, 0, many ? 20 : 3),
      ...(r.chance(0.2) ? r.some(COMMA_GROUPS, 1, 2) : []),
      ...(r.chance(0.3) ? r.some(STRANGER_GROUPS, 1, 3) : []),
    ];
    const permissions = [
      ...r.some(CODENAMES, 0, many ? 6 : 2),
      ...(r.chance(0.3) ? r.some(autoCodenames, 1, 3) : []),
      ...(r.chance(0.2) ? r.some(STRANGER_CODENAMES, 1, 2) : []),
      ...(r.chance(0.1) ? ['doc.fn'] : []),
    ];
    users.push(user(`${r.chance(0.3) ? 'vip' : 'u'}${i}`, { groups, permissions, superuser: r.chance(0.03) }));
  }
  return users;
}

// ---------------------------------------------------------------------------
// The reference

/** Whether a group name is one of the names of a stored list, reading the text as the database does. */
function listNames(stored: string, group: string): boolean {
  const list = stored.slice('groups:'.length);
  return list === group || list.startsWith(`${group},`) || list.endsWith(`,${group}`) || list.includes(`,${group},`);
}

/** Whether a comma makes the stored list and the node's groups say different things (the documented limitation). */
function commaInvolved(permission: PermissionSpec | undefined, u: FlowUser): boolean {
  if (typeof permission !== 'object' || !('groups' in permission)) return false;
  return permission.groups.some((g) => g.includes(',')) || [...u.groups].some((g) => g.includes(','));
}

interface Queued {
  spec: FlowSpec;
  process: ProcessInfo;
  task: TaskInfo;
}

const byIdIn = (tasks: readonly Queued[], id: number) => tasks.find((q) => q.task.id === id)!;
const isQueued = (task: TaskInfo) => task.status === 'NEW' && task.ownerId === null;
const permissionOf = (spec: FlowSpec, task: TaskInfo) => (spec.node(task.node) as { permission?: PermissionSpec }).permission;

/** What the queue of `flows` must hold for `u`, newest first, asking the rule task by task. */
function expectedQueue(all: readonly Queued[], flows: readonly FlowSpec[], u: FlowUser): number[] {
  const listed = new Set(flows);
  return all
    .filter(({ spec, process, task }) => {
      if (!listed.has(spec) || !isQueued(task)) return false;
      const node = spec.node(task.node);
      if (node.kind !== 'view') return false;
      const permission = permissionOf(spec, task);
      if (!u.isSuperuser && commaInvolved(permission, u)) {
        const stored = task.ownerPermission!;
        return [...u.groups].some((g) => listNames(stored, g)) || u.permissions.has(stored);
      }
      return mayTakeTask(spec, node, process, task, u);
    })
    .map(({ task }) => task.id)
    .sort((a, b) => b - a);
}

/**
 * What `queueCount(cap)` must say, as documented there: the exact count up
 * to `cap`, else `cap` and `more`. Of the tasks of nodes whose permission is
 * a function only the newest `cap + 1` are asked about; when there are more
 * of those, the count is a lower bound (`more`) of the allowed ones among them.
 */
function expectedCount(all: readonly Queued[], flows: readonly FlowSpec[], u: FlowUser, cap: number): { count: number; more: boolean } {
  const capped = (n: number, more: boolean) => (n > cap ? { count: cap, more: true } : { count: n, more });
  const exact = expectedQueue(all, flows, u);
  if (u.isSuperuser) return capped(exact.length, false);
  const listed = new Set(flows);
  const asked = all
    .filter(({ spec, task }) => listed.has(spec) && isQueued(task) && spec.node(task.node).kind === 'view' && typeof permissionOf(spec, task) === 'function')
    .map(({ task }) => task.id)
    .sort((a, b) => b - a);
  if (asked.length <= cap) return capped(exact.length, false);
  const notAsked = new Set(asked.slice(cap + 1));
  return capped(exact.filter((id) => !notAsked.has(id)).length, true);
}

// ---------------------------------------------------------------------------

await describeEachDatabase('queue against the permission rule, task by task', (db) => {
  let engine: Engine;
  let specs: FlowSpec[];
  let all: Queued[];
  let byId: Map<number, Queued>;
  const unassigned: number[] = [];
  const admin = user('admin', { superuser: true });

  /** Every task of every process, as the engine reports them: the reference's input. */
  async function snapshot(processIds: readonly number[]): Promise<Queued[]> {
    const out: Queued[] = [];
    for (const id of processIds) {
      const process = await engine.getProcess(id);
      const spec = engine.flow(process.flow);
      for (const task of await engine.getTasks(id)) out.push({ spec, process, task });
    }
    return out;
  }

  beforeAll(async () => {
    engine = await engineOn(db.url, [...FLOWS, CASES]);
    specs = FLOWS.map((f) => engine.flow(f));
    const r = rng(SEED);
    const processIds: number[] = [];
    const counts = [70, 45, 45];
    for (let i = 0; i < Math.max(...counts); i++) {
      for (const [f, cls] of FLOWS.entries()) {
        if (i >= counts[f]!) continue;
        // Each branch is taken with a probability of about 3/4.
        const mask = (r.int(2 ** 30) | r.int(2 ** 30)) >>> 0;
        processIds.push((await engine.start(cls, 'start', { data: { n: i, mask } })).id);
      }
    }
    // Take some tasks out of the queue: assigned, started, done, canceled; and some back in (unassigned).
    const human = (await snapshot(processIds)).filter((q) => q.task.taskType === 'HUMAN' && q.task.status === 'NEW');
    for (const { task } of human) {
      const roll = r.next();
      if (roll < 0.05) await engine.assign(task.id, { user: admin, to: 900_000 + r.int(5) });
      else if (roll < 0.07) {
        await engine.assign(task.id, { user: admin });
        await engine.startTask(task.id, { user: admin });
      } else if (roll < 0.1) {
        await engine.assign(task.id, { user: admin });
        await engine.execute(task.id, { user: admin });
      } else if (roll < 0.12) {
        await engine.assign(task.id, { user: admin });
        await engine.unassign(task.id, { user: admin });
        unassigned.push(task.id);
      } else if (roll < 0.13) await engine.cancelTask(task.id, { user: admin });
    }
    all = await snapshot(processIds);
    byId = new Map(all.map((q) => [q.task.id, q]));
  }, 120_000);

  afterAll(async () => {
    await engine?.close();
  });

  it('the population has what the test means to test', () => {
    const statuses = new Set(all.map((q) => `${q.task.taskType}:${q.task.status}:${q.task.ownerId === null ? 'free' : 'owned'}`));
    for (const s of ['HUMAN:NEW:free', 'HUMAN:ASSIGNED:owned', 'HUMAN:STARTED:owned', 'HUMAN:DONE:owned', 'HUMAN:CANCELED:free', 'HANDLE:NEW:free']) {
      expect(statuses).toContain(s);
    }
    const queued = all.filter((q) => q.task.taskType === 'HUMAN' && q.task.status === 'NEW' && q.task.ownerId === null);
    const stored = new Set(queued.map((q) => q.task.ownerPermission));
    expect(stored).toContain(null);
    expect(stored).toContain('doc.review');
    expect(stored).toContain('qa.can_auto');
    expect(stored).toContain('groups:team');
    expect(stored).toContain('groups:x,y'); // both {groups: ['x', 'y']} and {groups: ['x,y']}
    expect(stored).toContain('groups:%,_,!');
    // Unassigned tasks are back in the queue (owner cleared).
    expect(unassigned.length).toBeGreaterThan(5);
    for (const id of unassigned) expect(queued.map((q) => q.task.id)).toContain(id);
    // Enough queued tasks for the navigation's cap to matter.
    expect(expectedQueue(all, specs, admin).length).toBeGreaterThan(QUEUE_COUNT_CAP);
  });

  it('for random users, every page, its total and the capped count equal the reference', async () => {
    const r = rng(SEED + 2);
    const users = randomUsers(r, 40);
    const flowSets: FlowSpec[][] = [specs, [specs[0]!], [specs[1]!], [specs[2]!], [specs[0]!, specs[2]!]];
    const database = engine.database.db;
    const failures: string[] = [];
    let checked = 0;
    let nonEmpty = 0;
    for (const u of users) {
      for (const flows of flowSets) {
        const expected = expectedQueue(all, flows, u);
        if (expected.length) nonEmpty++;
        const where = `${u.username} (superuser ${u.isSuperuser}, groups ${JSON.stringify([...u.groups])}, permissions ${JSON.stringify([...u.permissions])}) on [${flows.map((f) => f.label)}]`;
        const size = r.pick([1, 3, 7, 25, 100]);
        const last = Math.max(1, Math.ceil(expected.length / size));
        const pages = new Set([1, 2, 3, last, last + 1, r.pick([0, last + 3]), 1 + r.int(last + 1)]);
        for (const page of pages) {
          const got = await queue(database, flows, u, page, size);
          const from = (Math.max(1, page) - 1) * size;
          const want = expected.slice(from, from + size);
          const ids = got.rows.map((row) => row.task.id);
          checked++;
          if (JSON.stringify(ids) !== JSON.stringify(want) || got.total !== expected.length) {
            const extra = ids.filter((id) => !want.includes(id));
            const missing = want.filter((id) => !ids.includes(id));
            const describe = (id: number) => {
              const q = byId.get(id);
              return q ? `${id} ${q.spec.label}.${q.task.node} [${q.task.ownerPermission}]` : `${id}`;
            };
            failures.push(
              `${where} page ${page} of ${size}: total ${got.total}, expected ${expected.length}; ` +
                `extra [${extra.map(describe).join('; ')}] missing [${missing.map(describe).join('; ')}]` +
                (new Set(ids).size !== ids.length ? ' (a task twice)' : ''),
            );
          }
          // A row's task and process agree with the engine's.
          for (const row of got.rows) {
            const q = byId.get(row.task.id);
            if (q && (row.process.id !== q.process.id || row.task.node !== q.task.node)) failures.push(`${where}: row ${row.task.id} has the wrong process or node`);
          }
        }
        // The whole queue, page by page, is the reference once over.
        if (expected.length / size <= 12) {
          const walked: number[] = [];
          for (let page = 1; page <= last + 1; page++) {
            const got = await queue(database, flows, u, page, size);
            walked.push(...got.rows.map((row) => row.task.id));
            if (got.rows.length < size) break;
          }
          if (JSON.stringify(walked) !== JSON.stringify(expected)) failures.push(`${where}: walking pages of ${size} gave ${walked.length} ids, expected ${expected.length}`);
        }
        for (const cap of [1 + r.int(expected.length + 2), r.pick([Math.max(1, expected.length), expected.length + 1])]) {
          const got = await queueCount(database, flows, u, cap);
          const want = expectedCount(all, flows, u, cap);
          if (got.count !== want.count || got.more !== want.more) failures.push(`${where}: queueCount(cap ${cap}) ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
        }
        const navigation = await queueCount(database, flows, u);
        const want = expectedCount(all, flows, u, QUEUE_COUNT_CAP);
        if (navigation.count !== want.count || navigation.more !== want.more) failures.push(`${where}: queueCount() ${JSON.stringify(navigation)}, expected ${JSON.stringify(want)}`);
      }
    }
    expect(failures.slice(0, 15)).toEqual([]);
    expect(checked).toBeGreaterThan(1200);
    expect(nonEmpty).toBeGreaterThan(150);
  });

  describe('each way to match a task on its own and together, each task once', () => {
    /** The queue of the SQL-only and function flows for `u`: its ids, checked against the reference first. */
    async function queued(u: FlowUser, flows = specs) {
      const page = await queue(engine.database.db, flows, u, 1, 10_000);
      const ids = page.rows.map((row) => row.task.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(page.total).toBe(ids.length);
      expect(ids).toEqual(expectedQueue(all, flows, u));
      expect(await queueCount(engine.database.db, flows, u, 10_000)).toEqual({ count: ids.length, more: false });
      return ids;
    }
    const nodesOf = (ids: number[]) => new Set(ids.map((id) => byId.get(id)!.task.node));
    const queuedOf = (flow: number, node: string) => all.filter((q) => q.spec === specs[flow] && q.task.node === node && q.task.status === 'NEW' && q.task.ownerId === null);

    it('no permission: only the tasks of nodes without one', async () => {
      const ids = await queued(user('plain'), [specs[0]!]);
      expect(nodesOf(ids)).toEqual(new Set(['none']));
      expect(ids.length).toBe(queuedOf(0, 'none').length);
    });

    it('a codename alone, a group alone, a group inside a list: each branch adds its own tasks', async () => {
      const qa = [specs[0]!];
      expect(nodesOf(await queued(user('coder', { permissions: ['doc.review'] }), qa))).toEqual(new Set(['none', 'code']));
      expect(nodesOf(await queued(user('auto', { permissions: ['qa.can_auto'] }), qa))).toEqual(new Set(['none', 'auto']));
      expect(nodesOf(await queued(user('team', { groups: ['team'] }), qa))).toEqual(new Set(['none', 'team', 'team10AndTeam']));
      expect(nodesOf(await queued(user('team-1', { groups: ['team-1'] }), qa))).toEqual(new Set(['none', 'team1', 'odd']));
      expect(nodesOf(await queued(user('team_1', { groups: ['team_1'] }), qa))).toEqual(new Set(['none', 'wild'])); // in the middle of a list
      expect(nodesOf(await queued(user('shift', { groups: ['night shift'] }), qa))).toEqual(new Set(['none', 'wild', 'spaced'])); // alone and last in a list
      expect(nodesOf(await queued(user('bang', { groups: ['!'] }), qa))).toEqual(new Set(['none', 'onlyWild']));
      expect(nodesOf(await queued(user('lookalikes', { groups: ['tea', 'team-', 'te%', 'team_', 'team-100', '%team%', '!!', 'a!_b'] }), qa))).toEqual(new Set(['none']));
    });

    it('a codename and a group that both match, a group equal to a whole list and one inside it: once each', async () => {
      const both = user('both', { permissions: ['doc.review', 'qa.can_auto'], groups: ['team', 'team-10', 'team-1', '100%', 'team_1', 'night shift'] });
      const ids = await queued(both, [specs[0]!]);
      expect(nodesOf(ids)).toEqual(new Set(['none', 'code', 'auto', 'team', 'team1', 'team10AndTeam', 'wild', 'spaced', 'odd']));
      // `groups:x,y` is {groups: ['x', 'y']} and {groups: ['x,y']}, and x is inside it and `groups:w,x,y,z`.
      const listy = user('listy', { groups: ['x', 'x,y', 'y', 'w', 'z'], permissions: ['groups:x,y'] });
      const fn = [specs[1]!];
      const listed = await queued(listy, fn);
      expect(nodesOf(listed)).toEqual(new Set(['none', 'xy', 'commaAlone', 'commaInside', 'wxyz']));
      const expectedCount = ['none', 'xy', 'commaAlone', 'commaInside', 'wxyz'].reduce((n, node) => n + queuedOf(1, node).length, 0);
      expect(listed.length).toBe(expectedCount);
    });

    it('a superuser takes every queued human task of the listed flows, and the count stops at the cap', async () => {
      const ids = await queued(admin);
      const every = all.filter((q) => q.task.taskType === 'HUMAN' && q.task.status === 'NEW' && q.task.ownerId === null).map((q) => q.task.id);
      expect(new Set(ids)).toEqual(new Set(every));
      expect(await queueCount(engine.database.db, specs, admin)).toEqual({ count: QUEUE_COUNT_CAP, more: true });
    });
  });
  it('tells names apart that differ only in case, an accent or a trailing space, as the permission rule does', async () => {
    const cases = engine.flow(CASES);
    const started = [];
    for (let i = 0; i < 2; i++) started.push((await engine.start(CASES, 'start', { data: { n: i, mask: 2 ** 30 - 1 } })).id);
    const tasks = await snapshot(started);
    const users = [
      user('Team', { groups: ['Team'] }),
      user('TEAM', { groups: ['TEAM'] }),
      user('team', { groups: ['team'] }),
      user('team-space', { groups: ['team '] }),
      user('OPS', { groups: ['OPS'] }),
      user('e', { groups: ['e'] }),
      user('DOC.REVIEW', { permissions: ['DOC.REVIEW'] }),
      user('doc.review-space', { permissions: ['doc.review '] }),
      user('nobody-at-all'),
    ];
    const wrong: string[] = [];
    for (const u of users) {
      const expected = expectedQueue(tasks, [cases], u);
      const page = await queue(engine.database.db, [cases], u, 1, 100);
      const ids = page.rows.map((row) => row.task.id);
      const name = (id: number) => `${byIdIn(tasks, id).task.node} [${byIdIn(tasks, id).task.ownerPermission}]`;
      if (JSON.stringify(ids) !== JSON.stringify(expected) || page.total !== expected.length) {
        wrong.push(
          `${u.username} ${JSON.stringify({ groups: [...u.groups], permissions: [...u.permissions] })}: total ${page.total}, expected ${expected.length}; ` +
            `listed [${ids.map(name).join(', ')}], expected [${expected.map(name).join(', ')}]`,
        );
      }
      const count = await queueCount(engine.database.db, [cases], u);
      if (count.count !== expected.length || count.more) wrong.push(`${u.username}: queueCount ${JSON.stringify(count)}, expected ${expected.length}`);
    }
    expect(wrong).toEqual([]);
  });
});
