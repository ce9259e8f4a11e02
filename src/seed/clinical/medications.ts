/** Medications (RxNorm ingredient codes) of the synthetic data, and the drug allergens that rule some out. */

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
