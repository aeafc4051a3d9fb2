import type { Request } from 'express';
import { WopiHeader } from '../protocol/headers.js';
import type { Config } from '../state/config-schema.js';
import type { Call } from './call.js';

// Spec: https://github.com/microsoft/Office-Online-Test-Tools-and-Documentation/blob/4c39bf7a801bc8ee7974926d318d7f60bb3e8e16/docs/native/src/identity/sessioncontext.rst and https://github.com/microsoft/Office-Online-Test-Tools-and-Documentation/blob/4c39bf7a801bc8ee7974926d318d7f60bb3e8e16/docs/native/src/identity/specifytokenissuance.rst — a host may end sign-in with `sc=<session context>` (echoed back by Office as
// X-WOPI-SessionContext on token calls and authenticated bootstrapper operations) and
// `tk=<token endpoint>` (used instead of tokenIssuance_uri for every later code exchange and refresh).

/** The query parameter that marks a token request sent to the `tk` URL rather than tokenIssuance_uri. */
const viaTkParameter = 'via';

/** What the sign-in redirect adds after `code` (and `state`), per the config. */
export function signInExtras(config: Pick<Config, 'oauth'>, tokenEndpoint: string): { tk?: string; sc?: string } {
  const { sessionContext, alternativeTokenEndpoint } = config.oauth;
  return {
    ...(alternativeTokenEndpoint ? { tk: `${tokenEndpoint}?${viaTkParameter}=tk` } : {}),
    ...(sessionContext ? { sc: sessionContext } : {}),
  };
}

/** Notes on the log entry when the client does not echo what sign-in handed it. */
export function checkSessionContext(req: Request, call: Call, config: Pick<Config, 'oauth'>): void {
  const expected = config.oauth.sessionContext;
  if (!expected) return;
  const sent = req.headers[WopiHeader.SessionContext];
  if (sent === undefined)
    call.notes.push(
      `X-WOPI-SessionContext missing: sign-in returned sc="${expected}", which the client should echo (see https://github.com/microsoft/Office-Online-Test-Tools-and-Documentation/blob/4c39bf7a801bc8ee7974926d318d7f60bb3e8e16/docs/native/src/identity/sessioncontext.rst)`,
    );
  else if (sent !== expected)
    call.notes.push(`X-WOPI-SessionContext "${String(sent)}" differs from the sc="${expected}" returned at sign-in`);
}

/** Token requests should go to the `tk` URL once sign-in handed one out. */
export function checkTokenEndpointChoice(req: Request, call: Call, config: Pick<Config, 'oauth'>): void {
  const viaTk = req.query[viaTkParameter] === 'tk';
  if (viaTk) call.notes.push('token request sent to the tk URL returned at sign-in');
  else if (config.oauth.alternativeTokenEndpoint)
    call.notes.push(
      'token request sent to tokenIssuance_uri although sign-in returned tk; clients must use tk for all later code exchanges and refreshes (see https://github.com/microsoft/Office-Online-Test-Tools-and-Documentation/blob/4c39bf7a801bc8ee7974926d318d7f60bb3e8e16/docs/native/src/identity/specifytokenissuance.rst)',
    );
}
