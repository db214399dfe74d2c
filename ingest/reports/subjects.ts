// The fixed list of subject categories a reported call may carry (what the caller was selling or
// claiming), in the order the public form shows them. Codes are stored; labels are for people.
export const SUBJECT_CATEGORIES = [
  { code: 'ACCIDENT_CLAIMS', label: 'Accident or injury claims' },
  { code: 'PPI_AND_MIS_SOLD_PRODUCTS', label: 'PPI or other mis-sold products' },
  { code: 'DEBT_AND_LOANS', label: 'Debt management or loans' },
  { code: 'ENERGY', label: 'Energy saving, solar panels or boilers' },
  { code: 'HOME_IMPROVEMENTS', label: 'Home improvements' },
  { code: 'INSURANCE', label: 'Insurance or warranties' },
  { code: 'PENSIONS_AND_INVESTMENTS', label: 'Pensions or investments' },
  { code: 'HEALTH', label: 'Health products or services' },
  { code: 'LIFESTYLE_SURVEY', label: 'Lifestyle survey or market research' },
  { code: 'TELECOMS', label: 'Phone, broadband or TV' },
  { code: 'TECH_SUPPORT_SCAM', label: 'Computer or tech support' },
  { code: 'BANK_OR_HMRC_IMPERSONATION', label: 'Pretending to be a bank, HMRC or the police' },
  { code: 'PRIZE_OR_LOTTERY', label: 'Prize draw or lottery' },
  { code: 'CHARITY', label: 'Charity' },
  { code: 'POLITICAL', label: 'Political' },
  { code: 'OTHER', label: 'Something else' },
] as const;

export type SubjectCode = (typeof SUBJECT_CATEGORIES)[number]['code'];

export const SUBJECT_CODES: readonly SubjectCode[] = SUBJECT_CATEGORIES.map((s) => s.code);

export function isSubjectCode(value: string): value is SubjectCode {
  return (SUBJECT_CODES as readonly string[]).includes(value);
}
