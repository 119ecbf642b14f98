/**
 * What is redacted by default, by name (docs/security.md), and what a redacted value becomes.
 * Names are matched case-insensitively with `-` and `_` ignored (name-matcher.ts): an exact
 * name, or a name containing one of the `containing` words unless it is one of `notSecret`.
 */
export const REDACTED = '[REDACTED]';

export const DEFAULT_REDACTION = {
  headers: {
    exact: [
      'authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'api-key', 'x-amz-security-token',
      // Azure API Management and Functions keys, Google API keys.
      'ocp-apim-subscription-key', 'x-functions-key', 'x-goog-api-key',
      // Webhook and request signatures (GitHub, Stripe, Slack, Twilio, Shopify, Square, PayPal, Svix).
      'x-hub-signature', 'x-hub-signature-256', 'stripe-signature', 'x-slack-signature', 'x-twilio-signature',
      'x-shopify-hmac-sha256', 'x-square-hmacsha256-signature', 'paypal-transmission-sig', 'svix-signature', 'webhook-signature',
    ],
    containing: ['token', 'secret', 'session', 'password', 'csrf', 'apikey', 'authorization', 'signature', 'hmac', 'credential', 'subscriptionkey', 'accesskey', 'secretkey', 'privatekey'],
  },
  queryParams: {
    exact: [
      'sig', 'signature', 'awsaccesskeyid', 'x-amz-signature', 'x-amz-credential', 'x-amz-security-token', 'token', 'key', 'api_key',
      'access_token', 'client_secret', 'password', 'code_verifier',
      // Firebase's REST `auth`, Google's signed URLs, and other credential parameters seen in the wild.
      'auth', 'x-goog-signature', 'x-goog-credential', 'access_key', 'secret_key', 'pass', 'passwd', 'pwd', 'jwt', 'client_assertion', 'sessionid',
    ],
    containing: ['token', 'secret', 'password', 'signature', 'apikey', 'credential', 'accesskey', 'secretkey', 'privatekey'],
  },
  bodyKeys: {
    exact: [
      'password', 'passwd', 'pwd', 'secret', 'token', 'api_key', 'access_token', 'refresh_token', 'id_token', 'client_secret',
      'private_key', 'card_number', 'cvv', 'cvc', 'ssn', 'authorization', 'pin',
      // `pass` and `auth` (an object holding a bearer token) as APIs name them; a session cookie in a body.
      'pass', 'auth', 'signature', 'cookie', 'set-cookie', 'sessionid', 'otp',
    ],
    containing: ['password', 'passwd', 'secret', 'token', 'apikey', 'privatekey', 'cardnumber', 'creditcard', 'passphrase', 'credential', 'accesskey', 'secretkey'],
  },
  /**
   * Names that contain a sensitive word but hold no secret, kept as they are (a value in a
   * credential format is still redacted by value): a count or a setting about a token rather than
   * the token, and words that merely contain one. Exact names, then endings.
   */
  notSecret: {
    exact: [
      'tokenizer', 'tokenizers', 'usernametoken', 'publickey', 'keyid', 'kid',
      // LLM usage counters.
      'maxtokens', 'prompttokens', 'completiontokens', 'totaltokens', 'inputtokens', 'outputtokens', 'cachedtokens',
      'reasoningtokens', 'maxoutputtokens', 'maxcompletiontokens',
    ],
    endings: [
      'count', 'counts', 'type', 'types', 'limit', 'length', 'size', 'used', 'usage', 'expiry', 'expires', 'expiresat', 'expiresin',
      'expiration', 'endpoint', 'url', 'uri', 'path', 'format', 'policy', 'name', 'arn', 'hint', 'required',
      'enabled', 'version', 'algorithm', 'ttl', 'scope', 'scopes', 'status', 'strength',
    ],
  },
} as const;

/** Every default body-key name contains one of these (checked by a test); the body pre-filter scans for them. */
export const BODY_KEY_FRAGMENTS = ['pass', 'pwd', 'secret', 'token', 'key', 'ssn', 'cvv', 'cvc', 'pin', 'auth', 'card', 'cred', 'sig', 'cookie', 'session', 'otp'] as const;
