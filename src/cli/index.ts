import { processContext, run } from './context';
import { buildProgram } from './program';

const ctx = processContext();
process.exitCode = await run(buildProgram(ctx), process.argv, ctx);
