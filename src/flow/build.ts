/**
 * Registration: turns a flow class into a FlowSpec the engine runs. Every
 * `self.name` is resolved here once, and the graph is checked, so a wiring
 * mistake fails at start-up with the flow and node named, not mid-process.
 */
import type { ZodType } from 'zod';
import { FlowDefinitionError } from '../errors.ts';
import { defaultLabel, type FlowClass } from './flow.ts';
import { Node, ObsoleteNode, humanize, type Callable, type PermissionSpec } from './nodes.ts';
import { Ref } from './refs.ts';
import { closestName } from './suggest.ts';
import type { LockStrategy } from '../lock/strategy.ts';

export interface FlowSpec {
  readonly cls: FlowClass;
  readonly label: string;
  readonly title: string;
  readonly description: string;
  readonly schema: ZodType | undefined;
  readonly lock: LockStrategy | undefined;
  readonly instance: object;
  /** Declared nodes in declaration order. */
  readonly nodes: ReadonlyMap<string, Node>;
  readonly startNodes: readonly Node[];
  /** The node of a stored task name; an Obsolete stand-in when the flow no longer has it. */
  node(name: string): Node;
  /** Calls a node's callable (a `self.method` or a function) with an activation. */
  call<R = unknown>(callable: Callable<any, R>, ...args: unknown[]): R;
  readonly permissions: { view: string; manage: string };
  /** The codename a human node's `{ autoCreate: true }` permission stands for. */
  nodeCodename(node: Node): string;
}

const START_KINDS = new Set(['start', 'startHandle', 'startTimer']);

/** Own fields of a node that hold wiring, not callables. */
const WIRING_FIELDS = new Set(['edges', 'resolved', 'annotation', 'name', 'view']);

export function buildFlow(cls: FlowClass): FlowSpec {
  const label = cls.label ?? defaultLabel(cls.name);
  const where = `flow ${cls.name}`;
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(label)) {
    throw new FlowDefinitionError(`${where}: label "${label}" must be lower-case letters, digits, "-" or "_"`);
  }
  let instance: Record<string, unknown>;
  try {
    instance = new cls() as unknown as Record<string, unknown>;
  } catch (error) {
    throw new FlowDefinitionError(`${where}: constructing the flow failed: ${(error as Error).message}`, { cause: error });
  }

  const nodes = new Map<string, Node>();
  for (const [name, value] of Object.entries(instance)) {
    if (value instanceof Node) {
      if (value.name && value.name !== name) {
        throw new FlowDefinitionError(`${where}: node "${name}" is the same object as node "${value.name}"; declare each node once`);
      }
      value.name = name;
      nodes.set(name, value);
    }
  }
  if (nodes.size === 0) throw new FlowDefinitionError(`${where}: declares no nodes`);

  const isMethod = (name: string) => typeof instance[name] === 'function' && !(instance[name] instanceof Node);
  const methodNames = () => {
    const names = new Set<string>();
    for (let proto = Object.getPrototypeOf(instance); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
      for (const key of Object.getOwnPropertyNames(proto)) if (key !== 'constructor' && isMethod(key)) names.add(key);
    }
    return names;
  };
  const didYouMean = (name: string, candidates: Iterable<string>) => {
    const close = closestName(name, candidates);
    return close ? ` (did you mean self.${close}?)` : '';
  };
  const checkCallable = (node: Node, what: string, value: unknown) => {
    if (value instanceof Ref && !isMethod(value.name)) {
      const hint = nodes.has(value.name) ? ' (that is a node, not a method)' : didYouMean(value.name, methodNames());
      throw new FlowDefinitionError(`${where}, node "${node.name}": ${what} refers to unknown method ${value}${hint}`);
    }
  };
  const resolveNode = (node: Node, what: string, ref: Ref | Node): Node => {
    if (ref instanceof Node) {
      if (!ref.name || nodes.get(ref.name) !== ref) {
        throw new FlowDefinitionError(`${where}, node "${node.name}": ${what} is a node that is not an attribute of this flow`);
      }
      return ref;
    }
    const target = nodes.get(ref.name);
    if (!target) {
      const hint = isMethod(ref.name) ? ' (that is a method, not a node)' : didYouMean(ref.name, nodes.keys());
      throw new FlowDefinitionError(`${where}, node "${node.name}": ${what} refers to unknown node ${ref}${hint}`);
    }
    return target;
  };

  for (const node of nodes.values()) {
    node.resolved = node.outgoing().map((edge) => {
      checkCallable(node, 'a branch condition', edge.case);
      checkCallable(node, 'a data source', edge.dataSource);
      return { node: resolveNode(node, 'next', edge.target), edge };
    });
    for (const [field, value] of Object.entries(node)) {
      if (WIRING_FIELDS.has(field)) continue;
      if (field === 'assign' && value && typeof value === 'object' && 'ownerOf' in value) {
        resolveNode(node, 'Assign({ ownerOf })', (value as { ownerOf: Ref }).ownerOf);
      } else {
        checkCallable(node, field, value);
      }
    }
    for (const { node: next } of node.resolved) {
      if (START_KINDS.has(next.kind)) {
        throw new FlowDefinitionError(`${where}, node "${node.name}": next is start node "${next.name}"; a start node begins a process and cannot be reached`);
      }
    }
    const labels = new Set(node.resolved.map((r) => r.edge.label));
    if (node.kind === 'if' && !(labels.has('then') && labels.has('else'))) {
      throw new FlowDefinitionError(`${where}, node "${node.name}": an If needs both .Then() and .Else()`);
    }
    if (node.resolved.length === 0 && !node.terminal) {
      throw new FlowDefinitionError(`${where}, node "${node.name}": has nowhere to go (only End may have no next node)`);
    }
  }

  const startNodes = [...nodes.values()].filter((n) => START_KINDS.has(n.kind));
  if (startNodes.length === 0) throw new FlowDefinitionError(`${where}: has no start node`);
  const reached = new Set<Node>();
  const stack = [...startNodes];
  while (stack.length) {
    const node = stack.pop()!;
    if (reached.has(node)) continue;
    reached.add(node);
    for (const { node: next } of node.resolved) stack.push(next);
  }
  for (const node of nodes.values()) {
    if (!reached.has(node) && node.kind !== 'obsolete') {
      throw new FlowDefinitionError(`${where}, node "${node.name}": no start node reaches it`);
    }
  }

  const obsolete = new Map<string, Node>();
  const spec: FlowSpec = {
    cls,
    label,
    title: cls.title ?? humanize(defaultLabel(cls.name).replace(/-/g, ' ')),
    description: cls.description ?? '',
    schema: cls.data,
    lock: typeof cls.lock === 'function' ? cls.lock() : cls.lock,
    instance,
    nodes,
    startNodes,
    node(name) {
      const found = nodes.get(name);
      if (found) return found;
      let stand = obsolete.get(name);
      if (!stand) {
        stand = new ObsoleteNode();
        stand.name = name;
        obsolete.set(name, stand);
      }
      return stand;
    },
    call(callable, ...args) {
      if (callable instanceof Ref) return (instance[callable.name] as (...a: unknown[]) => any).apply(instance, args);
      return (callable as (...a: unknown[]) => any)(...args);
    },
    permissions: { view: `${label}.view`, manage: `${label}.manage` },
    nodeCodename: (node) => `${label}.can_${node.name}`,
  };
  return spec;
}

/** The codenames a flow needs in the permission table (flow level and auto-created node ones). */
export function flowPermissions(spec: FlowSpec): Array<{ codename: string; name: string }> {
  const list = [
    { codename: spec.permissions.view, name: `Can view ${spec.title}` },
    { codename: spec.permissions.manage, name: `Can manage ${spec.title}` },
  ];
  for (const node of spec.nodes.values()) {
    const permission = (node as { permission?: PermissionSpec }).permission;
    if (permission && typeof permission === 'object' && 'autoCreate' in permission) {
      list.push({ codename: spec.nodeCodename(node), name: `Can ${node.title.toLowerCase()} in ${spec.title}` });
    } else if (typeof permission === 'string') {
      list.push({ codename: permission, name: permission });
    }
  }
  return list;
}
