import { nodesByLoader, type DomainModule } from '../kernel/domain-module.js';
import { Encounter } from './resolvers/Encounter.js';
import { LabTest } from './resolvers/LabTest.js';
import { cancelWorkflow } from './resolvers/Mutation/cancelWorkflow.js';
import { claimTask } from './resolvers/Mutation/claimTask.js';
import { compileVisualWorkflow } from './resolvers/Mutation/compileVisualWorkflow.js';
import { completeTask } from './resolvers/Mutation/completeTask.js';
import { createWorkflowDefinition } from './resolvers/Mutation/createWorkflowDefinition.js';
import { createWorkflowDefinitionVersion } from './resolvers/Mutation/createWorkflowDefinitionVersion.js';
import { deactivateWorkflowDefinition } from './resolvers/Mutation/deactivateWorkflowDefinition.js';
import { publishWorkflowDefinition } from './resolvers/Mutation/publishWorkflowDefinition.js';
import { reassignTask } from './resolvers/Mutation/reassignTask.js';
import { releaseTask } from './resolvers/Mutation/releaseTask.js';
import { saveVisualWorkflow } from './resolvers/Mutation/saveVisualWorkflow.js';
import { setDefaultWorkflowDefinition } from './resolvers/Mutation/setDefaultWorkflowDefinition.js';
import { startWorkflow } from './resolvers/Mutation/startWorkflow.js';
import { transitionWorkflow } from './resolvers/Mutation/transitionWorkflow.js';
import { updateVisualWorkflow } from './resolvers/Mutation/updateVisualWorkflow.js';
import { updateWorkflowConfig } from './resolvers/Mutation/updateWorkflowConfig.js';
import { updateWorkflowDefinition } from './resolvers/Mutation/updateWorkflowDefinition.js';
import { myTasks } from './resolvers/Query/myTasks.js';
import { validateWorkflowStateMachine } from './resolvers/Query/validateWorkflowStateMachine.js';
import { visualWorkflow } from './resolvers/Query/visualWorkflow.js';
import { visualWorkflows } from './resolvers/Query/visualWorkflows.js';
import { workflowConfig } from './resolvers/Query/workflowConfig.js';
import { workflowDefinition } from './resolvers/Query/workflowDefinition.js';
import { workflowDefinitions } from './resolvers/Query/workflowDefinitions.js';
import { workflowInstance } from './resolvers/Query/workflowInstance.js';
import { workflowInstances } from './resolvers/Query/workflowInstances.js';
import { workflowTask } from './resolvers/Query/workflowTask.js';
import { workflowTasks } from './resolvers/Query/workflowTasks.js';
import { VisualWorkflow } from './resolvers/VisualWorkflow.js';
import { WorkflowAction } from './resolvers/WorkflowAction.js';
import { WorkflowDefinition } from './resolvers/WorkflowDefinition.js';
import { WorkflowGuard } from './resolvers/WorkflowGuard.js';
import { WorkflowInstance } from './resolvers/WorkflowInstance.js';
import { WorkflowState } from './resolvers/WorkflowState.js';
import { WorkflowTask } from './resolvers/WorkflowTask.js';
import { WorkflowTransition } from './resolvers/WorkflowTransition.js';
import { WorkflowTransitionRule } from './resolvers/WorkflowTransitionRule.js';

/** Configurable state machines, running instances with history, human tasks, settings and designer documents. */
export const workflowsModule: DomainModule = {
  resolvers: {
    Query: {
      workflowDefinitions,
      workflowDefinition,
      validateWorkflowStateMachine,
      workflowInstance,
      workflowInstances,
      myTasks,
      workflowTasks,
      workflowTask,
      visualWorkflows,
      visualWorkflow,
      workflowConfig,
    },
    Mutation: {
      createWorkflowDefinition,
      updateWorkflowDefinition,
      createWorkflowDefinitionVersion,
      publishWorkflowDefinition,
      setDefaultWorkflowDefinition,
      deactivateWorkflowDefinition,
      startWorkflow,
      transitionWorkflow,
      cancelWorkflow,
      claimTask,
      releaseTask,
      completeTask,
      reassignTask,
      updateWorkflowConfig,
      saveVisualWorkflow,
      updateVisualWorkflow,
      compileVisualWorkflow,
    },
    WorkflowDefinition,
    WorkflowState,
    WorkflowTransitionRule,
    WorkflowGuard,
    WorkflowAction,
    WorkflowInstance,
    WorkflowTransition,
    WorkflowTask,
    VisualWorkflow,
    Encounter,
    LabTest,
  },
  // Every workflow type needs WORKFLOWS_READ.
  nodes: nodesByLoader('workflows:read', {
    WorkflowDefinition: 'workflowDefinitionById',
    WorkflowInstance: 'workflowInstanceById',
    WorkflowTransition: 'workflowTransitionById',
    WorkflowTask: 'workflowTaskById',
    VisualWorkflow: 'visualWorkflowById',
  }),
};
