import { describe, expect, it } from 'vitest';
import { describeAttendance, attendanceChartSvg } from './attendance-chart';
import { challengeReference, dateFrom, financialYearBounds, financialYearOf, meetingActionReference, shortNameOf, timeFrom } from './terms';

describe('governance terms', () => {
  it('puts a date in the financial year it falls in, April to March', () => {
    expect(financialYearOf('2026-03-31')).toBe(2025);
    expect(financialYearOf('2026-04-01')).toBe(2026);
    expect(financialYearOf('2026-12-31')).toBe(2026);
    expect(financialYearBounds(2022)).toEqual({ from: '2022-04-01', to: '2023-03-31' });
  });

  it('names a group as its minutes do: its short name, or the initials of its name', () => {
    expect(shortNameOf({ name: 'Quality Assurance and Performance', short_name: 'QA' })).toBe('QA');
    expect(shortNameOf({ name: 'Child Safeguarding Practice Review Group', short_name: null })).toBe('CSPRG');
    expect(shortNameOf({ name: 'Exploitation/Contextual Safeguarding', short_name: '  ' })).toBe('ECS');
    expect(meetingActionReference('QA', '2026-03-12', 3)).toBe('QA 2026-03-12 A3');
    expect(challengeReference(2026, 3)).toBe('CH 2026/03');
    expect(challengeReference(2026, 112)).toBe('CH 2026/112');
  });

  it('reads the date boxes and times people type', () => {
    expect(dateFrom({ 'd-day': '5', 'd-month': '4', 'd-year': '2026' }, 'd')).toBe('2026-04-05');
    expect(dateFrom({}, 'd')).toBeNull();
    expect(dateFrom({ 'd-day': '29', 'd-month': '2', 'd-year': '2026' }, 'd')).toBe('invalid');
    expect(dateFrom({ 'd-day': '1', 'd-month': '1', 'd-year': '26' }, 'd')).toBe('invalid');
    expect(timeFrom('9.30')).toBe('09:30:00');
    expect(timeFrom('1400')).toBe('14:00:00');
    expect(timeFrom('24:00')).toBeNull();
    expect(timeFrom('noon')).toBeNull();
  });

  it('describes and draws each agency’s attendance', () => {
    const rows = [
      { agencyId: 1, agency: 'Northmere and Eastholm Police', type: 'police' as const, meetings: 6, attended: 4, apologies: 1, absent: 1, rate: 67 },
      { agencyId: 2, agency: 'Northmere Council', type: 'local_authority' as const, meetings: 6, attended: 6, apologies: 0, absent: 0, rate: 100 },
    ];
    expect(describeAttendance(rows, 'April 2025 to March 2026'))
      .toBe('Meetings attended by each agency, April 2025 to March 2026: Northmere and Eastholm Police 4 of 6 (67%); Northmere Council 6 of 6 (100%).');
    expect(describeAttendance([], 'April 2025 to March 2026')).toBe('No meetings with recorded attendance, April 2025 to March 2026.');
    const svg = attendanceChartSvg(rows, 'April 2025 to March 2026');
    expect(svg).toContain('<title id="attendance-chart-title">Attendance by agency, April 2025 to March 2026</title>');
    expect(svg.match(/<rect/g)).toHaveLength(2);
    expect(svg).not.toContain('style=');
  });
});
