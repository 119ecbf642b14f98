/**
 * Synthetic credentials of every format the audit log detects by value: made up here, of the
 * right shape (prefix, length, alphabet), never real. Deterministic, so failures reproduce.
 */
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const HEX = '0123456789abcdef';

/** A deterministic string of `n` characters of `alphabet`, different per `seed`. */
export function chars(alphabet: string, n: number, seed: number): string {
  let x = (seed * 2654435761) >>> 0 || 1;
  let out = '';
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out += alphabet[x % alphabet.length];
  }
  return out;
}

const b64url = (s: string): string => Buffer.from(s).toString('base64url');

export interface SyntheticSecret {
  kind: string;
  /** The credential as an app would send it. */
  value: string;
  /** What must never be stored (defaults to [value]): the secret part when the value has a readable frame. */
  secret?: string;
}

export function syntheticSecrets(seed = 1): SyntheticSecret[] {
  const s = (alphabet: string, n: number, k: number) => chars(alphabet, n, seed * 100 + k);
  const jwt = `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(`{"sub":"user-${seed}","iat":1764000000}`)}.${s(BASE62 + '-_', 43, 1)}`;
  const pem = [
    '-----BEGIN RSA PRIVATE KEY-----',
    ...Array.from({ length: 4 }, (_, i) => s(BASE62 + '+/', 64, 10 + i)),
    '-----END RSA PRIVATE KEY-----',
  ].join('\n');
  const basicPair = `svc-${seed}:${s(BASE62, 14, 3)}`;
  return [
    { kind: 'aws-access-key-id', value: `AKIA${s(BASE32, 16, 2)}` },
    { kind: 'aws-access-key-id', value: `ASIA${s(BASE32, 16, 4)}` },
    { kind: 'github-token', value: `ghp_${s(BASE62, 36, 5)}` },
    { kind: 'github-token', value: `github_pat_${s(BASE62, 22, 6)}_${s(BASE62, 59, 7)}` },
    { kind: 'gitlab-token', value: `glpat-${s(BASE62 + '-_', 20, 8)}` },
    { kind: 'slack-token', value: `xoxb-${s('0123456789', 11, 9)}-${s('0123456789', 12, 11)}-${s(BASE62, 24, 12)}` },
    { kind: 'slack-webhook-url', value: `https://hooks.slack.com/services/T${s(BASE32, 8, 13)}/B${s(BASE32, 8, 14)}/${s(BASE62, 24, 15)}` },
    { kind: 'stripe-key', value: `sk_live_${s(BASE62, 24, 16)}` },
    { kind: 'stripe-key', value: `rk_live_${s(BASE62, 24, 17)}` },
    { kind: 'google-api-key', value: `AIza${s(BASE62 + '-_', 35, 18)}` },
    { kind: 'npm-token', value: `npm_${s(BASE62, 36, 19)}` },
    { kind: 'sendgrid-api-key', value: `SG.${s(BASE62 + '-_', 22, 20)}.${s(BASE62 + '-_', 43, 21)}` },
    { kind: 'twilio-api-key', value: `SK${s(HEX, 32, 22)}` },
    { kind: 'openai-api-key', value: `sk-proj-${s(BASE62 + '-_', 64, 23)}` },
    { kind: 'anthropic-api-key', value: `sk-ant-api03-${s(BASE62 + '-_', 93, 24)}AA` },
    { kind: 'jwt', value: jwt },
    { kind: 'private-key', value: pem, secret: s(BASE62 + '+/', 64, 11) },
    { kind: 'url-credentials', value: `postgres://app_${seed}:${s(BASE62, 12, 25)}!pw@db.internal:5432/app`, secret: `${s(BASE62, 12, 25)}!pw` },
    { kind: 'bearer-token', value: `Bearer ${s(BASE62, 20, 26)}.${s(BASE62, 12, 27)}`, secret: `${s(BASE62, 20, 26)}.${s(BASE62, 12, 27)}` },
    { kind: 'basic-credentials', value: `Basic ${Buffer.from(basicPair).toString('base64')}`, secret: Buffer.from(basicPair).toString('base64') },
  ];
}

/** The forms of a secret that must all be absent from a stored event. */
export function storedForms(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1), Buffer.from(secret).toString('base64')]);
  // A multi-line secret is checked line by line too (JSON escapes its newlines).
  for (const line of secret.split('\n')) if (line.length >= 16) forms.add(line);
  return [...forms].filter((f) => f.length >= 8);
}
