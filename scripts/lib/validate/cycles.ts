// Circular dependencies between resources (explicit DependsOn and implicit Ref / GetAtt / Sub).
// Tarjan's strongly connected components: every component with more than one resource, or a
// resource that depends on itself, is a cycle; one concrete loop through it is reported.

export interface DependencyEdge {
  readonly from: string;
  readonly to: string;
  /** How the dependency arises, e.g. "DependsOn" or "Ref at Properties.VpcId". */
  readonly via: string;
}

export function findCycles(nodes: readonly string[], edges: readonly DependencyEdge[]): DependencyEdge[][] {
  const outgoing = new Map<string, DependencyEdge[]>(nodes.map((n) => [n, []]));
  for (const edge of edges) outgoing.get(edge.from)?.push(edge);
  const components = stronglyConnected(nodes, outgoing);
  const cycles: DependencyEdge[][] = [];
  for (const component of components) {
    const members = new Set(component);
    const selfLoop = component.length === 1 && (outgoing.get(component[0]) ?? []).find((e) => e.to === component[0]);
    if (component.length === 1 && !selfLoop) continue;
    cycles.push(selfLoop ? [selfLoop] : loopThrough([...component].sort()[0], members, outgoing));
  }
  return cycles.sort((a, b) => a[0].from.localeCompare(b[0].from));
}

function stronglyConnected(nodes: readonly string[], outgoing: ReadonlyMap<string, DependencyEdge[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  // Iterative, so a long dependency chain cannot overflow the call stack.
  for (const start of nodes) {
    if (index.has(start)) continue;
    const work: { node: string; next: number }[] = [{ node: start, next: 0 }];
    index.set(start, counter);
    low.set(start, counter++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const edges = outgoing.get(frame.node) ?? [];
      if (frame.next < edges.length) {
        const to = edges[frame.next++].to;
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, next: 0 });
        } else if (onStack.has(to)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        components.push(component);
      }
    }
  }
  return components;
}

/** A shortest loop from `start` back to itself inside one component (breadth-first). */
function loopThrough(start: string, members: ReadonlySet<string>, outgoing: ReadonlyMap<string, DependencyEdge[]>): DependencyEdge[] {
  const cameBy = new Map<string, DependencyEdge>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const edge of outgoing.get(node) ?? []) {
      if (!members.has(edge.to)) continue;
      if (edge.to === start) {
        const loop = [edge];
        for (let at = node; at !== start; at = cameBy.get(at)!.from) loop.unshift(cameBy.get(at)!);
        return loop;
      }
      if (!cameBy.has(edge.to)) {
        cameBy.set(edge.to, edge);
        queue.push(edge.to);
      }
    }
  }
  return [];
}

/** "A → B [DependsOn] → A [Ref at Properties.X]": each step names how the dependency arises. */
export function describeCycle(loop: readonly DependencyEdge[]): string {
  return [loop[0].from, ...loop.map((e) => `${e.to} [${e.via}]`)].join(' → ');
}
