/** RFC 6749 §5.2 token endpoint error codes, plus the §4.1.2.1 authorization ones this host sends. */
export const OAuthErrorCode = {
  InvalidRequest: 'invalid_request',
  InvalidClient: 'invalid_client',
  InvalidGrant: 'invalid_grant',
  UnauthorizedClient: 'unauthorized_client',
  UnsupportedGrantType: 'unsupported_grant_type',
  InvalidScope: 'invalid_scope',
  AccessDenied: 'access_denied',
  UnsupportedResponseType: 'unsupported_response_type',
  ServerError: 'server_error',
  TemporarilyUnavailable: 'temporarily_unavailable',
} as const;
export type OAuthErrorCode = (typeof OAuthErrorCode)[keyof typeof OAuthErrorCode];

export interface OAuthErrorBody {
  error: OAuthErrorCode;
  error_description?: string;
}

// Spec: RFC 6749 §5.2: error_description is limited to printable ASCII without `"` and `\`.
export function oauthErrorBody(error: OAuthErrorCode, description?: string): OAuthErrorBody {
  if (description === undefined) return { error };
  return { error, error_description: description.replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, '?') };
}

/** RFC 6749 §5.2: 401 for invalid_client when the client tried HTTP authentication, else 400. */
export function oauthErrorStatus(error: OAuthErrorCode, clientUsedBasic: boolean): number {
  if (error === OAuthErrorCode.InvalidClient) return clientUsedBasic ? 401 : 400;
  if (error === OAuthErrorCode.ServerError) return 500;
  if (error === OAuthErrorCode.TemporarilyUnavailable) return 503;
  return 400;
}
