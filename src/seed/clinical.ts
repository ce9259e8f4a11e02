/**
 * Clinical vocabularies of the synthetic data: conditions (ICD-10-CM),
 * medications (RxNorm ingredient codes), allergens, lab panels (LOINC),
 * imaging studies, examination findings and vital-sign norms.
 */

/** Age bands used for prevalence weights: child (<18), adult (18–44), middle-aged (45–64), senior (65+). */
export type AgeWeights = readonly [child: number, adult: number, middle: number, senior: number];

export function ageBand(age: number): 0 | 1 | 2 | 3 {
  return age < 18 ? 0 : age < 45 ? 1 : age < 65 ? 2 : 3;
}

export interface Condition {
  key: string;
  code: string;
  description: string;
  chronic: boolean;
  weights: AgeWeights;
  sex?: 'MALE' | 'FEMALE';
  bodySystem: string;
  complaint: string;
  /** Medication keys (see MEDICATIONS) a physician would prescribe for it. */
  meds: readonly string[];
  /** Lab panel keys (see LAB_PANELS) ordered to monitor or work it up. */
  labs: readonly string[];
  /** Imaging study keys (see IMAGING_STUDIES) ordered for it. */
  imaging?: readonly string[];
  /** Raises body temperature at the encounter that diagnoses it. */
  febrile?: boolean;
}

export const CONDITIONS: readonly Condition[] = [
  // Chronic
  { key: 'T2DM', code: 'E11.9', description: 'Type 2 diabetes mellitus without complications', chronic: true, weights: [0.1, 3, 10, 14], bodySystem: 'ENDOCRINE', complaint: 'follow-up of type 2 diabetes', meds: ['metformin', 'glargine'], labs: ['HBA1C', 'BMP', 'LIPID'] },
  { key: 'HTN', code: 'I10', description: 'Essential (primary) hypertension', chronic: true, weights: [0.1, 5, 16, 24], bodySystem: 'CARDIOVASCULAR', complaint: 'blood pressure check', meds: ['lisinopril', 'amlodipine', 'losartan', 'hctz'], labs: ['BMP'] },
  { key: 'HLD', code: 'E78.5', description: 'Hyperlipidemia, unspecified', chronic: true, weights: [0.1, 4, 12, 14], bodySystem: 'CARDIOVASCULAR', complaint: 'cholesterol follow-up', meds: ['atorvastatin'], labs: ['LIPID'] },
  { key: 'ASTHMA', code: 'J45.909', description: 'Unspecified asthma, uncomplicated', chronic: true, weights: [8, 6, 4, 3], bodySystem: 'RESPIRATORY', complaint: 'wheezing and shortness of breath', meds: ['albuterol', 'fluticasone_inh', 'montelukast'], labs: [] },
  { key: 'HYPOTHYROID', code: 'E03.9', description: 'Hypothyroidism, unspecified', chronic: true, weights: [0.3, 3, 6, 7], bodySystem: 'ENDOCRINE', complaint: 'fatigue and weight gain', meds: ['levothyroxine'], labs: ['TSH'], imaging: ['US_THYROID'] },
  { key: 'GERD', code: 'K21.9', description: 'Gastro-esophageal reflux disease without esophagitis', chronic: true, weights: [0.5, 5, 7, 7], bodySystem: 'GASTROINTESTINAL', complaint: 'heartburn after meals', meds: ['omeprazole'], labs: [] },
  { key: 'DEPRESSION', code: 'F32.9', description: 'Major depressive disorder, single episode, unspecified', chronic: true, weights: [1, 6, 5, 3], bodySystem: 'NEUROLOGICAL', complaint: 'low mood and poor sleep', meds: ['sertraline', 'escitalopram'], labs: ['TSH'] },
  { key: 'ANXIETY', code: 'F41.1', description: 'Generalized anxiety disorder', chronic: true, weights: [1, 6, 4, 2], bodySystem: 'NEUROLOGICAL', complaint: 'persistent worry and palpitations', meds: ['escitalopram', 'sertraline'], labs: [] },
  { key: 'OA_KNEE', code: 'M17.9', description: 'Osteoarthritis of knee, unspecified', chronic: true, weights: [0, 0.5, 6, 12], bodySystem: 'MUSCULOSKELETAL', complaint: 'knee pain and stiffness', meds: ['naproxen', 'acetaminophen'], labs: [], imaging: ['XR_KNEE', 'MRI_KNEE'] },
  { key: 'CKD3', code: 'N18.30', description: 'Chronic kidney disease, stage 3 unspecified', chronic: true, weights: [0, 0.3, 2, 6], bodySystem: 'GENITOURINARY', complaint: 'kidney function follow-up', meds: ['furosemide'], labs: ['BMP', 'CBC'], imaging: ['US_RENAL'] },
  { key: 'AFIB', code: 'I48.91', description: 'Unspecified atrial fibrillation', chronic: true, weights: [0, 0.2, 1.5, 5], bodySystem: 'CARDIOVASCULAR', complaint: 'palpitations', meds: ['apixaban', 'metoprolol'], labs: ['CBC', 'BMP'], imaging: ['ECHO'] },
  { key: 'COPD', code: 'J44.9', description: 'Chronic obstructive pulmonary disease, unspecified', chronic: true, weights: [0, 0.3, 3, 6], bodySystem: 'RESPIRATORY', complaint: 'chronic cough and breathlessness', meds: ['albuterol', 'fluticasone_inh'], labs: ['CBC'], imaging: ['XR_CHEST', 'CT_CHEST'] },
  { key: 'OBESITY', code: 'E66.9', description: 'Obesity, unspecified', chronic: true, weights: [2, 6, 7, 4], bodySystem: 'ENDOCRINE', complaint: 'weight management', meds: [], labs: ['HBA1C', 'LIPID'] },
  { key: 'MIGRAINE', code: 'G43.909', description: 'Migraine, unspecified, not intractable, without status migrainosus', chronic: true, weights: [1.5, 5, 3, 1], bodySystem: 'NEUROLOGICAL', complaint: 'recurrent throbbing headaches', meds: ['sumatriptan', 'ibuprofen'], labs: [], imaging: ['CT_HEAD', 'MRI_BRAIN'] },
  { key: 'ANEMIA', code: 'D64.9', description: 'Anemia, unspecified', chronic: true, weights: [1, 3, 2, 3], bodySystem: 'HEMATOLOGIC_LYMPHATIC', complaint: 'fatigue and dizziness', meds: ['ferrous_sulfate'], labs: ['CBC'] },
  { key: 'BPH', code: 'N40.0', description: 'Benign prostatic hyperplasia without lower urinary tract symptoms', chronic: true, weights: [0, 0.1, 4, 10], sex: 'MALE', bodySystem: 'REPRODUCTIVE', complaint: 'frequent urination at night', meds: ['tamsulosin'], labs: ['BMP'], imaging: ['US_RENAL'] },
  { key: 'HF', code: 'I50.9', description: 'Heart failure, unspecified', chronic: true, weights: [0, 0.1, 1, 4], bodySystem: 'CARDIOVASCULAR', complaint: 'ankle swelling and breathlessness', meds: ['furosemide', 'metoprolol', 'lisinopril'], labs: ['BMP', 'CBC'], imaging: ['ECHO', 'XR_CHEST'] },
  { key: 'LBP', code: 'M54.50', description: 'Low back pain, unspecified', chronic: true, weights: [0.3, 6, 7, 5], bodySystem: 'MUSCULOSKELETAL', complaint: 'lower back pain', meds: ['naproxen', 'cyclobenzaprine', 'ibuprofen'], labs: [], imaging: ['MRI_LSPINE', 'XR_LSPINE'] },
  { key: 'RHINITIS', code: 'J30.9', description: 'Allergic rhinitis, unspecified', chronic: true, weights: [5, 5, 3, 1.5], bodySystem: 'HEENT', complaint: 'sneezing and nasal congestion', meds: ['cetirizine', 'fluticasone_nasal', 'montelukast'], labs: [] },
  { key: 'ECZEMA', code: 'L20.9', description: 'Atopic dermatitis, unspecified', chronic: true, weights: [6, 1.5, 0.8, 0.5], bodySystem: 'INTEGUMENTARY', complaint: 'itchy rash', meds: ['hydrocortisone_cream'], labs: [] },
  { key: 'ADHD', code: 'F90.9', description: 'Attention-deficit hyperactivity disorder, unspecified type', chronic: true, weights: [4, 1, 0.2, 0], bodySystem: 'NEUROLOGICAL', complaint: 'difficulty concentrating at school', meds: [], labs: [] },
  { key: 'GLAUCOMA', code: 'H40.9', description: 'Unspecified glaucoma', chronic: true, weights: [0, 0.2, 1.5, 4], bodySystem: 'HEENT', complaint: 'eye pressure follow-up', meds: ['timolol'], labs: [] },
  // Acute
  { key: 'URI', code: 'J06.9', description: 'Acute upper respiratory infection, unspecified', chronic: false, weights: [12, 8, 6, 4], bodySystem: 'RESPIRATORY', complaint: 'sore throat, cough and runny nose', meds: ['acetaminophen', 'cetirizine'], labs: [], febrile: true },
  { key: 'PHARYNGITIS', code: 'J02.9', description: 'Acute pharyngitis, unspecified', chronic: false, weights: [8, 4, 2, 1], bodySystem: 'HEENT', complaint: 'sore throat and fever', meds: ['amoxicillin', 'azithromycin'], labs: ['CBC'], febrile: true },
  { key: 'UTI', code: 'N39.0', description: 'Urinary tract infection, site not specified', chronic: false, weights: [2, 5, 4, 5], bodySystem: 'GENITOURINARY', complaint: 'burning on urination', meds: ['nitrofurantoin', 'smx_tmp', 'cephalexin'], labs: ['BMP'] },
  { key: 'BRONCHITIS', code: 'J20.9', description: 'Acute bronchitis, unspecified', chronic: false, weights: [4, 4, 4, 4], bodySystem: 'RESPIRATORY', complaint: 'productive cough for one week', meds: ['albuterol', 'azithromycin'], labs: [], imaging: ['XR_CHEST'] },
  { key: 'OTITIS', code: 'H66.90', description: 'Otitis media, unspecified, unspecified ear', chronic: false, weights: [10, 1, 0.5, 0.3], bodySystem: 'HEENT', complaint: 'ear pain and fever', meds: ['amoxicillin', 'ciprofloxacin_otic'], labs: [], febrile: true },
  { key: 'PNEUMONIA', code: 'J18.9', description: 'Pneumonia, unspecified organism', chronic: false, weights: [2, 1.5, 2, 5], bodySystem: 'RESPIRATORY', complaint: 'fever, cough and chest pain', meds: ['amoxicillin', 'doxycycline', 'ceftriaxone'], labs: ['CBC', 'BMP'], imaging: ['XR_CHEST', 'CT_CHEST'], febrile: true },
  { key: 'ANKLE_SPRAIN', code: 'S93.401A', description: 'Sprain of unspecified ligament of right ankle, initial encounter', chronic: false, weights: [4, 4, 2, 1], bodySystem: 'MUSCULOSKELETAL', complaint: 'right ankle pain after a fall', meds: ['ibuprofen', 'naproxen'], labs: [], imaging: ['XR_ANKLE'] },
  { key: 'GASTRO', code: 'A09', description: 'Infectious gastroenteritis and colitis, unspecified', chronic: false, weights: [6, 4, 3, 3], bodySystem: 'GASTROINTESTINAL', complaint: 'vomiting and diarrhea', meds: ['ondansetron'], labs: ['BMP'], febrile: true },
  { key: 'HEADACHE', code: 'R51.9', description: 'Headache, unspecified', chronic: false, weights: [2, 4, 3, 2], bodySystem: 'NEUROLOGICAL', complaint: 'headache for three days', meds: ['acetaminophen', 'ibuprofen'], labs: [], imaging: ['CT_HEAD'] },
  { key: 'CELLULITIS', code: 'L03.90', description: 'Cellulitis, unspecified', chronic: false, weights: [1, 2, 2, 3], bodySystem: 'INTEGUMENTARY', complaint: 'red, swollen and painful skin on the leg', meds: ['cephalexin', 'doxycycline', 'mupirocin'], labs: ['CBC'], febrile: true },
  { key: 'SINUSITIS', code: 'J01.90', description: 'Acute sinusitis, unspecified', chronic: false, weights: [2, 5, 4, 2], bodySystem: 'HEENT', complaint: 'facial pressure and nasal congestion', meds: ['amoxicillin_clav', 'fluticasone_nasal'], labs: [] },
  { key: 'COVID', code: 'U07.1', description: 'COVID-19', chronic: false, weights: [3, 4, 4, 5], bodySystem: 'RESPIRATORY', complaint: 'fever, cough and loss of taste', meds: ['acetaminophen'], labs: ['CBC'], imaging: ['XR_CHEST'], febrile: true },
  { key: 'ABD_PAIN', code: 'R10.9', description: 'Unspecified abdominal pain', chronic: false, weights: [2, 3, 3, 3], bodySystem: 'GASTROINTESTINAL', complaint: 'abdominal pain', meds: ['omeprazole'], labs: ['CBC', 'BMP'], imaging: ['US_ABDOMEN', 'CT_ABDOMEN'] },
  { key: 'CONJUNCTIVITIS', code: 'H10.9', description: 'Unspecified conjunctivitis', chronic: false, weights: [5, 2, 1, 1], bodySystem: 'HEENT', complaint: 'red, itchy eyes', meds: ['erythromycin_oph'], labs: [] },
];

export type Route =
  | 'ORAL' | 'IV' | 'IM' | 'SC' | 'TOPICAL' | 'INHALED' | 'SUBLINGUAL' | 'RECTAL' | 'OPHTHALMIC' | 'OTIC' | 'NASAL' | 'TRANSDERMAL';

export interface Medication {
  key: string;
  name: string;
  code: string;
  dosage: string;
  doseAmount: number | null;
  doseUnit: string | null;
  route: Route;
  frequency: string;
  /** Short course in days; null for long-term therapy. */
  durationDays: number | null;
  quantity: number;
  refills: number;
  instructions: string;
  /** Allergy class: a patient allergic to this class must not get the drug. */
  drugClass?: string;
  /** Dose suitable for children. */
  pediatric?: boolean;
}

export const MEDICATIONS: readonly Medication[] = [
  { key: 'metformin', name: 'Metformin', code: '6809', dosage: '500 mg', doseAmount: 500, doseUnit: 'mg', route: 'ORAL', frequency: 'Twice daily with meals', durationDays: null, quantity: 60, refills: 5, instructions: 'Take with breakfast and dinner.' },
  { key: 'glargine', name: 'Insulin glargine', code: '274783', dosage: '10 units', doseAmount: 10, doseUnit: 'units', route: 'SC', frequency: 'Once daily at bedtime', durationDays: null, quantity: 3, refills: 5, instructions: 'Inject subcutaneously at the same time each day; rotate sites.' },
  { key: 'lisinopril', name: 'Lisinopril', code: '29046', dosage: '10 mg', doseAmount: 10, doseUnit: 'mg', route: 'ORAL', frequency: 'Once daily', durationDays: null, quantity: 30, refills: 11, instructions: 'Report any swelling of the face or lips.', drugClass: 'ACE_INHIBITOR' },
  { key: 'amlodipine', name: 'Amlodipine', code: '17767', dosage: '5 mg', doseAmount: 5, doseUnit: 'mg', route: 'ORAL', frequency: 'Once daily', durationDays: null, quantity: 30, refills: 11, instructions: 'May cause ankle swelling.' },
  { key: 'losartan', name: 'Losartan', code: '52175', dosage: '50 mg', doseAmount: 50, doseUnit: 'mg', route: 'ORAL', frequency: 'Once daily', durationDays: null, quantity: 30, refills: 11, instructions: 'Check blood pressure at home weekly.' },
  { key: 'hctz', name: 'Hydrochlorothiazide', code: '5487', dosage: '25 mg', doseAmount: 25, doseUnit: 'mg', route: 'ORAL', frequency: 'Once daily in the morning', durationDays: null, quantity: 30, refills: 11, instructions: 'Take in the morning.', drugClass: 'SULFONAMIDE' },
  { key: 'atorvastatin', name: 'Atorvastatin', code: '83367', dosage: '20 mg', doseAmount: 20, doseUnit: 'mg', route: 'ORAL', frequency: 'Once daily at bedtime', durationDays: null, quantity: 30, refills: 11, instructions: 'Report unexplained muscle pain.' },
  { key: 'levothyroxine', name: 'Levothyroxine', code: '10582', dosage: '50 mcg', doseAmount: 50, doseUnit: 'mcg', route: 'ORAL', frequency: 'Once daily before breakfast', durationDays: null, quantity: 30, refills: 11, instructions: 'Take on an empty stomach 30 minutes before breakfast.' },
  { key: 'albuterol', name: 'Albuterol HFA inhaler', code: '435', dosage: '90 mcg, 2 puffs', doseAmount: 180, doseUnit: 'mcg', route: 'INHALED', frequency: 'Every 4-6 hours as needed', durationDays: null, quantity: 1, refills: 3, instructions: 'Use for wheezing or shortness of breath; shake before use.', pediatric: true },
  { key: 'fluticasone_inh', name: 'Fluticasone propionate inhaler', code: '41126', dosage: '110 mcg, 2 puffs', doseAmount: 220, doseUnit: 'mcg', route: 'INHALED', frequency: 'Twice daily', durationDays: null, quantity: 1, refills: 5, instructions: 'Rinse mouth after each use.', pediatric: true },
  { key: 'montelukast', name: 'Montelukast', code: '88249', dosage: '10 mg', doseAmount: 10, doseUnit: 'mg', route: 'ORAL', frequency: 'Once daily in the evening', durationDays: null, quantity: 30, refills: 5, instructions: 'Report mood changes or sleep problems.' },
  { key: 'omeprazole', name: 'Omeprazole', code: '7646', dosage: '20 mg', doseAmount: 20, doseUnit: 'mg', route: 'ORAL', frequency: 'Once daily before breakfast', durationDays: 56, quantity: 56, refills: 1, instructions: 'Take 30 minutes before the first meal.' },
  { key: 'sertraline', name: 'Sertraline', code: '36437', dosage: '50 mg', doseAmount: 50, doseUnit: 'mg', route: 'ORAL', frequency: 'Once daily', durationDays: null, quantity: 30, refills: 5, instructions: 'May take 4-6 weeks for full effect; do not stop abruptly.' },
  { key: 'escitalopram', name: 'Escitalopram', code: '321988', dosage: '10 mg', doseAmount: 10, doseUnit: 'mg', route: 'ORAL', frequency: 'Once daily', durationDays: null, quantity: 30, refills: 5, instructions: 'Do not stop abruptly.' },
  { key: 'naproxen', name: 'Naproxen', code: '7258', dosage: '500 mg', doseAmount: 500, doseUnit: 'mg', route: 'ORAL', frequency: 'Twice daily with food', durationDays: 14, quantity: 28, refills: 0, instructions: 'Take with food; stop if stomach pain occurs.', drugClass: 'NSAID' },
  { key: 'acetaminophen', name: 'Acetaminophen', code: '161', dosage: '500 mg', doseAmount: 500, doseUnit: 'mg', route: 'ORAL', frequency: 'Every 6 hours as needed', durationDays: 7, quantity: 28, refills: 0, instructions: 'Do not exceed 3,000 mg per day.', pediatric: true },
  { key: 'ibuprofen', name: 'Ibuprofen', code: '5640', dosage: '400 mg', doseAmount: 400, doseUnit: 'mg', route: 'ORAL', frequency: 'Every 6 hours as needed', durationDays: 7, quantity: 28, refills: 0, instructions: 'Take with food.', drugClass: 'NSAID', pediatric: true },
  { key: 'furosemide', name: 'Furosemide', code: '4603', dosage: '40 mg', doseAmount: 40, doseUnit: 'mg', route: 'ORAL', frequency: 'Once daily in the morning', durationDays: null, quantity: 30, refills: 5, instructions: 'Weigh yourself daily; report a gain of more than 2 kg in a week.', drugClass: 'SULFONAMIDE' },
  { key: 'apixaban', name: 'Apixaban', code: '1364430', dosage: '5 mg', doseAmount: 5, doseUnit: 'mg', route: 'ORAL', frequency: 'Twice daily', durationDays: null, quantity: 60, refills: 5, instructions: 'Report any unusual bleeding.' },
  { key: 'metoprolol', name: 'Metoprolol succinate ER', code: '6918', dosage: '50 mg', doseAmount: 50, doseUnit: 'mg', route: 'ORAL', frequency: 'Once daily', durationDays: null, quantity: 30, refills: 11, instructions: 'Do not stop suddenly.' },
  { key: 'sumatriptan', name: 'Sumatriptan', code: '37418', dosage: '50 mg', doseAmount: 50, doseUnit: 'mg', route: 'ORAL', frequency: 'At migraine onset; may repeat once after 2 hours', durationDays: 30, quantity: 9, refills: 2, instructions: 'Maximum 200 mg in 24 hours.' },
  { key: 'ferrous_sulfate', name: 'Ferrous sulfate', code: '24947', dosage: '325 mg', doseAmount: 325, doseUnit: 'mg', route: 'ORAL', frequency: 'Once daily', durationDays: 90, quantity: 90, refills: 0, instructions: 'Take with orange juice; may darken stools.' },
  { key: 'tamsulosin', name: 'Tamsulosin', code: '77492', dosage: '0.4 mg', doseAmount: 0.4, doseUnit: 'mg', route: 'ORAL', frequency: 'Once daily after the same meal', durationDays: null, quantity: 30, refills: 11, instructions: 'Rise slowly from sitting.' },
  { key: 'cyclobenzaprine', name: 'Cyclobenzaprine', code: '21949', dosage: '10 mg', doseAmount: 10, doseUnit: 'mg', route: 'ORAL', frequency: 'Three times daily as needed', durationDays: 10, quantity: 30, refills: 0, instructions: 'May cause drowsiness; avoid alcohol.' },
  { key: 'cetirizine', name: 'Cetirizine', code: '20610', dosage: '10 mg', doseAmount: 10, doseUnit: 'mg', route: 'ORAL', frequency: 'Once daily', durationDays: 30, quantity: 30, refills: 2, instructions: 'May cause mild drowsiness.', pediatric: true },
  { key: 'fluticasone_nasal', name: 'Fluticasone nasal spray', code: '41126', dosage: '50 mcg, 2 sprays per nostril', doseAmount: 100, doseUnit: 'mcg', route: 'NASAL', frequency: 'Once daily', durationDays: 30, quantity: 1, refills: 3, instructions: 'Aim away from the nasal septum.', pediatric: true },
  { key: 'hydrocortisone_cream', name: 'Hydrocortisone 1% cream', code: '5492', dosage: 'Thin layer', doseAmount: null, doseUnit: null, route: 'TOPICAL', frequency: 'Twice daily', durationDays: 14, quantity: 1, refills: 1, instructions: 'Apply to affected skin; not on the face for more than 5 days.', pediatric: true },
  { key: 'timolol', name: 'Timolol 0.5% ophthalmic solution', code: '10600', dosage: '1 drop in each eye', doseAmount: 1, doseUnit: 'drop', route: 'OPHTHALMIC', frequency: 'Twice daily', durationDays: null, quantity: 1, refills: 11, instructions: 'Press on the inner corner of the eye for 1 minute after each drop.' },
  { key: 'amoxicillin', name: 'Amoxicillin', code: '723', dosage: '500 mg', doseAmount: 500, doseUnit: 'mg', route: 'ORAL', frequency: 'Three times daily', durationDays: 10, quantity: 30, refills: 0, instructions: 'Complete the full course.', drugClass: 'PENICILLIN', pediatric: true },
  { key: 'amoxicillin_clav', name: 'Amoxicillin-clavulanate', code: '19711', dosage: '875 mg', doseAmount: 875, doseUnit: 'mg', route: 'ORAL', frequency: 'Twice daily', durationDays: 7, quantity: 14, refills: 0, instructions: 'Take with food; complete the full course.', drugClass: 'PENICILLIN' },
  { key: 'azithromycin', name: 'Azithromycin', code: '18631', dosage: '250 mg', doseAmount: 250, doseUnit: 'mg', route: 'ORAL', frequency: 'Once daily (500 mg on day 1)', durationDays: 5, quantity: 6, refills: 0, instructions: 'Take 2 tablets on day 1, then 1 tablet daily.', drugClass: 'MACROLIDE', pediatric: true },
  { key: 'cephalexin', name: 'Cephalexin', code: '2231', dosage: '500 mg', doseAmount: 500, doseUnit: 'mg', route: 'ORAL', frequency: 'Four times daily', durationDays: 7, quantity: 28, refills: 0, instructions: 'Complete the full course.', drugClass: 'CEPHALOSPORIN', pediatric: true },
  { key: 'nitrofurantoin', name: 'Nitrofurantoin monohydrate/macrocrystals', code: '7454', dosage: '100 mg', doseAmount: 100, doseUnit: 'mg', route: 'ORAL', frequency: 'Twice daily', durationDays: 5, quantity: 10, refills: 0, instructions: 'Take with food.' },
  { key: 'smx_tmp', name: 'Sulfamethoxazole-trimethoprim DS', code: '10180', dosage: '800 mg/160 mg', doseAmount: 1, doseUnit: 'tablet', route: 'ORAL', frequency: 'Twice daily', durationDays: 3, quantity: 6, refills: 0, instructions: 'Drink plenty of water.', drugClass: 'SULFONAMIDE' },
  { key: 'doxycycline', name: 'Doxycycline hyclate', code: '3640', dosage: '100 mg', doseAmount: 100, doseUnit: 'mg', route: 'ORAL', frequency: 'Twice daily', durationDays: 7, quantity: 14, refills: 0, instructions: 'Take upright with a full glass of water; avoid sun exposure.', drugClass: 'TETRACYCLINE' },
  { key: 'ceftriaxone', name: 'Ceftriaxone', code: '2193', dosage: '1 g', doseAmount: 1, doseUnit: 'g', route: 'IM', frequency: 'Once', durationDays: 1, quantity: 1, refills: 0, instructions: 'Single intramuscular dose given in clinic.', drugClass: 'CEPHALOSPORIN' },
  { key: 'ondansetron', name: 'Ondansetron ODT', code: '26225', dosage: '4 mg', doseAmount: 4, doseUnit: 'mg', route: 'SUBLINGUAL', frequency: 'Every 8 hours as needed for nausea', durationDays: 3, quantity: 9, refills: 0, instructions: 'Let the tablet dissolve on the tongue.', pediatric: true },
  { key: 'mupirocin', name: 'Mupirocin 2% ointment', code: '42372', dosage: 'Thin layer', doseAmount: null, doseUnit: null, route: 'TOPICAL', frequency: 'Three times daily', durationDays: 10, quantity: 1, refills: 0, instructions: 'Apply to the affected area after washing.', pediatric: true },
  { key: 'ciprofloxacin_otic', name: 'Ciprofloxacin 0.3% otic solution', code: '2551', dosage: '4 drops in the affected ear', doseAmount: 4, doseUnit: 'drop', route: 'OTIC', frequency: 'Twice daily', durationDays: 7, quantity: 1, refills: 0, instructions: 'Warm the bottle in your hand before use.', drugClass: 'FLUOROQUINOLONE', pediatric: true },
  { key: 'erythromycin_oph', name: 'Erythromycin 0.5% ophthalmic ointment', code: '4053', dosage: '1 cm ribbon', doseAmount: null, doseUnit: null, route: 'OPHTHALMIC', frequency: 'Four times daily', durationDays: 7, quantity: 1, refills: 0, instructions: 'Apply inside the lower eyelid.', drugClass: 'MACROLIDE', pediatric: true },
  { key: 'nicotine_patch', name: 'Nicotine transdermal patch', code: '7407', dosage: '21 mg/24 h', doseAmount: 21, doseUnit: 'mg', route: 'TRANSDERMAL', frequency: 'One patch daily', durationDays: 42, quantity: 42, refills: 0, instructions: 'Apply to clean, hairless skin; rotate sites.' },
  { key: 'enoxaparin', name: 'Enoxaparin', code: '67108', dosage: '40 mg', doseAmount: 40, doseUnit: 'mg', route: 'SC', frequency: 'Once daily', durationDays: 10, quantity: 10, refills: 0, instructions: 'Inject into the abdomen; rotate sites.' },
  { key: 'ondansetron_iv', name: 'Ondansetron injection', code: '26225', dosage: '4 mg', doseAmount: 4, doseUnit: 'mg', route: 'IV', frequency: 'Every 8 hours as needed', durationDays: 2, quantity: 6, refills: 0, instructions: 'Administer slowly over 2-5 minutes.' },
  { key: 'acetaminophen_pr', name: 'Acetaminophen suppository', code: '161', dosage: '120 mg', doseAmount: 120, doseUnit: 'mg', route: 'RECTAL', frequency: 'Every 6 hours as needed for fever', durationDays: 3, quantity: 6, refills: 0, instructions: 'For children unable to take oral medication.', pediatric: true },
  { key: 'nitroglycerin', name: 'Nitroglycerin', code: '4917', dosage: '0.4 mg', doseAmount: 0.4, doseUnit: 'mg', route: 'SUBLINGUAL', frequency: 'Every 5 minutes as needed for chest pain, up to 3 doses', durationDays: 90, quantity: 25, refills: 1, instructions: 'Call emergency services if pain persists after the first dose.' },
];

export const MEDICATION_BY_KEY: ReadonlyMap<string, Medication> = new Map(MEDICATIONS.map((m) => [m.key, m]));

/** Extra, symptomatic prescriptions not tied to a coded problem. */
export const SYMPTOMATIC_MEDS: readonly string[] = [
  'acetaminophen', 'ibuprofen', 'cetirizine', 'omeprazole', 'ondansetron', 'nicotine_patch', 'naproxen',
  'ondansetron_iv', 'acetaminophen_pr', 'enoxaparin', 'nitroglycerin',
];

export interface Allergen {
  allergen: string;
  code: string;
  drugClass: string;
  reactions: readonly string[];
  weight: number;
}

export const ALLERGENS: readonly Allergen[] = [
  { allergen: 'Penicillin', code: '7980', drugClass: 'PENICILLIN', reactions: ['Hives', 'Generalized rash', 'Anaphylaxis', 'Itching and swelling'], weight: 30 },
  { allergen: 'Amoxicillin', code: '723', drugClass: 'PENICILLIN', reactions: ['Maculopapular rash', 'Hives'], weight: 8 },
  { allergen: 'Sulfonamide antibiotics', code: '10180', drugClass: 'SULFONAMIDE', reactions: ['Rash', 'Hives', 'Stevens-Johnson syndrome'], weight: 14 },
  { allergen: 'Aspirin', code: '1191', drugClass: 'NSAID', reactions: ['Bronchospasm', 'Hives', 'Angioedema'], weight: 8 },
  { allergen: 'Ibuprofen', code: '5640', drugClass: 'NSAID', reactions: ['Hives', 'Facial swelling'], weight: 5 },
  { allergen: 'Codeine', code: '2670', drugClass: 'OPIOID', reactions: ['Nausea and vomiting', 'Itching'], weight: 8 },
  { allergen: 'Morphine', code: '7052', drugClass: 'OPIOID', reactions: ['Itching', 'Hives'], weight: 3 },
  { allergen: 'Cephalexin', code: '2231', drugClass: 'CEPHALOSPORIN', reactions: ['Rash', 'Hives'], weight: 4 },
  { allergen: 'Erythromycin', code: '4053', drugClass: 'MACROLIDE', reactions: ['Gastrointestinal upset', 'Rash'], weight: 3 },
  { allergen: 'Ciprofloxacin', code: '2551', drugClass: 'FLUOROQUINOLONE', reactions: ['Tendon pain', 'Rash'], weight: 2 },
  { allergen: 'Lisinopril', code: '29046', drugClass: 'ACE_INHIBITOR', reactions: ['Angioedema', 'Persistent dry cough'], weight: 3 },
  { allergen: 'Tetracycline', code: '10395', drugClass: 'TETRACYCLINE', reactions: ['Photosensitivity rash'], weight: 2 },
  { allergen: 'Iodinated contrast media', code: '5956', drugClass: 'CONTRAST', reactions: ['Hives', 'Flushing', 'Anaphylactoid reaction'], weight: 4 },
  { allergen: 'Carbamazepine', code: '2002', drugClass: 'ANTICONVULSANT', reactions: ['Rash', 'Fever and rash'], weight: 1 },
];

export interface Analyte {
  name: string;
  code: string;
  unit: string;
  decimals: number;
  /** Reference range; `female` overrides for women. */
  low: number;
  high: number;
  female?: readonly [number, number];
  criticalLow?: number;
  criticalHigh?: number;
  /** Value distribution when the patient has one of these conditions: [mean, sd]. */
  shifts?: Readonly<Record<string, readonly [number, number]>>;
  /** Hard bounds of generated values. */
  min: number;
  max: number;
}

export interface LabPanel {
  key: string;
  code: string;
  name: string;
  specimen: string;
  analytes: readonly Analyte[];
}

export const LAB_PANELS: readonly LabPanel[] = [
  {
    key: 'CBC', code: '58410-2', name: 'Complete blood count (CBC)', specimen: 'Whole blood (EDTA)',
    analytes: [
      { name: 'White blood cell count', code: '6690-2', unit: '10^3/uL', decimals: 1, low: 4.5, high: 11.0, criticalLow: 2.0, criticalHigh: 30, min: 1.2, max: 40, shifts: { PNEUMONIA: [14.5, 3], CELLULITIS: [12.5, 2.5], PHARYNGITIS: [11.5, 2.5] } },
      { name: 'Hemoglobin', code: '718-7', unit: 'g/dL', decimals: 1, low: 13.5, high: 17.5, female: [12.0, 15.5], criticalLow: 7.0, criticalHigh: 20, min: 5.5, max: 21, shifts: { ANEMIA: [9.8, 1.2], CKD3: [11.2, 1.0] } },
      { name: 'Hematocrit', code: '4544-3', unit: '%', decimals: 1, low: 41, high: 53, female: [36, 46], criticalLow: 20, criticalHigh: 60, min: 17, max: 62, shifts: { ANEMIA: [30, 3.5], CKD3: [34, 3] } },
      { name: 'Platelet count', code: '777-3', unit: '10^3/uL', decimals: 0, low: 150, high: 400, criticalLow: 50, criticalHigh: 1000, min: 20, max: 1100 },
    ],
  },
  {
    key: 'BMP', code: '51990-0', name: 'Basic metabolic panel (BMP)', specimen: 'Serum',
    analytes: [
      { name: 'Glucose', code: '2345-7', unit: 'mg/dL', decimals: 0, low: 70, high: 99, criticalLow: 50, criticalHigh: 400, min: 40, max: 500, shifts: { T2DM: [165, 45] } },
      { name: 'Sodium', code: '2951-2', unit: 'mmol/L', decimals: 0, low: 135, high: 145, criticalLow: 120, criticalHigh: 160, min: 115, max: 165, shifts: { GASTRO: [133, 3], HF: [134, 3] } },
      { name: 'Potassium', code: '2823-3', unit: 'mmol/L', decimals: 1, low: 3.5, high: 5.1, criticalLow: 2.5, criticalHigh: 6.5, min: 2.2, max: 7.0, shifts: { CKD3: [5.0, 0.5], GASTRO: [3.4, 0.4] } },
      { name: 'Creatinine', code: '2160-0', unit: 'mg/dL', decimals: 2, low: 0.74, high: 1.35, female: [0.59, 1.04], criticalHigh: 5.0, min: 0.3, max: 8, shifts: { CKD3: [1.9, 0.35] } },
    ],
  },
  {
    key: 'HBA1C', code: '4548-4', name: 'Hemoglobin A1c', specimen: 'Whole blood (EDTA)',
    analytes: [
      { name: 'Hemoglobin A1c', code: '4548-4', unit: '%', decimals: 1, low: 4.0, high: 5.6, criticalHigh: 14, min: 3.8, max: 15, shifts: { T2DM: [7.8, 1.3], OBESITY: [5.8, 0.4] } },
    ],
  },
  {
    key: 'LIPID', code: '57698-3', name: 'Lipid panel', specimen: 'Serum (fasting)',
    analytes: [
      { name: 'Total cholesterol', code: '2093-3', unit: 'mg/dL', decimals: 0, low: 100, high: 199, min: 90, max: 400, shifts: { HLD: [245, 30], T2DM: [210, 30] } },
      { name: 'LDL cholesterol', code: '13457-7', unit: 'mg/dL', decimals: 0, low: 0, high: 99, min: 30, max: 280, shifts: { HLD: [160, 30], T2DM: [120, 25] } },
      { name: 'HDL cholesterol', code: '2085-9', unit: 'mg/dL', decimals: 0, low: 40, high: 100, min: 20, max: 110, shifts: { OBESITY: [38, 6], T2DM: [39, 7] } },
      { name: 'Triglycerides', code: '2571-8', unit: 'mg/dL', decimals: 0, low: 0, high: 149, criticalHigh: 1000, min: 40, max: 1200, shifts: { HLD: [210, 60], T2DM: [190, 60], OBESITY: [180, 50] } },
    ],
  },
  {
    key: 'TSH', code: '3016-3', name: 'Thyroid stimulating hormone (TSH)', specimen: 'Serum',
    analytes: [
      { name: 'TSH', code: '3016-3', unit: 'mIU/L', decimals: 2, low: 0.4, high: 4.0, min: 0.01, max: 60, shifts: { HYPOTHYROID: [6.8, 2.5] } },
    ],
  },
];

export const LAB_PANEL_BY_KEY: ReadonlyMap<string, LabPanel> = new Map(LAB_PANELS.map((p) => [p.key, p]));

export type Laterality = 'LEFT' | 'RIGHT' | 'BILATERAL' | 'NA';
export type Modality = 'XRAY' | 'CT' | 'MRI' | 'ULTRASOUND' | 'MAMMOGRAPHY' | 'NUCLEAR' | 'FLUOROSCOPY' | 'PET';

export interface ImagingStudy {
  key: string;
  modality: Modality;
  bodyPart: string;
  bodySystem: string;
  lateralities: readonly Laterality[];
  contrast: number;
  normal: readonly [findings: string, impression: string];
  abnormal: readonly (readonly [findings: string, impression: string])[];
  sex?: 'FEMALE' | 'MALE';
  minAge?: number;
}

export const IMAGING_STUDIES: readonly ImagingStudy[] = [
  { key: 'XR_CHEST', modality: 'XRAY', bodyPart: 'Chest, PA and lateral', bodySystem: 'RESPIRATORY', lateralities: ['NA'], contrast: 0,
    normal: ['Lungs are clear. No pleural effusion or pneumothorax. Cardiomediastinal silhouette is normal.', 'No acute cardiopulmonary process.'],
    abnormal: [['Patchy consolidation in the right lower lobe. No effusion.', 'Right lower lobe pneumonia.'], ['Hyperinflated lungs with flattened diaphragms.', 'Findings consistent with COPD.'], ['Cardiomegaly with mild pulmonary vascular congestion.', 'Mild congestive heart failure.']] },
  { key: 'CT_CHEST', modality: 'CT', bodyPart: 'Chest', bodySystem: 'RESPIRATORY', lateralities: ['NA'], contrast: 0.6,
    normal: ['No pulmonary embolism. No focal consolidation, mass or effusion.', 'No acute intrathoracic abnormality.'],
    abnormal: [['Multifocal ground-glass opacities in both lower lobes.', 'Multifocal pneumonia.'], ['Centrilobular emphysema, upper-lobe predominant.', 'Emphysema.']] },
  { key: 'XR_KNEE', modality: 'XRAY', bodyPart: 'Knee, 3 views', bodySystem: 'MUSCULOSKELETAL', lateralities: ['LEFT', 'RIGHT'], contrast: 0,
    normal: ['No fracture or dislocation. Joint spaces preserved.', 'Normal knee radiographs.'],
    abnormal: [['Medial joint space narrowing with marginal osteophytes and subchondral sclerosis.', 'Moderate osteoarthritis.']] },
  { key: 'MRI_KNEE', modality: 'MRI', bodyPart: 'Knee', bodySystem: 'MUSCULOSKELETAL', lateralities: ['LEFT', 'RIGHT'], contrast: 0,
    normal: ['Menisci and ligaments intact. No joint effusion.', 'Normal MRI of the knee.'],
    abnormal: [['Horizontal tear of the posterior horn of the medial meniscus. Moderate chondral thinning.', 'Medial meniscal tear with degenerative change.']] },
  { key: 'XR_ANKLE', modality: 'XRAY', bodyPart: 'Ankle, 3 views', bodySystem: 'MUSCULOSKELETAL', lateralities: ['LEFT', 'RIGHT'], contrast: 0,
    normal: ['No acute fracture. Ankle mortise intact. Lateral soft-tissue swelling.', 'Soft-tissue swelling without fracture.'],
    abnormal: [['Non-displaced avulsion fracture of the distal fibula tip.', 'Avulsion fracture of the lateral malleolus.']] },
  { key: 'XR_LSPINE', modality: 'XRAY', bodyPart: 'Lumbar spine, 2 views', bodySystem: 'MUSCULOSKELETAL', lateralities: ['NA'], contrast: 0,
    normal: ['Normal alignment. Vertebral body heights preserved.', 'No acute osseous abnormality.'],
    abnormal: [['Disc space narrowing at L4-L5 and L5-S1 with endplate osteophytes.', 'Degenerative disc disease of the lower lumbar spine.']] },
  { key: 'MRI_LSPINE', modality: 'MRI', bodyPart: 'Lumbar spine', bodySystem: 'MUSCULOSKELETAL', lateralities: ['NA'], contrast: 0,
    normal: ['No disc herniation or canal stenosis.', 'Normal MRI of the lumbar spine.'],
    abnormal: [['Broad-based disc bulge at L4-L5 with mild bilateral foraminal narrowing.', 'L4-L5 disc bulge without nerve root compression.']] },
  { key: 'CT_HEAD', modality: 'CT', bodyPart: 'Head', bodySystem: 'NEUROLOGICAL', lateralities: ['NA'], contrast: 0,
    normal: ['No intracranial hemorrhage, mass effect or midline shift.', 'No acute intracranial abnormality.'],
    abnormal: [['Mild periventricular white matter hypodensities.', 'Chronic small-vessel ischemic change.']] },
  { key: 'MRI_BRAIN', modality: 'MRI', bodyPart: 'Brain', bodySystem: 'NEUROLOGICAL', lateralities: ['NA'], contrast: 0.5,
    normal: ['No restricted diffusion, mass or abnormal enhancement.', 'Normal MRI of the brain.'],
    abnormal: [['Few nonspecific T2 hyperintense foci in the frontal white matter.', 'Nonspecific white matter foci, likely migraine-related.']] },
  { key: 'US_ABDOMEN', modality: 'ULTRASOUND', bodyPart: 'Abdomen, complete', bodySystem: 'GASTROINTESTINAL', lateralities: ['NA'], contrast: 0,
    normal: ['Liver, gallbladder, pancreas, spleen and kidneys are unremarkable.', 'Normal abdominal ultrasound.'],
    abnormal: [['Multiple mobile echogenic gallstones. No wall thickening or pericholecystic fluid.', 'Cholelithiasis without cholecystitis.'], ['Diffusely increased hepatic echogenicity.', 'Hepatic steatosis.']] },
  { key: 'CT_ABDOMEN', modality: 'CT', bodyPart: 'Abdomen and pelvis', bodySystem: 'GASTROINTESTINAL', lateralities: ['NA'], contrast: 0.8,
    normal: ['No bowel obstruction, free air or abscess. Appendix normal.', 'No acute abdominopelvic process.'],
    abnormal: [['Dilated appendix (11 mm) with periappendiceal fat stranding.', 'Acute appendicitis.'], ['Sigmoid diverticula with adjacent inflammatory stranding.', 'Acute uncomplicated diverticulitis.']] },
  { key: 'US_RENAL', modality: 'ULTRASOUND', bodyPart: 'Kidneys and bladder', bodySystem: 'GENITOURINARY', lateralities: ['BILATERAL'], contrast: 0,
    normal: ['Kidneys normal in size without hydronephrosis. Bladder unremarkable.', 'Normal renal ultrasound.'],
    abnormal: [['Both kidneys mildly echogenic with cortical thinning.', 'Findings compatible with medical renal disease.'], ['Enlarged prostate (55 mL) with post-void residual of 120 mL.', 'Prostatomegaly with incomplete bladder emptying.']] },
  { key: 'US_THYROID', modality: 'ULTRASOUND', bodyPart: 'Thyroid', bodySystem: 'ENDOCRINE', lateralities: ['NA'], contrast: 0,
    normal: ['Thyroid normal in size and echotexture. No nodules.', 'Normal thyroid ultrasound.'],
    abnormal: [['Diffusely heterogeneous, mildly enlarged gland with increased vascularity.', 'Findings compatible with thyroiditis.'], ['1.1 cm solid isoechoic nodule in the right lobe (TI-RADS 3).', 'Right thyroid nodule; follow-up ultrasound in 1 year.']] },
  { key: 'ECHO', modality: 'ULTRASOUND', bodyPart: 'Heart (transthoracic echocardiogram)', bodySystem: 'CARDIOVASCULAR', lateralities: ['NA'], contrast: 0,
    normal: ['Normal left ventricular size and function, LVEF 60%. No significant valvular disease.', 'Normal echocardiogram.'],
    abnormal: [['Dilated left ventricle with global hypokinesis, LVEF 35%. Mild mitral regurgitation.', 'Reduced systolic function (HFrEF).'], ['Left atrial enlargement. LVEF 55%.', 'Left atrial enlargement with preserved ejection fraction.']] },
  { key: 'MAMMO', modality: 'MAMMOGRAPHY', bodyPart: 'Breasts, screening', bodySystem: 'REPRODUCTIVE', lateralities: ['BILATERAL'], contrast: 0, sex: 'FEMALE', minAge: 40,
    normal: ['Scattered fibroglandular densities. No suspicious mass, calcification or architectural distortion.', 'BI-RADS 1: negative.'],
    abnormal: [['Group of amorphous calcifications in the upper outer quadrant of the left breast.', 'BI-RADS 4A: biopsy recommended.'], ['Circumscribed oval mass in the right breast, likely a cyst.', 'BI-RADS 3: probably benign; short-interval follow-up.']] },
  { key: 'NM_MPI', modality: 'NUCLEAR', bodyPart: 'Heart (myocardial perfusion)', bodySystem: 'CARDIOVASCULAR', lateralities: ['NA'], contrast: 0, minAge: 35,
    normal: ['Normal perfusion at stress and rest. Normal wall motion.', 'No evidence of ischemia.'],
    abnormal: [['Small reversible defect of the inferior wall.', 'Mild inferior-wall ischemia.']] },
  { key: 'FL_UGI', modality: 'FLUOROSCOPY', bodyPart: 'Upper GI series', bodySystem: 'GASTROINTESTINAL', lateralities: ['NA'], contrast: 1,
    normal: ['Normal esophageal motility. No stricture or ulcer.', 'Normal upper GI series.'],
    abnormal: [['Small sliding hiatal hernia with spontaneous reflux.', 'Hiatal hernia with gastroesophageal reflux.']] },
  { key: 'PET_BODY', modality: 'PET', bodyPart: 'Skull base to mid-thigh', bodySystem: 'HEMATOLOGIC_LYMPHATIC', lateralities: ['NA'], contrast: 0, minAge: 30,
    normal: ['No abnormal FDG-avid lesions.', 'No evidence of FDG-avid malignancy.'],
    abnormal: [['FDG-avid right axillary lymph node, SUVmax 5.2.', 'Hypermetabolic axillary node; tissue sampling advised.']] },
];

export const IMAGING_BY_KEY: ReadonlyMap<string, ImagingStudy> = new Map(IMAGING_STUDIES.map((s) => [s.key, s]));

export interface FindingTemplate {
  finding: string;
  location: string;
  lateralities: readonly Laterality[];
  severity: readonly ('MILD' | 'MODERATE' | 'SEVERE')[];
  sex?: 'MALE' | 'FEMALE';
}

/** Examination findings by body-system code (codes inserted by the migration). */
export const FINDINGS: Readonly<Record<string, readonly FindingTemplate[]>> = {
  CARDIOVASCULAR: [
    { finding: 'Grade II/VI systolic ejection murmur', location: 'Left upper sternal border', lateralities: ['NA'], severity: ['MILD'] },
    { finding: 'Irregularly irregular rhythm', location: 'Apex', lateralities: ['NA'], severity: ['MODERATE'] },
    { finding: 'Pitting edema 2+', location: 'Lower legs', lateralities: ['BILATERAL'], severity: ['MILD', 'MODERATE'] },
    { finding: 'Carotid bruit', location: 'Neck', lateralities: ['LEFT', 'RIGHT'], severity: ['MILD'] },
  ],
  RESPIRATORY: [
    { finding: 'Expiratory wheezes', location: 'All lung fields', lateralities: ['BILATERAL'], severity: ['MILD', 'MODERATE'] },
    { finding: 'Inspiratory crackles', location: 'Lung base', lateralities: ['LEFT', 'RIGHT'], severity: ['MILD', 'MODERATE', 'SEVERE'] },
    { finding: 'Diminished breath sounds', location: 'Lung base', lateralities: ['LEFT', 'RIGHT'], severity: ['MODERATE'] },
    { finding: 'Coarse rhonchi clearing with cough', location: 'Central airways', lateralities: ['BILATERAL'], severity: ['MILD'] },
  ],
  GASTROINTESTINAL: [
    { finding: 'Epigastric tenderness without rebound or guarding', location: 'Epigastrium', lateralities: ['NA'], severity: ['MILD'] },
    { finding: 'Tenderness with guarding', location: 'Right lower quadrant', lateralities: ['RIGHT'], severity: ['MODERATE', 'SEVERE'] },
    { finding: 'Hepatomegaly, liver edge 3 cm below the costal margin', location: 'Right upper quadrant', lateralities: ['RIGHT'], severity: ['MILD'] },
    { finding: 'Hyperactive bowel sounds', location: 'Abdomen', lateralities: ['NA'], severity: ['MILD'] },
  ],
  NEUROLOGICAL: [
    { finding: 'Decreased monofilament sensation', location: 'Plantar feet', lateralities: ['BILATERAL'], severity: ['MILD', 'MODERATE'] },
    { finding: 'Reduced ankle reflexes', location: 'Ankles', lateralities: ['BILATERAL'], severity: ['MILD'] },
    { finding: 'Photophobia without meningismus', location: 'Head', lateralities: ['NA'], severity: ['MILD'] },
    { finding: 'Mild pronator drift', location: 'Upper extremity', lateralities: ['LEFT', 'RIGHT'], severity: ['MILD'] },
  ],
  MUSCULOSKELETAL: [
    { finding: 'Crepitus with reduced range of motion', location: 'Knee', lateralities: ['LEFT', 'RIGHT', 'BILATERAL'], severity: ['MILD', 'MODERATE'] },
    { finding: 'Paraspinal muscle tenderness and spasm', location: 'Lumbar spine', lateralities: ['BILATERAL'], severity: ['MILD', 'MODERATE'] },
    { finding: 'Swelling and tenderness over the anterior talofibular ligament', location: 'Ankle', lateralities: ['LEFT', 'RIGHT'], severity: ['MILD', 'MODERATE'] },
    { finding: 'Positive straight-leg raise at 45 degrees', location: 'Lower extremity', lateralities: ['LEFT', 'RIGHT'], severity: ['MODERATE'] },
  ],
  INTEGUMENTARY: [
    { finding: 'Warm, erythematous, tender area of induration (6 x 4 cm)', location: 'Lower leg', lateralities: ['LEFT', 'RIGHT'], severity: ['MODERATE', 'SEVERE'] },
    { finding: 'Lichenified eczematous patches', location: 'Antecubital and popliteal fossae', lateralities: ['BILATERAL'], severity: ['MILD', 'MODERATE'] },
    { finding: 'Pigmented macule 5 mm with irregular border', location: 'Upper back', lateralities: ['NA'], severity: ['MILD'] },
    { finding: 'Well-healed surgical scar', location: 'Abdomen', lateralities: ['NA'], severity: ['MILD'] },
  ],
  ENDOCRINE: [
    { finding: 'Diffusely enlarged, non-tender thyroid', location: 'Anterior neck', lateralities: ['NA'], severity: ['MILD'] },
    { finding: 'Palpable thyroid nodule, approximately 1 cm', location: 'Thyroid', lateralities: ['LEFT', 'RIGHT'], severity: ['MILD'] },
    { finding: 'Acanthosis nigricans', location: 'Posterior neck', lateralities: ['NA'], severity: ['MILD'] },
  ],
  GENITOURINARY: [
    { finding: 'Costovertebral angle tenderness', location: 'Flank', lateralities: ['LEFT', 'RIGHT'], severity: ['MODERATE'] },
    { finding: 'Suprapubic tenderness', location: 'Suprapubic region', lateralities: ['NA'], severity: ['MILD'] },
  ],
  REPRODUCTIVE: [
    { finding: 'Smooth, symmetrically enlarged, non-tender prostate', location: 'Prostate', lateralities: ['NA'], severity: ['MILD', 'MODERATE'], sex: 'MALE' },
    { finding: 'Mobile, smooth 1.5 cm breast mass', location: 'Breast, upper outer quadrant', lateralities: ['LEFT', 'RIGHT'], severity: ['MILD'], sex: 'FEMALE' },
  ],
  HEMATOLOGIC_LYMPHATIC: [
    { finding: 'Tender anterior cervical lymphadenopathy', location: 'Neck', lateralities: ['BILATERAL'], severity: ['MILD'] },
    { finding: 'Conjunctival pallor', location: 'Eyes', lateralities: ['BILATERAL'], severity: ['MILD', 'MODERATE'] },
    { finding: 'Palpable spleen tip', location: 'Left upper quadrant', lateralities: ['LEFT'], severity: ['MILD'] },
  ],
  IMMUNE: [
    { finding: 'Urticarial wheals', location: 'Trunk and arms', lateralities: ['NA'], severity: ['MILD', 'MODERATE'] },
    { finding: 'Lip angioedema, resolving', location: 'Lips', lateralities: ['NA'], severity: ['MODERATE'] },
  ],
  HEENT: [
    { finding: 'Erythematous, bulging tympanic membrane', location: 'Middle ear', lateralities: ['LEFT', 'RIGHT'], severity: ['MODERATE'] },
    { finding: 'Tonsillar erythema with exudate', location: 'Oropharynx', lateralities: ['BILATERAL'], severity: ['MILD', 'MODERATE'] },
    { finding: 'Edematous nasal mucosa with clear discharge', location: 'Nasal cavity', lateralities: ['BILATERAL'], severity: ['MILD'] },
    { finding: 'Conjunctival injection with watery discharge', location: 'Eye', lateralities: ['LEFT', 'RIGHT', 'BILATERAL'], severity: ['MILD'] },
  ],
};

/** Reasons of visits without a coded acute problem. */
export const ROUTINE_REASONS: readonly string[] = [
  'Annual physical examination', 'Wellness visit', 'Medication review', 'Pre-employment physical',
  'Routine follow-up', 'Vaccination and health check', 'Review of laboratory results', 'Travel health consultation',
];

export const PEDIATRIC_REASONS: readonly string[] = [
  'Well-child visit', 'School physical examination', 'Routine immunizations', 'Growth and development check',
];

/** Normal ranges by age: the generator and the abnormal flags agree on them. */
export interface VitalNorms {
  maxAge: number;
  heartRate: readonly [number, number];
  respiratoryRate: readonly [number, number];
  systolic: readonly [number, number];
  diastolic: readonly [number, number];
}

export const VITAL_NORMS: readonly VitalNorms[] = [
  { maxAge: 1, heartRate: [100, 160], respiratoryRate: [30, 60], systolic: [70, 100], diastolic: [40, 65] },
  { maxAge: 6, heartRate: [80, 140], respiratoryRate: [20, 40], systolic: [80, 110], diastolic: [45, 70] },
  { maxAge: 13, heartRate: [70, 120], respiratoryRate: [16, 30], systolic: [90, 120], diastolic: [55, 80] },
  { maxAge: 18, heartRate: [60, 100], respiratoryRate: [12, 20], systolic: [90, 130], diastolic: [55, 85] },
  { maxAge: Infinity, heartRate: [60, 100], respiratoryRate: [12, 20], systolic: [90, 139], diastolic: [60, 89] },
];

export const TEMPERATURE_NORMAL: readonly [number, number] = [35.5, 37.9];
export const SPO2_NORMAL_MIN = 94;

export function vitalNorms(ageYears: number): VitalNorms {
  for (const norms of VITAL_NORMS) if (ageYears < norms.maxAge) return norms;
  return VITAL_NORMS[VITAL_NORMS.length - 1]!;
}

export interface VitalValues {
  systolicBp: number | null;
  diastolicBp: number | null;
  heartRate: number | null;
  respiratoryRate: number | null;
  temperatureC: number | null;
  spo2: number | null;
}

/**
 * Abnormal flags of a measurement set: `<MEASURE>_LOW` / `<MEASURE>_HIGH`
 * against the age-specific normal range (SPO2 only has _LOW). Empty when all
 * recorded measurements are normal; `is_abnormal` is `flags.length > 0`.
 */
export function vitalAbnormalFlags(v: VitalValues, ageYears: number): string[] {
  const norms = vitalNorms(ageYears);
  const flags: string[] = [];
  const check = (value: number | null, range: readonly [number, number], name: string) => {
    if (value === null) return;
    if (value < range[0]) flags.push(`${name}_LOW`);
    else if (value > range[1]) flags.push(`${name}_HIGH`);
  };
  check(v.systolicBp, norms.systolic, 'SYSTOLIC_BP');
  check(v.diastolicBp, norms.diastolic, 'DIASTOLIC_BP');
  check(v.heartRate, norms.heartRate, 'HEART_RATE');
  check(v.respiratoryRate, norms.respiratoryRate, 'RESPIRATORY_RATE');
  check(v.temperatureC, TEMPERATURE_NORMAL, 'TEMPERATURE');
  if (v.spo2 !== null && v.spo2 < SPO2_NORMAL_MIN) flags.push('SPO2_LOW');
  return flags;
}

/** Lab abnormal flag against the reference range and critical limits. */
export function labAbnormalFlag(
  value: number,
  low: number,
  high: number,
  criticalLow?: number,
  criticalHigh?: number,
): 'NORMAL' | 'LOW' | 'HIGH' | 'CRITICAL_LOW' | 'CRITICAL_HIGH' {
  if (criticalLow !== undefined && value < criticalLow) return 'CRITICAL_LOW';
  if (criticalHigh !== undefined && value > criticalHigh) return 'CRITICAL_HIGH';
  if (value < low) return 'LOW';
  if (value > high) return 'HIGH';
  return 'NORMAL';
}
