#!/usr/bin/env node
// Entry point of the `wepadim` CLI. The code base is TypeScript run through tsx's loader,
// so `npx wepadim ...` works straight after `npm ci` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
