import { describe, expect, it } from 'vitest';
import { VOICE_THEME_CODES } from '../../domain/voice';
import { describeThemes, themesChartSvg } from './chart';
import type { ThemeCount } from './voice.service';

const counts = (given: Partial<Record<string, [number, number]>>): ThemeCount[] =>
  VOICE_THEME_CODES.map((theme) => ({ theme, entries: given[theme]?.[0] ?? 0, publishable: given[theme]?.[1] ?? 0 }));

describe('the themes chart', () => {
  it('says in words which themes are heard most and least, and how many not at all', () => {
    expect(describeThemes(counts({ feeling_safe: [9, 6], education: [2, 2], leaving_care: [4, 1] })))
      .toBe('Entries by theme. Most: Feeling safe, 9; fewest: School, college and learning, 2. 8 themes have no entry.');
    expect(describeThemes(counts({}))).toBe('No entries match, so no theme has any.');
  });

  it('is an SVG image named by its title and described by its summary, with no inline style', () => {
    const svg = themesChartSvg(counts({ feeling_safe: [9, 6], education: [2, 2] }));
    const open = svg.slice(0, svg.indexOf('>'));
    expect(open).toContain('role="img"');
    expect(open).toContain('aria-labelledby="themes-chart-title"');
    expect(svg).toContain('<title id="themes-chart-title">Entries by theme, the part that may be published in darker blue</title>');
    expect(svg).not.toMatch(/<style|style="/);
    // Feeling safe: a published and an internal part; education: published only.
    expect(svg.match(/<rect/g)?.length).toBe(3);
  });
});
