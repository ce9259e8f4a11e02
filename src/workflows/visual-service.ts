import type { TenantContext } from '../context.js';
import { changedFields } from '../kernel/audit.js';
import { atVersion } from '../kernel/concurrency.js';
import { badInput, conflict, fromDatabaseError, notFound } from '../kernel/errors.js';
import { intInRange, optionalText, requiredText } from '../kernel/validation.js';
import * as config from './config-repository.js';
import * as definitions from './definition-repository.js';
import { assigneeIds, createDraft, createNextVersion, definitionKey, invalidStateMachine, reviseDraft } from './definition-service.js';
import { compileDiagram, diagramToStateMachine } from './visual-compiler.js';
import * as visuals from './visual-repository.js';

const MAX_NODES = 500;
const MAX_EDGES = 2000;
const MAX_DIAGRAM_JSON = 1024 * 1024;

const VISUAL_REFERENCES = {
  visual_workflows_organization_id_definition_id_fkey: () =>
    badInput('definitionId is not a workflow definition of your organization', 'definitionId'),
};

function diagramList(value: Record<string, unknown>[], field: string, max: number): Record<string, unknown>[] {
  if (value.length > max) throw badInput(`${field} may hold at most ${max} items (got ${value.length})`, field);
  return value;
}

function checkSize(v: { nodes: unknown; edges: unknown; layout: unknown }) {
  const size = JSON.stringify(v).length;
  if (size > MAX_DIAGRAM_JSON) throw badInput(`The diagram must be at most ${MAX_DIAGRAM_JSON} characters of JSON (got ${size})`, 'nodes');
}

export async function saveVisualWorkflow(
  ctx: TenantContext,
  input: {
    name: string;
    description?: string | null;
    definitionId: string | null;
    nodes: Record<string, unknown>[];
    edges: Record<string, unknown>[];
    layout?: Record<string, unknown> | null;
  },
): Promise<visuals.VisualRow> {
  const fields: visuals.VisualFields = {
    name: requiredText(input.name, 'name', 200),
    description: optionalText(input.description, 'description', 2000) ?? null,
    definitionId: input.definitionId,
    nodes: diagramList(input.nodes, 'nodes', MAX_NODES),
    edges: diagramList(input.edges, 'edges', MAX_EDGES),
    layout: input.layout ?? {},
  };
  checkSize(fields);
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const row = await visuals
      .insertVisual(tx, scope.organizationId, scope.userId!, fields)
      .catch((e: unknown) => Promise.reject(fromDatabaseError(e, VISUAL_REFERENCES)));
    audit({
      action: 'visual_workflow.create',
      entityType: 'visual_workflow',
      entityId: row.id,
      after: { name: row.name, definitionId: row.definitionId, nodeCount: row.nodes.length, edgeCount: row.edges.length },
    });
    return row;
  });
}

export async function updateVisualWorkflow(
  ctx: TenantContext,
  input: {
    id: string;
    version: number;
    name?: string | null;
    description?: string | null;
    nodes?: Record<string, unknown>[] | null;
    edges?: Record<string, unknown>[] | null;
    layout?: Record<string, unknown> | null;
  },
): Promise<visuals.VisualRow> {
  const name = input.name === undefined || input.name === null ? undefined : requiredText(input.name, 'name', 200);
  const description = optionalText(input.description, 'description', 2000);
  const nodes = input.nodes ? diagramList(input.nodes, 'nodes', MAX_NODES) : undefined;
  const edges = input.edges ? diagramList(input.edges, 'edges', MAX_EDGES) : undefined;
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const before = atVersion(await visuals.lockVisual(tx, scope.organizationId, input.id), input.version, 'Visual workflow', input.id);
    const next: visuals.VisualRow = {
      ...before,
      name: name ?? before.name,
      description: description === undefined ? before.description : description,
      nodes: nodes ?? before.nodes,
      edges: edges ?? before.edges,
      layout: input.layout ?? before.layout,
    };
    checkSize(next);
    const after = await visuals.updateVisualRow(tx, next);
    const { before: b, after: a } = changedFields(before, after);
    audit({
      action: 'visual_workflow.update',
      entityType: 'visual_workflow',
      entityId: after.id,
      before: { ...b, nodes: undefined, edges: undefined, layout: undefined },
      after: { ...a, nodes: undefined, edges: undefined, layout: undefined, changed: Object.keys(a) },
    });
    return after;
  });
}

/**
 * Compiles the saved diagram into a DRAFT definition: the linked draft is
 * revised, a linked published version gets a new draft version, an unlinked
 * diagram a new definition. Invalid diagrams are refused with exactly the
 * validation errors a definition with the same states and transitions gets.
 */
export async function compileVisualWorkflow(
  ctx: TenantContext,
  input: { id: string; entityType?: string | null; definitionKey?: string | null; name?: string | null },
): Promise<{ visualWorkflow: visuals.VisualRow; definition: definitions.DefinitionRow }> {
  const name = input.name === undefined || input.name === null ? undefined : requiredText(input.name, 'name', 200);
  return ctx.session.write(async (work) => {
    const { tx, scope, audit } = work;
    const org = scope.organizationId;
    const visual = await visuals.lockVisual(tx, org, input.id);
    if (!visual) throw notFound('Visual workflow', input.id);
    const raw = diagramToStateMachine(visual.nodes, visual.edges);
    const known = await definitions.activeUserIds(tx, org, assigneeIds(raw));
    const { machine, errors } = compileDiagram(visual.nodes, visual.edges, { knownUserIds: known });
    if (!machine) throw invalidStateMachine(errors);

    let definition: definitions.DefinitionRow;
    const linked = visual.definitionId ? await definitions.lockDefinition(tx, org, visual.definitionId) : null;
    if (linked && linked.status === 'DRAFT') {
      definition = await reviseDraft(work, linked, { name, stateMachine: machine });
    } else if (linked) {
      definition = await createNextVersion(work, linked, { name, stateMachine: machine });
    } else {
      if (!input.entityType) {
        throw badInput('This diagram is not linked to a definition: pass entityType to create one', 'entityType');
      }
      const definitionName = name ?? visual.name;
      definition = await createDraft(work, {
        name: definitionName,
        description: visual.description,
        entityType: input.entityType,
        definitionKey: definitionKey(input.definitionKey, definitionName),
        stateMachine: machine,
      });
    }
    const visualWorkflow =
      visual.definitionId === definition.id ? visual : await visuals.updateVisualRow(tx, { ...visual, definitionId: definition.id });
    audit({
      action: 'visual_workflow.compile',
      entityType: 'visual_workflow',
      entityId: visual.id,
      before: { definitionId: visual.definitionId },
      after: { definitionId: definition.id, definitionStatus: definition.status, versionNumber: definition.versionNumber },
    });
    return { visualWorkflow, definition };
  });
}

export async function updateWorkflowConfig(
  ctx: TenantContext,
  input: {
    version: number;
    defaultTaskDueHours?: number | null;
    escalationEnabled?: boolean | null;
    escalationAfterHours?: number | null;
    settings?: Record<string, unknown> | null;
  },
): Promise<config.ConfigRow> {
  if (input.defaultTaskDueHours === null) throw badInput('defaultTaskDueHours cannot be cleared', 'defaultTaskDueHours');
  intInRange(input.defaultTaskDueHours, 'defaultTaskDueHours', 1, 8760);
  intInRange(input.escalationAfterHours, 'escalationAfterHours', 1, 8760);
  if (input.settings && JSON.stringify(input.settings).length > 64 * 1024) throw badInput('settings must be at most 65536 characters of JSON', 'settings');
  return ctx.session.write(async ({ tx, scope, audit }) => {
    const org = scope.organizationId;
    const before = await config.configOf(tx, org, true);
    if (before.version !== input.version) {
      throw conflict(`Workflow settings were changed by someone else (now version ${before.version}, you sent ${input.version}); reload and retry`, {
        currentVersion: before.version,
      });
    }
    const next: config.ConfigRow = {
      ...before,
      defaultTaskDueHours: input.defaultTaskDueHours ?? before.defaultTaskDueHours,
      escalationEnabled: input.escalationEnabled ?? before.escalationEnabled,
      escalationAfterHours: input.escalationAfterHours === undefined ? before.escalationAfterHours : input.escalationAfterHours,
      settings: input.settings ?? before.settings,
    };
    if (next.escalationEnabled && next.escalationAfterHours === null) {
      throw badInput('escalationAfterHours is required while escalation is enabled', 'escalationAfterHours');
    }
    const after =
      before.version === 0
        ? await config.insertConfig(tx, org, next).catch((e: unknown) =>
            Promise.reject(
              fromDatabaseError(e, {
                workflow_config_one_per_org: () => conflict('Workflow settings were created by someone else meanwhile; reload and retry'),
              }),
            ),
          )
        : await config.updateConfig(tx, org, next);
    audit({ action: 'workflow_config.update', entityType: 'workflow_config', entityId: null, ...changedFields(before, after) });
    return after;
  });
}
