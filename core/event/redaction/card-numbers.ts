/**
 * Card numbers anywhere in text: 13–19 digits, single spaces or dashes allowed between, a first
 * digit of a card network (2–6: Mastercard, Amex, JCB, Diners, Visa, Discover, UnionPay,
 * Maestro) and a valid Luhn checksum. The network digit keeps millisecond timestamps
 * (1764000000000, a valid Luhn number) and other ids starting with 0, 1, 7, 8 or 9 as they are.
 */
import { REDACTED } from './rules.js';

const CARD_CANDIDATE = /\b\d(?:[ -]?\d){12,18}\b/g;

/**
 * A run of ≥ 13 digits, single spaces or dashes allowed between: a possible card number.
 * That is `\d(?:[ -]?\d){12}`, split on its first separator: the two alternatives begin with
 * two-character prefixes, which the regex engine rejects faster at the many lone digits of a
 * JSON body (1.5 µs instead of 2.1 µs per KiB).
 */
const CARD_PROBE = /\d\d(?:[ -]?\d){11}|\d[ -]\d(?:[ -]?\d){11}/;
export const CARD_PROBE_ALL = new RegExp(CARD_PROBE.source, 'g');

/** Digits only: a plausible card number (network digit, Luhn). */
export function isCardNumber(digits: string): boolean {
  const first = digits.charCodeAt(0);
  return first >= 50 /* 2 */ && first <= 54 /* 6 */ && luhn(digits);
}

function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double && (d *= 2) > 9) d -= 9;
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

/** Replaces card numbers (13–19 digits, spaces or dashes allowed, network digit, valid Luhn checksum) with `replacement`. */
export function replaceCardNumbers(text: string, replacement: string): string {
  return text.replace(CARD_CANDIDATE, (m) => (isCardNumber(m.replace(/[ -]/g, '')) ? replacement : m));
}

/** Card numbers in any text become `[REDACTED]`. */
export function redactCardNumbers(text: string): string {
  if (!CARD_PROBE.test(text)) return text;
  return replaceCardNumbers(text, REDACTED);
}
