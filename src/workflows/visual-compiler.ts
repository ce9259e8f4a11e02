/**
 * Turns a designer diagram (visual_workflows.nodes / edges) into a state
 * machine, which `validateStateMachine` then checks exactly as it checks a
 * definition: the designer sees the same errors. Pure.
 *
 * Node: { "id": "ORDERED", "type": "start" | "state" | "end", "label": "Ordered",
 *         "position": { "x": 80, "y": 120 },
 *         "data": { "code"?: "ORDERED", "name"?: "Ordered", "actions"?: [ …CREATE_TASK… ] } }
 *   → state { code: data.code ?? id, name: data.name ?? label ?? code,
 *             initial: type = "start", terminal: type = "end", actions: data.actions }
 * Edge: { "id": "e1", "source": "ORDERED", "target": "COLLECTED", "label": "COLLECT",
 *         "data": { "event"?: "COLLECT", "allowedRoles"?: [...], "allowedPermissions"?: [...],
 *                   "guards"?: [...], "actions"?: [...] } }
 *   → transition { from: code of source node, to: code of target node, event: data.event ?? label, … }
 * Node i becomes states[i] and edge j becomes transitions[j], so error paths point at them.
 */
import { validateStateMachine, type ValidationResult } from './definition-validation.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The state machine a diagram describes (not yet validated). */
export function diagramToStateMachine(nodes: readonly unknown[], edges: readonly unknown[]): { states: unknown[]; transitions: unknown[] } {
  const codeOfNode = new Map<string, unknown>();
  const states = nodes.map((node) => {
    if (!isObject(node)) return node;
    const data = isObject(node.data) ? node.data : {};
    const code = data.code ?? node.id;
    if (typeof node.id === 'string') codeOfNode.set(node.id, code);
    const state: Record<string, unknown> = {
      code,
      name: data.name ?? node.label ?? code,
      initial: node.type === 'start' || data.initial === true,
      terminal: node.type === 'end' || data.terminal === true,
    };
    if (data.actions !== undefined) state.actions = data.actions;
    return state;
  });
  const transitions = edges.map((edge) => {
    if (!isObject(edge)) return edge;
    const data = isObject(edge.data) ? edge.data : {};
    const endpoint = (id: unknown) => (typeof id === 'string' && codeOfNode.has(id) ? codeOfNode.get(id) : id);
    const transition: Record<string, unknown> = {
      from: endpoint(edge.source),
      to: endpoint(edge.target),
      event: data.event ?? edge.label,
      allowedRoles: data.allowedRoles ?? [],
      guards: data.guards ?? [],
      actions: data.actions ?? [],
    };
    if (data.allowedPermissions !== undefined) transition.allowedPermissions = data.allowedPermissions;
    if (data.reenter !== undefined) transition.reenter = data.reenter;
    return transition;
  });
  return { states, transitions };
}

export function compileDiagram(
  nodes: readonly unknown[],
  edges: readonly unknown[],
  options: { knownUserIds?: ReadonlySet<string> } = {},
): ValidationResult {
  return validateStateMachine(diagramToStateMachine(nodes, edges), options);
}
