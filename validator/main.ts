#!/usr/bin/env node
import { runValidator } from './cli.js';

runValidator(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('wopi-validator: unexpected error:', error);
    process.exit(1);
  },
);
