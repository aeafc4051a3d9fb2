/**
 * The config's warnings: accepted values worth telling the user about. Pure and free of zod, so
 * the engine (state/config-schema.ts, after validating) and the UI (on a draft, while typing)
 * report the same ones.
 */

// Spec: Office iOS fails on names and ids containing any of these (https://github.com/microsoft/Office-Online-Test-Tools-and-Documentation/blob/4c39bf7a801bc8ee7974926d318d7f60bb3e8e16/docs/native/src/issues/invalidcharacters.rst).
export const officeInvalidCharacters = /[\\/:*?"<>|#{}^[\]`%]/;

/** One problem in a config document, at a JSON path such as `$.users[1].id`. Declared here so the UI has it without zod. */
export interface ConfigIssue {
  /** JSON path of the offending value, e.g. `$.users[1].id`. */
  path: string;
  message: string;
}

/** The fields warnings look at; a whole parsed config fits. */
export interface WarnedConfig {
  providerId: string;
  users: ReadonlyArray<{ friendlyName: string }>;
  proxy?: { reverse: object | null; forward: { intercept: readonly string[] } | null; insecureUpstream: boolean };
}

export function configWarnings(config: WarnedConfig): ConfigIssue[] {
  const warnings: ConfigIssue[] = [];
  // Spec: providerId "Allowed characters: [a-z, A-Z, 0-9]", yet the spec's own sample is tp_contoso.
  if (config.providerId !== '' && !/^[A-Za-z0-9]+$/.test(config.providerId)) {
    warnings.push({
      path: '$.providerId',
      message:
        'contains characters outside [A-Za-z0-9], which the Bootstrap spec does not allow (its own sample "tp_contoso" does the same); accepted',
    });
  }
  if (/[",=\\]|Bearer/.test(config.providerId)) {
    warnings.push({
      path: '$.providerId',
      message: 'contains ",", "=", a quote, a backslash or "Bearer", which naive WWW-Authenticate parsers (WOPIAuth, Office) split on',
    });
  }
  if (config.users.length === 0) warnings.push({ path: '$.users', message: 'no mock users: nobody can sign in' });
  config.users.forEach((user, index) => {
    if (officeInvalidCharacters.test(user.friendlyName)) {
      warnings.push({ path: `$.users[${index}].friendlyName`, message: 'contains characters Office iOS cannot display in names' });
    }
  });
  const proxy = config.proxy;
  if (proxy?.forward && proxy.forward.intercept.length === 0) {
    warnings.push({
      path: '$.proxy.forward.intercept',
      message: 'no domain is intercepted: every CONNECT is tunnelled undecrypted, so nothing the phone sends is logged',
    });
  }
  if (proxy?.insecureUpstream && (proxy.reverse || proxy.forward)) {
    warnings.push({
      path: '$.proxy.insecureUpstream',
      message: 'upstream certificates are not verified: an answer may not come from the host it names (each log entry says so)',
    });
  }
  return warnings;
}
