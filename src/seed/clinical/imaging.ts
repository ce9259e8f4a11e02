/** Imaging studies of the synthetic data, with their reports, and examination findings by body system. */

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
