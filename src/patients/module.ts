import { nodesByLoader, type DomainModule } from '../kernel/domain-module.js';
import { AnatomyFinding } from './resolvers/AnatomyFinding.js';
import { BodySystem } from './resolvers/BodySystem.js';
import { ClinicalNote } from './resolvers/ClinicalNote.js';
import { DrugAllergy } from './resolvers/DrugAllergy.js';
import { DrugVocabularyEntry } from './resolvers/DrugVocabularyEntry.js';
import { Encounter } from './resolvers/Encounter.js';
import { ImagingOrder } from './resolvers/ImagingOrder.js';
import { LabCriticalLimit } from './resolvers/LabCriticalLimit.js';
import { LabResult } from './resolvers/LabResult.js';
import { LabTest } from './resolvers/LabTest.js';
import { addClinicalNote } from './resolvers/Mutation/addClinicalNote.js';
import { addProblem } from './resolvers/Mutation/addProblem.js';
import { cancelEncounter } from './resolvers/Mutation/cancelEncounter.js';
import { cancelLabTest } from './resolvers/Mutation/cancelLabTest.js';
import { clearLabCriticalLimit } from './resolvers/Mutation/clearLabCriticalLimit.js';
import { collectLabSpecimen } from './resolvers/Mutation/collectLabSpecimen.js';
import { completeEncounter } from './resolvers/Mutation/completeEncounter.js';
import { correctLabResult } from './resolvers/Mutation/correctLabResult.js';
import { createEncounter } from './resolvers/Mutation/createEncounter.js';
import { createPatient } from './resolvers/Mutation/createPatient.js';
import { addDrugVocabularyEntry } from './resolvers/Mutation/addDrugVocabularyEntry.js';
import { deactivatePatient } from './resolvers/Mutation/deactivatePatient.js';
import { deletePatient } from './resolvers/Mutation/deletePatient.js';
import { discontinuePrescription } from './resolvers/Mutation/discontinuePrescription.js';
import { markAllergyEnteredInError } from './resolvers/Mutation/markAllergyEnteredInError.js';
import { markVitalSignsEnteredInError } from './resolvers/Mutation/markVitalSignsEnteredInError.js';
import { orderImaging } from './resolvers/Mutation/orderImaging.js';
import { orderLabTest } from './resolvers/Mutation/orderLabTest.js';
import { prescribeMedication } from './resolvers/Mutation/prescribeMedication.js';
import { recordAnatomyFinding } from './resolvers/Mutation/recordAnatomyFinding.js';
import { recordDrugAllergy } from './resolvers/Mutation/recordDrugAllergy.js';
import { recordLabResult } from './resolvers/Mutation/recordLabResult.js';
import { recordVitalSigns } from './resolvers/Mutation/recordVitalSigns.js';
import { recordImagingAcquired } from './resolvers/Mutation/recordImagingAcquired.js';
import { reportImaging } from './resolvers/Mutation/reportImaging.js';
import { resolveProblem } from './resolvers/Mutation/resolveProblem.js';
import { restorePatient } from './resolvers/Mutation/restorePatient.js';
import { setLabCriticalLimit } from './resolvers/Mutation/setLabCriticalLimit.js';
import { signClinicalNote } from './resolvers/Mutation/signClinicalNote.js';
import { startEncounter } from './resolvers/Mutation/startEncounter.js';
import { undoPatientDeath } from './resolvers/Mutation/undoPatientDeath.js';
import { updatePatient } from './resolvers/Mutation/updatePatient.js';
import { verifyLabTest } from './resolvers/Mutation/verifyLabTest.js';
import { Patient } from './resolvers/Patient.js';
import { Prescription } from './resolvers/Prescription.js';
import { Problem } from './resolvers/Problem.js';
import { bodySystems } from './resolvers/Query/bodySystems.js';
import { criticalResults } from './resolvers/Query/criticalResults.js';
import { encounter } from './resolvers/Query/encounter.js';
import { encounters } from './resolvers/Query/encounters.js';
import { labCriticalLimits } from './resolvers/Query/labCriticalLimits.js';
import { labTest } from './resolvers/Query/labTest.js';
import { patient } from './resolvers/Query/patient.js';
import { patientByMrn } from './resolvers/Query/patientByMrn.js';
import { patients } from './resolvers/Query/patients.js';
import { resolveDrugName } from './resolvers/Query/resolveDrugName.js';
import { VitalSigns } from './resolvers/VitalSigns.js';
import { VitalSignsEnteredInError } from './resolvers/VitalSignsEnteredInError.js';

/** Patients and their clinical records: chart (problems, notes, allergies, prescriptions), encounters, orders. */
export const patientsModule: DomainModule = {
  resolvers: {
    Query: { patient, patientByMrn, patients, encounter, encounters, bodySystems, labTest, labCriticalLimits, criticalResults, resolveDrugName },
    Mutation: {
      createPatient,
      updatePatient,
      deactivatePatient,
      deletePatient,
      restorePatient,
      undoPatientDeath,
      createEncounter,
      startEncounter,
      completeEncounter,
      cancelEncounter,
      recordVitalSigns,
      markVitalSignsEnteredInError,
      addProblem,
      resolveProblem,
      addClinicalNote,
      signClinicalNote,
      recordDrugAllergy,
      markAllergyEnteredInError,
      prescribeMedication,
      discontinuePrescription,
      orderLabTest,
      collectLabSpecimen,
      recordLabResult,
      correctLabResult,
      setLabCriticalLimit,
      clearLabCriticalLimit,
      verifyLabTest,
      cancelLabTest,
      orderImaging,
      recordImagingAcquired,
      reportImaging,
      addDrugVocabularyEntry,
      recordAnatomyFinding,
    },
    Patient,
    Encounter,
    VitalSigns,
    VitalSignsEnteredInError,
    Problem,
    ClinicalNote,
    DrugAllergy,
    DrugVocabularyEntry,
    Prescription,
    LabTest,
    LabResult,
    LabCriticalLimit,
    ImagingOrder,
    AnatomyFinding,
    BodySystem,
  },
  // Each fetcher asserts the permission the type's nested fields require; body systems count as clinical records, like `bodySystems`.
  nodes: {
    ...nodesByLoader('patients:read', { Patient: 'patientById' }),
    ...nodesByLoader('clinical_notes:read', { ClinicalNote: 'clinicalNoteById' }),
    ...nodesByLoader('clinical:read', {
      Encounter: 'encounterById',
      VitalSigns: 'vitalSignsById',
      Problem: 'problemById',
      DrugAllergy: 'drugAllergyById',
      Prescription: 'prescriptionById',
      LabTest: 'labTestById',
      LabResult: 'labResultById',
      ImagingOrder: 'imagingOrderById',
      AnatomyFinding: 'anatomyFindingById',
      BodySystem: 'bodySystemById',
    }),
  },
};
