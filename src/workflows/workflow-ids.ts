import { uuidFromId } from '../kernel/global-id.js';
import { ENTITY_TYPES } from './instance-service.js';

/** Database ids from the global IDs (or UUIDs) clients send, named after the argument in errors. */

export const definitionId = (id: string, field = 'id') => uuidFromId(id, 'WorkflowDefinition', field);

export const optionalDefinitionId = (id: string | null | undefined, field: string) =>
  id ? uuidFromId(id, 'WorkflowDefinition', field) : null;

export const instanceId = (id: string, field = 'id') => uuidFromId(id, 'WorkflowInstance', field);

export const taskId = (id: string, field = 'taskId') => uuidFromId(id, 'WorkflowTask', field);

export const visualId = (id: string) => uuidFromId(id, 'VisualWorkflow');

/** A record id: a UUID or the global ID of the entity type's GraphQL type. */
export const entityId = (id: string, entityType: string, field: string) => uuidFromId(id, ENTITY_TYPES[entityType] ?? 'Entity', field);
