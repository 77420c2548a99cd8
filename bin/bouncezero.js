#!/usr/bin/env node
// Node 20 cannot strip TypeScript types itself, so the CLI runs its sources through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
