/**
 * Redaction: by name (headers, query parameters, URL userinfo, JSON and form keys) and by value
 * (card numbers), compiled once per instance. The only entry the event builder uses.
 */
export { compileRedactor, type Redactor } from './redactor.js';
export { BODY_KEY_FRAGMENTS, DEFAULT_REDACTION, REDACTED } from './rules.js';
export { redactCardNumbers } from './card-numbers.js';
