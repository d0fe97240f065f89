import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as sass from 'sass';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
export const cssFile = path.join(here, '..', 'public', 'stylesheets', 'beacon.css');

/** GOV.UK Frontend's styles with Beacon's settings, compiled from Sass. */
export function compileCss(): string {
  const govukDist = path.join(path.dirname(require.resolve('govuk-frontend/package.json')), 'dist');
  return sass.compile(path.join(here, 'beacon.scss'), { loadPaths: [govukDist], style: 'compressed', quietDeps: true, silenceDeprecations: ['import'] }).css;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  fs.writeFileSync(cssFile, `${compileCss()}\n`);
  console.log(`Wrote ${path.relative(process.cwd(), cssFile)}`);
}
