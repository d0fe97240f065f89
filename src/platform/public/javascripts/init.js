// Loaded as an external module so that the Content-Security-Policy needs no inline script.
import { initAll } from '/govuk/govuk-frontend.min.js';
initAll();
