/**
 * Credential formats found by value, wherever a string is stored. Each is high-confidence: a
 * fixed prefix and a shape (docs/security.md says where each pattern comes from: gitleaks'
 * default rules and the secretlint rule packages, narrowed where they over-match).
 *
 * A format is tried only where the one combined probe (secret-values.ts) found its prefix, so
 * each pattern is sticky (`y`) and starts with that prefix: one probe pass costs what a text
 * without candidates costs, and a candidate costs one short sticky match.
 */
export type SecretKind =
  | 'aws-access-key-id' | 'aws-secret-access-key' | 'github-token' | 'gitlab-token' | 'slack-token' | 'slack-webhook-url'
  | 'stripe-key' | 'google-api-key' | 'npm-token' | 'sendgrid-api-key' | 'twilio-api-key' | 'openai-api-key'
  | 'anthropic-api-key' | 'jwt' | 'private-key' | 'url-credentials' | 'bearer-token' | 'basic-credentials';

export interface SecretFormat {
  readonly kind: SecretKind;
  /** Sticky; matched at the probe's hit. Group 1, when present, is the secret (the rest is kept). */
  readonly pattern: RegExp;
  /** A further check of the secret (group 1 or the whole match); false keeps the text. */
  readonly valid?: (secret: string) => boolean;
}

/** Characters that may not stand right before or after a token: a token is never part of a longer word. */
export const TOKEN_CHAR = /[A-Za-z0-9_-]/;

const hasDigitAndLetter = (s: string): boolean => /\d/.test(s) && /[A-Za-z]/.test(s);

/** `Basic` credentials: base64 of `user:password` (so "Basic information" is not one). */
function isBasicCredential(b64: string): boolean {
  if (b64.length % 4 === 1) return false;
  const decoded = Buffer.from(b64, 'base64').toString('latin1');
  return decoded.includes(':') && /^[\x20-\x7e]+$/.test(decoded);
}

/** Families by the probe's capture group (secret-values.ts builds the probe from `prefix`). */
export const SECRET_FAMILIES: ReadonlyArray<{ prefix: string; formats: readonly SecretFormat[] }> = [
  // AWS access key ids (gitleaks aws-access-token): a 4-letter prefix and 16 base32 characters.
  { prefix: 'A(?:KIA|SIA|BIA|CCA|3T[A-Z0-9])', formats: [{ kind: 'aws-access-key-id', pattern: /(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Za-z0-9])/y }] },
  // GitHub classic (ghp_, gho_, ghu_, ghs_, ghr_: 36 base62, the last 6 a CRC32) and fine-grained tokens.
  { prefix: 'gh[pousr]_|github_pat_', formats: [{ kind: 'github-token', pattern: /(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})(?![A-Za-z0-9_])/y }] },
  // GitLab personal, project, deploy, runner, CI-job, feed and other tokens (gitleaks gitlab-*).
  { prefix: 'gl(?:pat|ptt|dt|rt|cbt|imt|soat|ft|agent|oas|sat|ffct)-', formats: [{ kind: 'gitlab-token', pattern: /gl(?:pat|ptt|dt|rt|cbt|imt|soat|ft|agent|oas|sat|ffct)-[A-Za-z0-9_.-]{20,}/y }] },
  // Slack bot, user, app-level, refresh and configuration tokens (gitleaks slack-*-token).
  { prefix: 'xox[abprse]|xapp-', formats: [{ kind: 'slack-token', pattern: /(?:xox(?:[abprs]|e(?:\.[a-z]+)?)-[0-9A-Za-z-]{10,}|xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+)/y }] },
  // Slack incoming webhooks and workflow triggers: the whole URL is the secret.
  { prefix: 'https://hooks\\.slack\\.com/', formats: [{ kind: 'slack-webhook-url', pattern: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/_-]{20,}/y }] },
  // Stripe secret and restricted keys, and webhook signing secrets; not publishable pk_ keys.
  { prefix: '[sr]k_(?:live|test|prod)_|whsec_', formats: [{ kind: 'stripe-key', pattern: /(?:[sr]k_(?:live|test|prod)_[A-Za-z0-9]{10,247}|whsec_[A-Za-z0-9+/=]{24,})(?![A-Za-z0-9])/y }] },
  // Google API keys (gitleaks gcp-api-key).
  { prefix: 'AIza', formats: [{ kind: 'google-api-key', pattern: /AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/y }] },
  // npm access tokens (npm_ and 36 base62, the last 6 a CRC32).
  { prefix: 'npm_', formats: [{ kind: 'npm-token', pattern: /npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/y }] },
  // SendGrid API keys: SG. 22 . 43.
  { prefix: 'SG\\.', formats: [{ kind: 'sendgrid-api-key', pattern: /SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/y }] },
  // Twilio API key SIDs (SK + 32 hex; account SIDs, AC…, are ids, not secrets).
  { prefix: 'SK[0-9a-fA-F]{8}', formats: [{ kind: 'twilio-api-key', pattern: /SK[0-9a-fA-F]{32}(?![0-9A-Za-z])/y }] },
  // Anthropic (sk-ant-api03-…) and OpenAI (sk-proj-…, sk-svcacct-…, legacy sk- + 48, or the
  // T3BlbkFJ marker) keys; a generic `sk-` + 32 or more letters and digits with no dash after the
  // prefix, holding both (a URL slug like sk-ski-trips has dashes, a word has no digit).
  {
    prefix: 'sk-',
    formats: [
      { kind: 'anthropic-api-key', pattern: /sk-ant-(?:api|admin|oat|sid)\d{2}-[A-Za-z0-9_-]{32,}/y },
      { kind: 'openai-api-key', pattern: /sk-(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{32,}|sk-[A-Za-z0-9_-]*T3BlbkFJ[A-Za-z0-9_-]+/y },
      { kind: 'openai-api-key', pattern: /sk-[A-Za-z0-9]{32,}(?![A-Za-z0-9_-])/y, valid: hasDigitAndLetter },
    ],
  },
  // JWTs (and JWS/JWE compact forms): base64url header and payload, both JSON objects.
  { prefix: 'eyJ', formats: [{ kind: 'jwt', pattern: /eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*)?/y }] },
  // PEM, OpenSSH, PKCS#8 and PGP private keys: the whole block, or to the end of a cut-off text.
  {
    prefix: '-----BEGIN',
    formats: [{ kind: 'private-key', pattern: /-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]*?-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----|[\s\S]*$)/y }],
  },
  // scheme://user:password@ in any string (connection strings, URLs in bodies); `:\/\/` as JSON
  // may escape it. The userinfo is the secret; scheme and host are kept.
  {
    prefix: ':(?:\\\\?/){2}[^\\s/?#@"\'<>\\\\:]*:[^\\s/?#@"\'<>\\\\]*@',
    formats: [{ kind: 'url-credentials', pattern: /:(?:\\?\/){2}([^\s/?#@"'<>\\:]*:[^\s/?#@"'<>\\]*)@/y }],
  },
  // Credentials after an auth scheme in text: `Authorization: Bearer …`, `Basic …`.
  {
    prefix: '[Bb]earer\\s|[Bb]asic\\s|[Tt]oken\\s',
    formats: [
      { kind: 'bearer-token', pattern: /(?:[Bb]earer|[Tt]oken)\s+([A-Za-z0-9._~+/-]{16,}=*)/y, valid: (s) => /[\d._~+/-]/.test(s) },
      { kind: 'basic-credentials', pattern: /[Bb]asic\s+([A-Za-z0-9+/]{6,}={0,2})(?![A-Za-z0-9+/=])/y, valid: isBasicCredential },
    ],
  },
];

/**
 * AWS secret access keys have no prefix: 40 base64 characters. Taken as one only within
 * AWS_SECRET_WINDOW characters of an access key id found in the same text (gitleaks and
 * secretlint need a name next to it instead; names are covered by the name rules).
 */
export const AWS_SECRET_WINDOW = 200;
export const AWS_SECRET = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;
export const isAwsSecret = (s: string): boolean => /[A-Z]/.test(s) && /[a-z]/.test(s) && /\d/.test(s);
