import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Flow, flow, self, act, buildFlow, FlowDefinitionError, renderTemplate, createEngine } from '../../src/index.ts';

function definitionError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(FlowDefinitionError);
    return (error as Error).message;
  }
  throw new Error('expected a FlowDefinitionError');
}

describe('flow registration', () => {
  it('resolves self references to nodes and methods declared later', () => {
    class Sample extends Flow {
      start = flow.StartHandle().Next(self.task);
      task = flow.Function(self.perform).Next(self.end);
      end = flow.End();
      perform() {}
    }
    const spec = buildFlow(Sample);
    expect(spec.label).toBe('sample');
    expect([...spec.nodes.keys()]).toEqual(['start', 'task', 'end']);
    expect(spec.nodes.get('start')!.resolved.map((r) => r.node.name)).toEqual(['task']);
  });

  it('derives a kebab-case label without the Flow suffix and honours static label', () => {
    class HelloWorldFlow extends Flow {
      start = flow.StartHandle().Next(self.end);
      end = flow.End();
    }
    class Named extends Flow {
      static label = 'custom';
      start = flow.StartHandle().Next(self.end);
      end = flow.End();
    }
    expect(buildFlow(HelloWorldFlow).label).toBe('hello-world');
    expect(buildFlow(Named).label).toBe('custom');
  });

  it('names flow and node for an unknown node reference', () => {
    class Broken extends Flow {
      start = flow.StartHandle().Next(self.nowhere);
      end = flow.End();
    }
    expect(definitionError(() => buildFlow(Broken))).toBe('flow Broken, node "start": next refers to unknown node self.nowhere');
  });

  it('names flow and node for an unknown method reference', () => {
    class Broken extends Flow {
      start = flow.StartHandle().Next(self.task);
      task = flow.Function(self.missing).Next(self.end);
      end = flow.End();
    }
    expect(definitionError(() => buildFlow(Broken))).toContain('flow Broken, node "task": handler refers to unknown method self.missing');
  });

  it('suggests the closest name for a misspelled reference', () => {
    class Typo extends Flow {
      start = flow.StartHandle().Next(self.aprove);
      approve = flow.Function(self.sendMesage).Next(self.end);
      end = flow.End();
      sendMessage() {}
    }
    expect(definitionError(() => buildFlow(Typo))).toBe(
      'flow Typo, node "start": next refers to unknown node self.aprove (did you mean self.approve?)',
    );
    class MethodTypo extends Flow {
      start = flow.StartHandle().Next(self.send);
      send = flow.Function(self.sendMesage).Next(self.end);
      end = flow.End();
      sendMessage() {}
    }
    expect(definitionError(() => buildFlow(MethodTypo))).toContain('refers to unknown method self.sendMesage (did you mean self.sendMessage?)');
  });

  it('says when a method is used where a node is expected, and the reverse', () => {
    class MethodAsNode extends Flow {
      start = flow.StartHandle().Next(self.helper);
      end = flow.End();
      helper() {}
    }
    class NodeAsMethod extends Flow {
      start = flow.StartHandle().Next(self.check);
      check = flow.If(self.end).Then(self.end).Else(self.end);
      end = flow.End();
    }
    expect(definitionError(() => buildFlow(MethodAsNode))).toContain('(that is a method, not a node)');
    expect(definitionError(() => buildFlow(NodeAsMethod))).toContain('(that is a node, not a method)');
  });

  it('refuses a node other than End with nowhere to go', () => {
    class Broken extends Flow {
      start = flow.StartHandle().Next(self.task);
      task = flow.Handle();
      end = flow.End();
    }
    expect(definitionError(() => buildFlow(Broken))).toBe('flow Broken, node "task": has nowhere to go (only End may have no next node)');
  });

  it('refuses a node that no start reaches', () => {
    class Broken extends Flow {
      start = flow.StartHandle().Next(self.end);
      orphan = flow.Handle().Next(self.end);
      end = flow.End();
    }
    expect(definitionError(() => buildFlow(Broken))).toBe('flow Broken, node "orphan": no start node reaches it');
  });

  it('refuses a flow without a start node and a node object used twice', () => {
    class NoStart extends Flow {
      end = flow.End();
    }
    const shared = flow.End();
    class Twice extends Flow {
      start = flow.StartHandle().Next(self.a);
      a = shared;
      b = shared;
    }
    expect(definitionError(() => buildFlow(NoStart))).toBe('flow NoStart: has no start node');
    expect(definitionError(() => buildFlow(Twice))).toContain('is the same object as node');
  });

  it('refuses an edge into a start node and an If without both branches', () => {
    class Loop extends Flow {
      start = flow.StartHandle().Next(self.task);
      task = flow.Handle().Next(self.start);
    }
    class HalfIf extends Flow {
      start = flow.StartHandle().Next(self.check);
      check = flow.If(() => true).Then(self.end);
      end = flow.End();
    }
    expect(definitionError(() => buildFlow(Loop))).toBe(
      'flow Loop, node "task": next is start node "start"; a start node begins a process and cannot be reached',
    );
    expect(definitionError(() => buildFlow(HalfIf))).toBe('flow HalfIf, node "check": an If needs both .Then() and .Else()');
  });

  it('lets Obsolete nodes stand unreached', () => {
    class WithObsolete extends Flow {
      start = flow.StartHandle().Next(self.end);
      old = flow.Obsolete();
      end = flow.End();
    }
    expect(buildFlow(WithObsolete).nodes.get('old')!.kind).toBe('obsolete');
  });

  it('refuses two flows with one label at engine creation', async () => {
    class One extends Flow {
      static label = 'same';
      start = flow.StartHandle().Next(self.end);
      end = flow.End();
    }
    class Two extends Flow {
      static label = 'same';
      start = flow.StartHandle().Next(self.end);
      end = flow.End();
    }
    await expect(createEngine({ database: 'sqlite::memory:', flows: [One, Two] })).rejects.toThrow(
      'flows One and Two both have the label "same"; set static label on one of them',
    );
  });

  it('builds getters from act paths', () => {
    const getter = act.process.data.approved;
    expect(getter({ process: { data: { approved: true } } })).toBe(true);
    expect(getter({ process: {} })).toBeUndefined();
  });

  it('types process data from the schema', () => {
    const Data = z.object({ text: z.string() });
    class Typed extends Flow<z.infer<typeof Data>> {
      static data = Data;
      start = flow.StartHandle().Next(self.end);
      end = flow.End();
    }
    expect(buildFlow(Typed).schema).toBe(Data);
  });
});

describe('annotation templates', () => {
  it('fills placeholders by property lookup only', () => {
    const context = { process: { id: 7, data: { text: 'Hello <b>' } }, task: { data: { item: { name: 'x' } } } };
    expect(renderTemplate('#{{ process.id }}: {{process.data.text}} / {{ task.data.item }}', context)).toBe(
      '#7: Hello <b> / {"name":"x"}',
    );
  });

  it('never evaluates code or reaches prototypes', () => {
    const context = { process: { data: {} } };
    expect(renderTemplate('{{ process.constructor.constructor }}|{{ process.data.__proto__ }}|{{ 1+1 }}', context)).toBe(
      '||{{ 1+1 }}',
    );
  });
});
