import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Once per test run, before any worker starts: a directory for the run, in which the workers keep the databases
 * they make once and copy (oncePerRun in test-db.ts). Afterwards it is removed.
 */
export function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-test-'));
  // The workers are started after this and take the environment with them.
  process.env.BEACON_TEST_CACHE = dir;
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
