/**
 * Conditions of the synthetic data (ICD-10-CM), with their prevalence by age band and what a
 * physician orders for them, and the reasons of visits without a coded problem.
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

/** Reasons of visits without a coded acute problem. */
export const ROUTINE_REASONS: readonly string[] = [
  'Annual physical examination', 'Wellness visit', 'Medication review', 'Pre-employment physical',
  'Routine follow-up', 'Vaccination and health check', 'Review of laboratory results', 'Travel health consultation',
];

export const PEDIATRIC_REASONS: readonly string[] = [
  'Well-child visit', 'School physical examination', 'Routine immunizations', 'Growth and development check',
];
