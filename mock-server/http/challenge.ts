import { formatBootstrapChallenge } from '../protocol/challenge.js';
import { Route } from '../protocol/headers.js';
import type { Config } from '../state/config-schema.js';

let cached: { config: Config; origin: string; header: string } | null = null;

/** The `WWW-Authenticate` value every 401 from the bootstrapper carries, rebuilt only when the config or origin changes. */
export function bootstrapChallenge(config: Config, origin: string): string {
  if (cached && cached.config === config && cached.origin === origin) return cached.header;
  const header = formatBootstrapChallenge({
    authorizationUri: origin + Route.Authorize,
    tokenIssuanceUri: origin + Route.Token,
    providerId: config.providerId,
    urlSchemes: config.urlSchemes,
  });
  cached = { config, origin, header };
  return header;
}
