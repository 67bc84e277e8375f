#!/usr/bin/env node
// Runs the TypeScript CLI directly (tsx), so `npx envwatch …` works from a clone without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../services/cli/main.ts');
