/**
 * What is redacted by default, by name (docs/security.md), and what a redacted value becomes.
 * Names are matched case-insensitively with `-` and `_` ignored (name-matcher.ts).
 */
export const REDACTED = '[REDACTED]';

export const DEFAULT_REDACTION = {
  headers: {
    exact: ['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key', 'x-amz-security-token'],
    containing: ['token', 'secret', 'session', 'password', 'csrf', 'apikey'],
  },
  queryParams: {
    exact: ['sig', 'signature', 'awsaccesskeyid', 'x-amz-signature', 'x-amz-credential', 'x-amz-security-token', 'token', 'key', 'api_key', 'access_token', 'client_secret', 'password', 'code_verifier'],
    containing: ['token', 'secret', 'password', 'signature', 'apikey'],
  },
  bodyKeys: {
    exact: ['password', 'passwd', 'pwd', 'secret', 'token', 'api_key', 'access_token', 'refresh_token', 'id_token', 'client_secret', 'private_key', 'card_number', 'cvv', 'cvc', 'ssn', 'authorization', 'pin'],
    containing: ['password', 'passwd', 'secret', 'token', 'apikey', 'privatekey', 'cardnumber', 'creditcard'],
  },
} as const;

/** Every default body-key name contains one of these (checked by a test); the body pre-filter scans for them. */
export const BODY_KEY_FRAGMENTS = ['pass', 'pwd', 'secret', 'token', 'key', 'ssn', 'cvv', 'cvc', 'pin', 'auth', 'card'] as const;
