import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileCss, cssFile } from './build-css';

describe('the stylesheet', () => {
  it('is the compiled Sass as committed (run npm run build:css after changing styles)', () => {
    expect(fs.readFileSync(cssFile, 'utf8')).toBe(`${compileCss()}\n`);
  });
  it('carries no GOV.UK-only typeface', () => {
    expect(fs.readFileSync(cssFile, 'utf8')).not.toContain('GDS Transport');
  });
});
