import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, type CliContext } from '../cli/context';
import { buildProgram } from '../cli/program';

export type Run = { code: number; stdout: string; stderr: string };

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The beacon program in this process, its output captured, over whatever database `withDb` hands it. */
export async function runCli(withDb: CliContext['withDb'], args: string[], stdin = ''): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    withDb,
    print: (out, value, text) => { stdout += out.json ? JSON.stringify(value) : `${text()}\n`; },
    error: (message) => { stderr += `${message}\n`; },
    writeOut: (text) => { stdout += text; },
    writeErr: (text) => { stderr += text; },
    readStdin: async () => stdin,
    progressStream: null,
  };
  const code = await run(buildProgram(ctx), ['node', 'beacon', ...args], ctx);
  return { code, stdout, stderr };
}

/** The real command, as a person runs it: `bin/beacon.js` in a new process. */
export function runBeacon(env: Record<string, string>, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'bin', 'beacon.js'), ...args],
      { cwd: root, env: { ...process.env, NODE_ENV: 'test', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
