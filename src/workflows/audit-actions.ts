/** The audit actions of the workflows domain. */
export const WORKFLOWS_AUDIT_ACTIONS = [
  'workflow_definition.create',
  'workflow_definition.create_version',
  'workflow_definition.update',
  'workflow_definition.publish',
  'workflow_definition.set_default',
  'workflow_definition.deactivate',
  'workflow.start',
  'workflow.transition',
  'workflow.cancel',
  'workflow_task.claim',
  'workflow_task.release',
  'workflow_task.complete',
  'workflow_config.update',
  'visual_workflow.create',
  'visual_workflow.update',
  'visual_workflow.compile',
] as const;
