import type { QueryResolvers } from '../../../generated/graphql.js';
import { validateStateMachine } from '../../definition-validation.js';

export const validateWorkflowStateMachine: QueryResolvers['validateWorkflowStateMachine'] = (_root, { stateMachine }) =>
  validateStateMachine(stateMachine).errors;
