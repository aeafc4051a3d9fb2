import { createRequire } from 'node:module';

/** The package's version, read once from package.json (two levels up from dist/mock-server/). */
export const engineVersion: string = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
