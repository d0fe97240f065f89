import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { describeTrend, trendChartSvg, type TrendPoint } from './chart';

/** Parses the SVG as XML, returning the elements in document order with their attributes and text. */
function parse(svg: string) {
  const parser = new SaxesParser();
  const elements: { name: string; attributes: Record<string, string>; text: string }[] = [];
  const open: typeof elements = [];
  parser.on('opentag', (tag) => {
    const el = { name: tag.name, attributes: tag.attributes as Record<string, string>, text: '' };
    elements.push(el);
    open.push(el);
  });
  parser.on('text', (text) => { if (open.length) open.at(-1)!.text += text; });
  parser.on('closetag', () => { open.pop(); });
  parser.write(svg).close();
  return elements;
}

const months = (n: number, value: (i: number) => number | null): TrendPoint[] =>
  Array.from({ length: n }, (_, i) => ({ month: new Date(Date.UTC(2024, 6 + i, 1)).toISOString().slice(0, 7), value: value(i) }));

describe('the trend chart', () => {
  const points = months(24, (i) => (i === 5 || i === 6 ? null : i * 2));
  const svg = trendChartSvg(points, { title: 'Referrals by month', yLabel: 'Referrals', kind: 'count' });
  const elements = parse(svg);

  it('is well-formed SVG, an image with a title and a summary', () => {
    expect(elements[0]!.name).toBe('svg');
    expect(elements[0]!.attributes).toMatchObject({
      role: 'img', viewBox: '0 0 640 320', 'aria-labelledby': 'trend-chart-title', 'aria-describedby': 'trend-chart-desc',
    });
    expect(elements[1]).toMatchObject({ name: 'title', attributes: { id: 'trend-chart-title' }, text: 'Referrals by month' });
    expect(elements[2]).toMatchObject({
      name: 'desc', attributes: { id: 'trend-chart-desc' },
      text: 'Referrals by month, July 2024 to June 2026. Latest 46 in June 2026; highest 46 in June 2026; lowest 0 in July 2024. 2 months have no value.',
    });
  });

  it('carries nothing the Content-Security-Policy would refuse: no style element or attribute, no script', () => {
    expect(elements.filter((e) => e.name === 'style' || e.name === 'script')).toEqual([]);
    expect(elements.filter((e) => 'style' in e.attributes || Object.keys(e.attributes).some((a) => a.startsWith('on')))).toEqual([]);
    expect(elements[0]!.attributes.class).toBe('beacon-chart');
    // axe: a <g> with no role may not be named; the image's own name is what is read out.
    expect(elements.filter((e) => 'aria-label' in e.attributes)).toEqual([]);
  });

  it('draws one dot per month with a value, each titled, and a line broken where a month has none', () => {
    const dots = elements.filter((e) => e.name === 'circle');
    expect(dots).toHaveLength(22);
    const titles = elements.filter((e, i) => e.name === 'title' && elements[i - 1]?.name === 'circle').map((e) => e.text);
    expect(titles[0]).toBe('July 2024: 0');
    expect(titles).not.toContain('December 2024: no value');
    const line = elements.find((e) => e.name === 'path' && e.attributes.d?.includes('L') && !e.attributes.d.startsWith('M0,0'))!;
    // Two runs of the line: July to November, and February onwards.
    expect(line.attributes.d!.match(/M/g)).toHaveLength(2);
  });

  it('labels the months along the x axis, every third one', () => {
    const labels = elements.filter((e) => e.name === 'text' && /^[A-Z][a-z]{2} \d{4}$/.test(e.text)).map((e) => e.text);
    expect(labels).toEqual(['Jul 2024', 'Oct 2024', 'Jan 2025', 'Apr 2025', 'Jul 2025', 'Oct 2025', 'Jan 2026', 'Apr 2026']);
  });

  it('escapes its title and summary, and takes the ids it is given', () => {
    const out = parse(trendChartSvg(months(3, () => 1), { title: 'A <b>&amp;</b> "quoted"', yLabel: 'n', kind: 'count', id: 'c2' }));
    expect(out.find((e) => e.name === 'title')).toMatchObject({ attributes: { id: 'c2-title' }, text: 'A <b>&amp;</b> "quoted"' });
    expect(out.find((e) => e.name === 'desc')!.text).toMatch(/^A <b>&amp;<\/b> "quoted", July 2024/);
  });

  it('draws an empty chart when no month has a value, and says so', () => {
    const none = trendChartSvg(months(24, () => null), { title: 'Neglect', yLabel: '%', kind: 'percent' });
    const out = parse(none);
    expect(out.filter((e) => e.name === 'circle')).toEqual([]);
    expect(out.find((e) => e.name === 'desc')!.text).toBe('Neglect, July 2024 to June 2026: no month has a value.');
  });

  it('says percentages and rates as such', () => {
    expect(describeTrend([{ month: '2025-01', value: 12.5 }, { month: '2025-02', value: 40 }], { title: 'Within 45 days', yLabel: '%', kind: 'percent' }))
      .toBe('Within 45 days, January 2025 to February 2025. Latest 40% in February 2025; highest 40% in February 2025; lowest 12.5% in January 2025.');
    expect(describeTrend([{ month: '2025-01', value: 321.4 }], { title: 'Rate', yLabel: 'per 10,000', kind: 'rate_per_10k' }))
      .toContain('Latest 321.4 per 10,000 children in January 2025');
  });
});
