import { nodesByLoader, type DomainModule } from '../kernel/domain-module.js';
import { Appointment } from './resolvers/Appointment.js';
import { Department } from './resolvers/Department.js';
import { bookAppointment } from './resolvers/Mutation/bookAppointment.js';
import { callNextPatient } from './resolvers/Mutation/callNextPatient.js';
import { cancelAppointment } from './resolvers/Mutation/cancelAppointment.js';
import { checkInAppointment } from './resolvers/Mutation/checkInAppointment.js';
import { completeQueueEntry } from './resolvers/Mutation/completeQueueEntry.js';
import { createDepartment } from './resolvers/Mutation/createDepartment.js';
import { enqueueWalkIn } from './resolvers/Mutation/enqueueWalkIn.js';
import { markLeft } from './resolvers/Mutation/markLeft.js';
import { markNoShow } from './resolvers/Mutation/markNoShow.js';
import { rescheduleAppointment } from './resolvers/Mutation/rescheduleAppointment.js';
import { startConsultation } from './resolvers/Mutation/startConsultation.js';
import { updateDepartment } from './resolvers/Mutation/updateDepartment.js';
import { OpdQueueEntry } from './resolvers/OpdQueueEntry.js';
import { OpdQueueEvent } from './resolvers/OpdQueueEvent.js';
import { Patient } from './resolvers/Patient.js';
import { appointment } from './resolvers/Query/appointment.js';
import { appointments } from './resolvers/Query/appointments.js';
import { department } from './resolvers/Query/department.js';
import { departments } from './resolvers/Query/departments.js';
import { opdQueue } from './resolvers/Query/opdQueue.js';
import { opdQueueUpdated } from './resolvers/Subscription/opdQueueUpdated.js';

/** Departments, appointments and the OPD queue with its live subscription. */
export const schedulingModule: DomainModule = {
  resolvers: {
    Query: { department, departments, appointment, appointments, opdQueue },
    Mutation: {
      createDepartment,
      updateDepartment,
      bookAppointment,
      rescheduleAppointment,
      cancelAppointment,
      markNoShow,
      checkInAppointment,
      enqueueWalkIn,
      callNextPatient,
      startConsultation,
      completeQueueEntry,
      markLeft,
    },
    Subscription: { opdQueueUpdated },
    Department,
    Appointment,
    OpdQueueEntry,
    OpdQueueEvent,
    Patient,
  },
  nodes: nodesByLoader('scheduling:read', {
    Department: 'departmentById',
    Appointment: 'appointmentById',
    OpdQueueEntry: 'opdQueueEntryById',
  }),
};
