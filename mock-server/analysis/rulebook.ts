/*
 * The one catalogue of spec rules. The Live log's spec check, the host checker and the UI all name
 * rules by these ids, show these titles and link these sources, so a rule means the same thing
 * wherever it is reported. Pure data: nothing here imports Node, Express or zod, so the renderer
 * bundles it as is.
 */

/**
 * `failure`: the spec says must, or Office is known to break; a host check fails on it.
 * `warning`: should, a client-compatibility inference, or a spec contradiction; reported, not failed.
 * `finding`: neither right nor wrong, but worth knowing (e.g. whether refresh tokens rotate).
 */
export type Severity = 'failure' | 'warning' | 'finding';

export interface RuleSource {
  title: string;
  url: string;
}

/** Where a rule is checked, in the order the host checker plays Office mobile's flow. */
export type RuleArea = 'tls' | 'challenge' | 'oauth' | 'profile' | 'ecosystem' | 'access-token' | 'trusted-domains' | 'files' | 'write';

/** The areas as the host checker's phases, in the order it runs them, with their titles. */
export const ruleAreas: ReadonlyArray<{ id: RuleArea; title: string }> = [
  { id: 'tls', title: 'TLS' },
  { id: 'challenge', title: 'Challenge' },
  { id: 'oauth', title: 'OAuth sign-in and tokens' },
  { id: 'profile', title: 'Profile (authenticated Bootstrap)' },
  { id: 'ecosystem', title: 'Ecosystem and containers' },
  { id: 'files', title: 'Files' },
  { id: 'access-token', title: 'GetNewAccessToken' },
  { id: 'trusted-domains', title: 'Trusted domains' },
  { id: 'write', title: 'Write tests (--write)' },
];

export interface RuleDefinition {
  id: string;
  title: string;
  severity: Severity;
  area: RuleArea;
  sources: readonly RuleSource[];
}

const learn = 'https://learn.microsoft.com/microsoft-365/cloud-storage-partner-program/';
const rfc = (number: number, section: string, title: string): RuleSource => ({
  title: `RFC ${number} §${section} (${title})`,
  url: `https://www.rfc-editor.org/rfc/rfc${number}#section-${section}`,
});

/** Public documents the rules cite, named once. */
export const Source = {
  Bootstrap: { title: 'Bootstrap (WOPI REST)', url: `${learn}rest/bootstrapper/bootstrap` },
  BootstrapAuthenticated: { title: 'Bootstrap: authenticated response', url: `${learn}rest/bootstrapper/bootstrap#authenticated-response` },
  BootstrapUnauthenticated: {
    title: 'Bootstrap: unauthenticated response',
    url: `${learn}rest/bootstrapper/bootstrap#unauthenticated-response`,
  },
  ChallengeFormat: {
    title: 'Bootstrap: WWW-Authenticate response header format',
    url: `${learn}rest/bootstrapper/bootstrap#www-authenticate-response-header-format`,
  },
  GetNewAccessToken: { title: 'GetNewAccessToken (WOPI REST)', url: `${learn}rest/bootstrapper/getnewaccesstoken` },
  GetRootContainerBootstrapper: {
    title: 'GetRootContainer (bootstrapper)',
    url: `${learn}rest/bootstrapper/getrootcontainer`,
  },
  BootstrapperOverview: { title: 'Bootstrapper (Microsoft 365 for mobile)', url: `${learn}mobile/identity/bootstrapper` },
  TokenIssuance: { title: 'Token issuance (Microsoft 365 for mobile)', url: `${learn}mobile/identity/tokenissuance` },
  OperationalFlows: { title: 'Operational flows (Microsoft 365 for mobile)', url: `${learn}mobile/scenarios/operational-flows` },
  Onboarding: { title: 'Onboarding (Microsoft 365 for mobile)', url: `${learn}mobile/onboarding/onboarding` },
  MobileRequirements: { title: 'WOPI requirements (Microsoft 365 for mobile)', url: `${learn}mobile/wopi-requirements` },
  Concepts: { title: 'WOPI concepts: access tokens and access_token_ttl', url: `${learn}rest/concepts` },
  Endpoints: { title: 'WOPI endpoints', url: `${learn}rest/endpoints` },
  CheckEcosystem: { title: 'CheckEcosystem', url: `${learn}rest/ecosystem/checkecosystem` },
  GetRootContainer: { title: 'GetRootContainer (ecosystem)', url: `${learn}rest/ecosystem/getrootcontainer` },
  CheckFileInfo: { title: 'CheckFileInfo', url: `${learn}rest/files/checkfileinfo` },
  GetFile: { title: 'GetFile', url: `${learn}rest/files/getfile` },
  Locks: { title: 'Lock', url: `${learn}rest/files/lock` },
  GetLock: { title: 'GetLock', url: `${learn}rest/files/getlock` },
  CheckContainerInfo: { title: 'CheckContainerInfo', url: `${learn}rest/containers/checkcontainerinfo` },
  EnumerateChildren: { title: 'EnumerateChildren', url: `${learn}rest/containers/enumeratechildren` },
  EnumerateAncestors: { title: 'EnumerateAncestors', url: `${learn}rest/containers/enumerateancestors` },
  AccessTokenPlacement: {
    title: 'Access token in the URL or the Authorization header',
    url: `${learn}faq/access-token-header-and-url`,
  },
  InvalidCharacters: {
    title: 'Office for iOS: invalid characters in names and ids',
    url: 'https://github.com/microsoft/Office-Online-Test-Tools-and-Documentation/blob/4c39bf7a801bc8ee7974926d318d7f60bb3e8e16/docs/native/src/issues/invalidcharacters.rst',
  },
  OfficeRequiresRootContainer: {
    title: 'GET_ROOT_CONTAINER is required by Office for iOS (issue #278)',
    url: 'https://github.com/microsoft/Office-Online-Test-Tools-and-Documentation/issues/278',
  },
  WopiAuthChallengeParser: {
    title: 'WOPIAuth: how Office clients parse the challenge',
    url: 'https://github.com/gtritchie/WOPIAuth/blob/ce7ff14a93048562794663f99dafe36a4a6e9042/WOPIAuth/BootstrapInfo.swift',
  },
  WopiAuthTokenResult: {
    title: 'WOPIAuth: how the token response is read',
    url: 'https://github.com/gtritchie/WOPIAuth/blob/ce7ff14a93048562794663f99dafe36a4a6e9042/WOPIAuth/TokenResult.swift',
  },
  WopiAuthRedirect: {
    title: 'WOPIAuth: redirect parameters must be lower-case',
    url: 'https://github.com/gtritchie/WOPIAuth/blob/ce7ff14a93048562794663f99dafe36a4a6e9042/WOPIAuth/SignInViewController.swift',
  },
  WopiHostEcosystemToken: {
    title: 'WopiHost #308: a fresh WOPI token in EcosystemUrl',
    url: 'https://github.com/petrsvihlik/WopiHost/pull/308',
  },
  ValidatorSecondsIssue: {
    title: 'wopi-validator-core #124: access_token_ttl in seconds',
    url: 'https://github.com/microsoft/wopi-validator-core/issues/124',
  },
  WopiValidator: { title: 'WOPI validator (microsoft/wopi-validator-core)', url: 'https://github.com/microsoft/wopi-validator-core' },
  Rfc6749AuthorizationResponse: rfc(6749, '4.1.2', 'Authorization Response'),
  Rfc6749TokenRequest: rfc(6749, '4.1.3', 'Access Token Request'),
  Rfc6749ClientPassword: rfc(6749, '2.3.1', 'Client Password'),
  Rfc6749TokenResponse: rfc(6749, '5.1', 'Successful Response'),
  Rfc6749ErrorResponse: rfc(6749, '5.2', 'Error Response'),
  Rfc6749Refresh: rfc(6749, '6', 'Refreshing an Access Token'),
  Rfc6749TokenType: rfc(6749, '7.1', 'Access Token Types'),
  Rfc6750Challenge: rfc(6750, '3', 'The WWW-Authenticate Response Header Field'),
  Rfc8252Loopback: rfc(8252, '7.3', 'Loopback Interface Redirection'),
  Rfc9110Credentials: rfc(9110, '11.4', 'Credentials'),
  AppleTrustRequirements: {
    title: 'Apple: requirements for trusted certificates in iOS 13 and macOS 10.15',
    url: 'https://support.apple.com/en-us/103769',
  },
} as const satisfies Record<string, RuleSource>;

type Rule = Omit<RuleDefinition, 'id'>;
const rule = (area: RuleArea, severity: Severity, title: string, ...sources: RuleSource[]): Rule => ({ area, severity, title, sources });
const { failure, warning, finding } = { failure: 'failure', warning: 'warning', finding: 'finding' } as const;

const definitions = {
  // TLS: what a phone checks before it sends anything.
  'tls-certificate-trusted': rule('tls', failure, 'The certificate chain verifies for the host name', Source.BootstrapperOverview),
  'tls-ios-requirements': rule('tls', failure, 'The leaf certificate meets the iOS trust requirements', Source.AppleTrustRequirements),
  'tls-verification-disabled': rule('tls', warning, 'The check verified TLS as a phone does (no --insecure)', Source.Bootstrap),
  'https-required': rule('challenge', failure, 'The bootstrapper is an https:// URL', Source.Bootstrap, Source.Onboarding),

  // The unauthenticated challenge.
  'challenge-status': rule('challenge', failure, 'Bootstrap without valid credentials answers 401', Source.Bootstrap),
  'challenge-missing': rule('challenge', failure, 'A 401 from the bootstrapper carries a Bearer challenge', Source.ChallengeFormat),
  'challenge-not-single': rule('challenge', failure, 'Exactly one WWW-Authenticate header has the Bearer scheme', Source.ChallengeFormat),
  'challenge-unparseable': rule('challenge', failure, 'The challenge splits into name="value" parameters', Source.ChallengeFormat),
  'challenge-scheme-casing': rule(
    'challenge',
    warning,
    'The scheme is written "Bearer"',
    Source.ChallengeFormat,
    Source.WopiAuthChallengeParser,
  ),
  'challenge-trailing-comma': rule('challenge', failure, 'No comma after the last challenge parameter', Source.ChallengeFormat),
  'challenge-parameter-casing': rule(
    'challenge',
    failure,
    'Challenge parameter names have their exact casing',
    Source.ChallengeFormat,
    Source.WopiAuthChallengeParser,
  ),
  'challenge-unknown-parameter': rule(
    'challenge',
    warning,
    'The challenge carries only the parameters WOPI defines',
    Source.ChallengeFormat,
  ),
  'challenge-duplicate-parameter': rule('challenge', failure, 'No challenge parameter appears twice', Source.ChallengeFormat),
  'challenge-unquoted-value': rule('challenge', failure, 'Every challenge value is in double quotes', Source.ChallengeFormat),
  'challenge-missing-parameter': rule(
    'challenge',
    failure,
    'The challenge names authorization_uri and tokenIssuance_uri',
    Source.ChallengeFormat,
  ),
  'challenge-unsafe-value': rule(
    'challenge',
    warning,
    'Challenge values hold no ",", "=", quote or "Bearer" that naive parsers split on',
    Source.WopiAuthChallengeParser,
  ),
  'challenge-uri-not-https': rule(
    'challenge',
    failure,
    'authorization_uri and tokenIssuance_uri are absolute https URLs',
    Source.ChallengeFormat,
  ),
  'challenge-on-non-401': rule('challenge', warning, 'Only 401 answers carry the Bearer challenge', Source.GetNewAccessToken),
  'challenge-bad-credentials': rule(
    'challenge',
    failure,
    'A blank, garbled, Basic or expired Authorization gets 401 with the challenge',
    Source.Bootstrap,
    Source.BootstrapperOverview,
  ),
  'challenge-get-new-access-token': rule(
    'challenge',
    failure,
    'GetNewAccessToken without a token gets 401 with the challenge',
    Source.GetNewAccessToken,
  ),
  'provider-id-characters': rule('challenge', warning, 'providerId uses only [A-Za-z0-9]', Source.ChallengeFormat),
  'url-schemes-not-encoded': rule('challenge', failure, 'UrlSchemes is percent-encoded JSON', Source.ChallengeFormat),
  'url-schemes-shape': rule('challenge', failure, 'UrlSchemes maps each platform to a list of strings', Source.ChallengeFormat),
  'url-schemes-platform': rule(
    'challenge',
    warning,
    'UrlSchemes names only platforms Office knows (iOS, Android, UWP)',
    Source.ChallengeFormat,
  ),
  'url-schemes-android-triples': rule(
    'challenge',
    warning,
    'UrlSchemes.Android lists (version code, package, activity) triples',
    Source.ChallengeFormat,
  ),

  // OAuth sign-in and the token endpoint.
  'authorize-accepts-office-parameters': rule(
    'oauth',
    failure,
    "The authorization endpoint accepts Office's parameters",
    Source.OperationalFlows,
    Source.Onboarding,
  ),
  'authorize-redirect': rule(
    'oauth',
    failure,
    'Sign-in redirects to the redirect URI with code and state, in lower case',
    Source.Rfc6749AuthorizationResponse,
    Source.WopiAuthRedirect,
  ),
  'token-response-status': rule(
    'oauth',
    failure,
    'The token endpoint redeems a fresh code with 200',
    Source.Rfc6749TokenResponse,
    Source.TokenIssuance,
  ),
  'token-response-json': rule(
    'oauth',
    failure,
    'The token response is application/json',
    Source.Rfc6749TokenResponse,
    Source.TokenIssuance,
  ),
  'token-response-fields': rule(
    'oauth',
    failure,
    'The token response has access_token and token_type "bearer"',
    Source.Rfc6749TokenResponse,
    Source.Rfc6749TokenType,
    Source.WopiAuthTokenResult,
  ),
  'expires-in-not-number': rule(
    'oauth',
    warning,
    'expires_in is a JSON number of seconds',
    Source.TokenIssuance,
    Source.WopiAuthTokenResult,
  ),
  'token-response-refresh-token': rule(
    'oauth',
    warning,
    'The token response carries a refresh_token',
    Source.TokenIssuance,
    Source.Rfc6749Refresh,
  ),
  'token-response-no-store': rule('oauth', failure, 'Token responses carry Cache-Control: no-store', Source.Rfc6749TokenResponse),
  'token-client-secret-basic': rule(
    'oauth',
    failure,
    'The token endpoint accepts HTTP Basic client authentication',
    Source.Rfc6749ClientPassword,
  ),
  'oauth-code-replay': rule(
    'oauth',
    failure,
    'A code redeemed twice gets invalid_grant',
    Source.Rfc6749AuthorizationResponse,
    Source.Rfc6749ErrorResponse,
  ),
  'oauth-redirect-uri-mismatch': rule(
    'oauth',
    failure,
    'A code redeemed with another redirect_uri gets invalid_grant',
    Source.Rfc6749TokenRequest,
    Source.Rfc6749ErrorResponse,
  ),
  'oauth-wrong-secret': rule('oauth', failure, 'A wrong client secret gets invalid_client', Source.Rfc6749ErrorResponse),
  'oauth-refresh': rule('oauth', failure, 'A refresh token buys a working access token', Source.Rfc6749Refresh, Source.TokenIssuance),
  'oauth-refresh-rotation': rule(
    'oauth',
    finding,
    'Whether refresh rotates the refresh token, and what the old one does',
    Source.Rfc6749Refresh,
  ),

  // The authenticated profile and shortcuts.
  'bootstrap-authenticated': rule('profile', failure, 'Bootstrap with a valid token answers 200', Source.BootstrapAuthenticated),
  'bootstrap-colon-form': rule(
    'profile',
    failure,
    'Bootstrap accepts the spec\'s "Bearer: <token>" form as well as "Bearer <token>"',
    Source.Bootstrap,
  ),
  'json-content-type': rule('profile', failure, 'JSON answers are application/json', Source.BootstrapAuthenticated),
  'not-json': rule('profile', failure, 'JSON answers carry a JSON object', Source.BootstrapAuthenticated),
  'missing-property': rule('profile', failure, 'Required properties are present', Source.BootstrapAuthenticated),
  'null-properties': rule(
    'profile',
    warning,
    'A plain Bootstrap answer leaves RootContainerInfo and AccessTokenInfo out',
    Source.WopiHostEcosystemToken,
  ),
  'property-type': rule('profile', failure, 'Properties have the types the spec gives them', Source.BootstrapAuthenticated),
  'ecosystem-url-without-token': rule('profile', failure, 'EcosystemUrl carries an access_token', Source.BootstrapAuthenticated),
  'ecosystem-url-not-https': rule(
    'profile',
    failure,
    'EcosystemUrl is an absolute https URL',
    Source.BootstrapAuthenticated,
    Source.Onboarding,
  ),
  'ecosystem-url-oauth-token': rule(
    'profile',
    failure,
    'EcosystemUrl carries a WOPI token, not the OAuth token',
    Source.BootstrapAuthenticated,
    Source.WopiHostEcosystemToken,
  ),
  'ecosystem-url-trailing-slash': rule('profile', warning, 'EcosystemUrl does not end in "/"', Source.GetRootContainer),
  'user-id-stable': rule('profile', failure, 'UserId is the same on every call for one user', Source.BootstrapAuthenticated),
  'shortcut-not-implemented': rule(
    'profile',
    warning,
    'An unknown X-WOPI-EcosystemOperation is answered as a plain Bootstrap',
    Source.GetRootContainerBootstrapper,
  ),
  'root-container-missing': rule(
    'profile',
    failure,
    'GET_ROOT_CONTAINER answers with RootContainerInfo.ContainerPointer',
    Source.GetRootContainerBootstrapper,
    Source.OfficeRequiresRootContainer,
  ),
  'wopi-token-at-bootstrapper': rule(
    'profile',
    failure,
    'The bootstrapper is called with the OAuth token, not a WOPI token',
    Source.Bootstrap,
  ),

  // Ecosystem, containers and files.
  'check-ecosystem': rule('ecosystem', failure, 'CheckEcosystem answers on the EcosystemUrl', Source.CheckEcosystem),
  'root-container-pointer': rule(
    'ecosystem',
    failure,
    'GetRootContainer answers on EcosystemUrl + /root_container_pointer',
    Source.GetRootContainer,
  ),
  'bad-token-refused': rule('ecosystem', failure, 'A WOPI call with a bad token gets 401 or 404', Source.Concepts),
  'check-container-info': rule('ecosystem', failure, 'CheckContainerInfo answers on the root container', Source.CheckContainerInfo),
  'enumerate-children': rule('ecosystem', failure, 'EnumerateChildren lists ChildContainers and ChildFiles', Source.EnumerateChildren),
  'enumerate-children-filter': rule(
    'ecosystem',
    failure,
    'EnumerateChildren honours X-WOPI-FileExtensionFilterList',
    Source.EnumerateChildren,
  ),
  'enumerate-ancestors': rule('ecosystem', failure, 'EnumerateAncestors answers AncestorsWithRootFirst', Source.EnumerateAncestors),
  'child-url-without-token': rule(
    'ecosystem',
    failure,
    'Every child URL is absolute and carries an access_token',
    Source.EnumerateChildren,
  ),
  'mobile-required-property': rule(
    'files',
    failure,
    'CheckFileInfo and CheckContainerInfo carry IsEduUser and LicenseCheckForEditIsEnabled',
    Source.MobileRequirements,
  ),
  'office-invalid-characters': rule(
    'files',
    failure,
    'Names and ids avoid the characters Office for iOS cannot load',
    Source.InvalidCharacters,
  ),
  'user-id-mismatch': rule(
    'files',
    failure,
    "CheckFileInfo's UserId equals Bootstrap's",
    Source.BootstrapAuthenticated,
    Source.CheckFileInfo,
  ),
  'get-file-size': rule('files', failure, 'GetFile returns CheckFileInfo.Size bytes', Source.GetFile),
  'wopi-token-in-header': rule(
    'files',
    warning,
    'WOPI calls carry the token in the access_token query parameter',
    Source.AccessTokenPlacement,
  ),
  'oauth-token-at-wopi-endpoint': rule(
    'files',
    failure,
    'WOPI endpoints are called with WOPI tokens, not OAuth tokens',
    Source.BootstrapAuthenticated,
  ),
  'access-token-ttl-not-ms': rule(
    'files',
    failure,
    'access_token_ttl is an instant in milliseconds',
    Source.Concepts,
    Source.ValidatorSecondsIssue,
  ),
  'item-version-missing': rule('files', failure, 'PutFile, Lock and Unlock answer with X-WOPI-ItemVersion', Source.MobileRequirements),
  'lock-header-missing': rule('files', failure, 'GetLock and lock conflicts answer with X-WOPI-Lock', Source.GetLock, Source.Locks),
  'lock-header-on-success': rule('files', warning, 'Only GetLock sends X-WOPI-Lock with a 200', Source.Locks),

  // GetNewAccessToken.
  'wopi-src-missing': rule('access-token', failure, 'GetNewAccessToken is sent with X-WOPI-WopiSrc', Source.GetNewAccessToken),
  'wopi-src-not-found': rule(
    'access-token',
    failure,
    'A missing, unparseable or unknown WopiSrc gets 404, not 200 or 500',
    Source.GetNewAccessToken,
  ),
  'wopi-src-other-user': rule('access-token', failure, "Another user's WopiSrc gets 404", Source.GetNewAccessToken),
  'access-token-info': rule(
    'access-token',
    failure,
    'GetNewAccessToken answers AccessTokenInfo for a real WopiSrc',
    Source.GetNewAccessToken,
  ),
  'access-token-expiry-seconds': rule(
    'access-token',
    failure,
    'AccessTokenExpiry is in milliseconds, not seconds',
    Source.GetNewAccessToken,
    Source.Concepts,
    Source.ValidatorSecondsIssue,
  ),
  'access-token-expiry-implausible': rule(
    'access-token',
    failure,
    'AccessTokenExpiry is a plausible instant in milliseconds',
    Source.GetNewAccessToken,
    Source.Concepts,
  ),
  'access-token-expiry-past': rule(
    'access-token',
    failure,
    'AccessTokenExpiry lies in the future',
    Source.GetNewAccessToken,
    Source.Concepts,
  ),
  'access-token-scope': rule(
    'access-token',
    failure,
    'The new token opens its resource and no other',
    Source.GetNewAccessToken,
    Source.Concepts,
  ),

  // Trusted domains and write tests.
  'trusted-domain': rule(
    'trusted-domains',
    failure,
    'Every URL the host hands out is inside its trusted domains',
    Source.Onboarding,
    Source.GetNewAccessToken,
  ),
  'scratch-file': rule(
    'write',
    failure,
    'A scratch file can be created (CreateChildFile or PutRelativeFile) and deleted',
    Source.EnumerateChildren,
  ),
  'wopi-validator': rule('write', failure, "The WOPI validator's WopiCore and OfficeNativeClient cases pass", Source.WopiValidator),
} as const satisfies Record<string, Rule>;

export type RuleId = keyof typeof definitions;

/** Every rule, keyed by id. */
export const rules: Readonly<Record<RuleId, RuleDefinition>> = Object.fromEntries(
  Object.entries(definitions).map(([id, definition]) => [id, { id, ...definition }]),
) as Record<RuleId, RuleDefinition>;

export const ruleIds = Object.keys(definitions) as RuleId[];

/**
 * Rules about what the client sends rather than what the host answers. The Live log judges a
 * client by them; the host checker, which plays the client (and sends wrong requests on purpose
 * to see how the host copes), leaves them out of its report.
 */
export const clientRuleIds: ReadonlySet<RuleId> = new Set<RuleId>([
  'wopi-src-missing',
  'wopi-token-at-bootstrapper',
  'wopi-token-in-header',
  'oauth-token-at-wopi-endpoint',
  'access-token-ttl-not-ms',
]);

/** One time a rule was broken (or, for a finding, observed), with what shows it. */
export interface Finding {
  rule: RuleId;
  severity: Severity;
  message: string;
}
