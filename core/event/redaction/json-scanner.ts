/**
 * Redacts JSON text in one pass, without parsing it into objects and serializing it back.
 *
 * Why a scanner: JSON.parse + walk + JSON.stringify costs ~10–20 µs per KiB and reformats the
 * body; this pass jumps from quote to quote with indexOf, so it costs about a microsecond per KiB,
 * keeps the body byte for byte except the redacted values, and handles a body cut off by
 * `maxBodyBytes` the same way as a whole one (it simply stops at the end).
 *
 * - The value of a sensitive key — string, number, literal, or a whole object or array — becomes
 *   "[REDACTED]".
 * - String values that hold a hint are decoded and redacted: card numbers, and JSON nested in a
 *   string, which is scanned the same way (the recursion stays in this file).
 * - Bare numbers that look like card numbers become "[REDACTED]".
 */

import { CARD_PROBE_ALL, redactCardNumbers, replaceCardNumbers } from './card-numbers.js';

const REDACTED_LITERAL = '"[REDACTED]"';

/** Index just past the string literal starting at `start` (a quote), or text.length if unterminated. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const q = text.indexOf('"', i);
    if (q < 0) return text.length;
    // Count the backslashes before the quote: an odd number escapes it.
    let k = q - 1;
    while (k > start && text.charCodeAt(k) === 92) k--;
    if ((q - 1 - k) % 2 === 0) return q + 1;
    i = q + 1;
  }
}

function skipSpace(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) break;
    i++;
  }
  return i;
}

/** Index just past the JSON value starting at `i` (or text.length when it is cut off). */
function valueEnd(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return stringEnd(text, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    while (i < text.length) {
      const ch = text[i];
      if (ch === '"') {
        i = stringEnd(text, i);
        continue;
      }
      if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return text.length;
  }
  while (i < text.length && !',}] \n\r\t'.includes(text[i]!)) i++;
  return i;
}

function decodeLiteral(literal: string): string | null {
  try {
    return JSON.parse(literal) as string;
  } catch {
    return null;
  }
}

export interface JsonKeyRules {
  isSensitiveKey(key: string): boolean;
  /** Ascending start indices of sensitive words shaped like keys in `text`; null: check every key. */
  keyHints(text: string): number[] | null;
}

/**
 * Where in the text redaction could be needed, found beforehand by one regex pass each (the same
 * passes that decide whether the text is scanned at all). The scanner still walks every string,
 * but looks closely only at those that hold a hint: most keys, values and numbers are skipped
 * without slicing them out of the text.
 */
export interface JsonScanHints {
  /**
   * Ascending start indices of sensitive words shaped like keys. A key is checked only if one
   * starts inside it; a string value (JSON nested in it) only if one starts inside it.
   * null: check every key and every nested JSON string.
   */
  keyStarts: readonly number[] | null;
  /** Ascending start indices of card-like digit runs: only strings and numbers holding one are checked. */
  cardStarts: readonly number[];
  /** The text has escaped quotes, so string values may hold JSON. */
  nestedJson: boolean;
}

/** Index of the first hint at or after `from` (hints ascending), starting the search at `at`. */
function nextHint(hints: readonly number[], at: number, from: number): number {
  while (at < hints.length && hints[at]! < from) at++;
  return at;
}

/** Start indices of every match of a global `pattern` in `text` (ascending): hints for the JSON scanner. */
export function matchStarts(pattern: RegExp, text: string): number[] {
  const starts: number[] = [];
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) starts.push(m.index);
  return starts;
}


export class JsonRedactor {
  constructor(private readonly rules: JsonKeyRules) {}

  /**
   * JSON text with sensitive values replaced; null when nothing in it can need redaction (the
   * usual case, decided by the two hint passes). `keyStarts`: key hints already found in this text.
   */
  redactIfNeeded(text: string, keyStarts: number[] | null = this.rules.keyHints(text)): string | null {
    const cardStarts = matchStarts(CARD_PROBE_ALL, text);
    if (keyStarts !== null && keyStarts.length === 0 && cardStarts.length === 0) return null;
    return this.scan(text, { keyStarts, cardStarts, nestedJson: text.includes('\\"') });
  }

  /** A decoded string value: JSON nested in it is redacted as JSON; card numbers anywhere. */
  private redactString(value: string): string {
    const first = value.trimStart()[0];
    if (first === '{' || first === '[') return this.redactIfNeeded(value) ?? value;
    return redactCardNumbers(value);
  }

  private scan(text: string, hints: JsonScanHints): string {
    const { keyStarts, cardStarts } = hints;
    let out = '';
    let copied = 0;
    let i = 0;
    let k = 0;
    let c = 0;
    for (;;) {
      const q = text.indexOf('"', i);
      const segmentEnd = q < 0 ? text.length : q;
      c = nextHint(cardStarts, c, i);
      if (c < cardStarts.length && cardStarts[c]! < segmentEnd) {
        // Between strings: numbers in valid JSON, any text in a body that only claims to be
        // JSON. The same card rule as for text (separators allowed), so the redactor needs no
        // second card pass over JSON bodies.
        const segment = text.slice(i, segmentEnd);
        const redacted = replaceCardNumbers(segment, REDACTED_LITERAL);
        if (redacted !== segment) {
          out += text.slice(copied, i) + redacted;
          copied = segmentEnd;
        }
      }
      if (q < 0) break;
      const end = stringEnd(text, q);
      const afterString = skipSpace(text, end);
      let keyHint = true;
      if (keyStarts !== null) {
        k = nextHint(keyStarts, k, q);
        keyHint = k < keyStarts.length && keyStarts[k]! < end;
      }
      if (text.charCodeAt(afterString) === 58 /* : */) {
        if (keyHint) {
          const raw = text.slice(q + 1, end - 1);
          const key = raw.includes('\\') ? decodeLiteral(text.slice(q, end)) ?? raw : raw;
          if (this.rules.isSensitiveKey(key)) {
            const valueStart = skipSpace(text, afterString + 1);
            const stop = valueEnd(text, valueStart);
            out += text.slice(copied, valueStart) + REDACTED_LITERAL;
            copied = stop;
            i = stop;
            continue;
          }
        }
      } else if (end - q > 2) {
        c = nextHint(cardStarts, c, q);
        const cardHint = c < cardStarts.length && cardStarts[c]! < end;
        const first = text.charCodeAt(q + 1);
        const nested = hints.nestedJson && keyHint && (first === 123 /* { */ || first === 91 /* [ */);
        if (cardHint || nested) {
          const value = decodeLiteral(text.slice(q, end));
          if (value !== null) {
            const redacted = this.redactString(value);
            if (redacted !== value) {
              out += text.slice(copied, q) + JSON.stringify(redacted);
              copied = end;
            }
          }
        }
      }
      i = end;
    }
    return copied === 0 ? text : out + text.slice(copied);
  }
}
