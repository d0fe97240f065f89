import { describe, expect, it } from 'vitest';
import { isValidNhsNumber, isValidUpn } from '../../domain/identifiers';
import { generateChildren } from './generator';

describe('synthetic children', () => {
  const children = generateChildren({ count: 2000, seed: 7, laCode: '990', today: '2026-11-24' });

  it('is the same for the same seed', () => {
    expect(generateChildren({ count: 50, seed: 7, laCode: '990', today: '2026-11-24' })).toEqual(children.slice(0, 50));
  });
  it('gives every child a unique LA child id and valid identifiers', () => {
    expect(new Set(children.map((c) => c.laChildId)).size).toBe(2000);
    for (const c of children) {
      if (c.upn) expect(isValidUpn(c.upn)).toBe(true);
      if (c.nhsNumber) expect(isValidNhsNumber(c.nhsNumber)).toBe(true);
    }
  });
  it('has plausible ages: all under 18, some unborn, many babies and teenagers', () => {
    const ages = children.filter((c) => c.dateOfBirth).map((c) => (Date.parse('2026-11-24') - Date.parse(c.dateOfBirth!)) / (365.25 * 86_400_000));
    expect(Math.max(...ages)).toBeLessThan(18);
    expect(ages.filter((a) => a < 1).length / ages.length).toBeGreaterThan(0.15);
    expect(ages.filter((a) => a >= 12).length / ages.length).toBeGreaterThan(0.25);
    const unborn = children.filter((c) => c.expectedBirthDate);
    expect(unborn.length).toBeGreaterThan(10);
    expect(unborn.every((c) => c.expectedBirthDate! > '2026-11-24' && c.upn === null && c.sex === 'U')).toBe(true);
  });
});
