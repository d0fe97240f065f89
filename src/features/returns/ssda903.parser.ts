/**
 * Reading an SSDA903 return: one CSV file per table, as DfE's collection takes them.
 */

export type Table903 = 'header' | 'episodes' | 'reviews' | 'uasc' | 'oc2' | 'oc3' | 'ad1' | 'placed_for_adoption' | 'previous_permanence' | 'missing' | 'sw_episodes' | 'dolo';

/** DfE column names in order, per table (csc-validator-be-903 config.py, liia-tools SSDA903_schema_2024.yml). */
export const COLUMNS_903: Record<Table903, readonly string[]> = {
  header: ['CHILD', 'SEX', 'DOB', 'ETHNIC', 'UPN', 'MOTHER', 'MC_DOB'],
  episodes: ['CHILD', 'DECOM', 'RNE', 'LS', 'CIN', 'PLACE', 'PLACE_PROVIDER', 'DEC', 'REC', 'REASON_PLACE_CHANGE', 'HOME_POST', 'PL_POST', 'URN'],
  reviews: ['CHILD', 'DOB', 'REVIEW', 'REVIEW_CODE'],
  uasc: ['CHILD', 'SEX', 'DOB', 'DUC'],
  oc2: ['CHILD', 'DOB', 'SDQ_SCORE', 'SDQ_REASON', 'CONVICTED', 'HEALTH_CHECK', 'IMMUNISATIONS', 'TEETH_CHECK', 'HEALTH_ASSESSMENT', 'SUBSTANCE_MISUSE', 'INTERVENTION_RECEIVED', 'INTERVENTION_OFFERED'],
  oc3: ['CHILD', 'DOB', 'IN_TOUCH', 'ACTIV', 'ACCOM'],
  ad1: ['CHILD', 'DOB', 'DATE_INT', 'DATE_MATCH', 'FOSTER_CARE', 'NB_ADOPTR', 'SEX_ADOPTR', 'LS_ADOPTR'],
  placed_for_adoption: ['CHILD', 'DOB', 'DATE_PLACED', 'DATE_PLACED_CEASED', 'REASON_PLACED_CEASED'],
  previous_permanence: ['CHILD', 'DOB', 'PREV_PERM', 'LA_PERM', 'DATE_PERM'],
  missing: ['CHILD', 'DOB', 'MISSING', 'MIS_START', 'MIS_END'],
  sw_episodes: ['CHILD', 'DOB', 'SW_ID', 'SW_DECOM', 'SW_DEC', 'SW_REASON'],
  dolo: ['CHILD', 'DOB', 'DOLO_START', 'DOLO_END'],
};

/** One CSV row: DfE column name → value (dates as YYYY-MM-DD, empty → null), with where it came from. */
export interface Row903 { table: Table903; file: string; row: number; values: Record<string, string | null> }
