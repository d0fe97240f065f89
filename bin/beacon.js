#!/usr/bin/env node
// The `beacon` command runs the TypeScript sources directly: nothing to build after npm install.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/index.ts');
