/**
 * One finding of a return's validation, as DfE's own collection reports it: the rule's code and message,
 * whether it is an error (must be fixed) or a query (a `Q` code: amend or explain), the child by LA child
 * id, and where in the file (an element path, or a table's row and column).
 */
export type Severity = 'error' | 'query';

export interface ReturnIssue {
  rule: string;
  severity: Severity;
  /** The LA child id, or null for a finding about the whole return (the header, or a proportion of children). */
  child: string | null;
  /** `Line 42, CINdetails/Assessments/AssessmentAuthorisationDate` or `episodes.csv row 7, DEC`. */
  location: string;
  message: string;
}

/** A rule's severity follows from its code: DfE marks a query with a trailing Q. */
export const severityOf = (rule: string): Severity => (/Q$/i.test(rule) ? 'query' : 'error');
