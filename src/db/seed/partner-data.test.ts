import { describe, expect, it } from 'vitest';
import { lastFinancialYearEnd } from './partner-data';

describe('the demo’s partner data', () => {
  it('is for the last complete financial year', () => {
    expect(lastFinancialYearEnd('2026-11-24')).toBe('2026-03-31');
    expect(lastFinancialYearEnd('2026-04-01')).toBe('2026-03-31');
    expect(lastFinancialYearEnd('2026-03-31')).toBe('2025-03-31');
    expect(lastFinancialYearEnd('2026-01-15')).toBe('2025-03-31');
  });
});
