/** Lab panels (LOINC) of the synthetic data, their analytes and reference ranges, and how a result is flagged. */

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
