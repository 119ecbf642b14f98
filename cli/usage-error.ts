/**
 * The user asked for something the CLI cannot do as asked (unknown command or query, missing or
 * invalid parameter). The CLI prints the message without a stack trace and exits with code 2,
 * so scripts can tell a usage mistake (2) from a failed query or AWS error (1).
 */
import { AuditLogError } from '../core/errors.js';

export class UsageError extends AuditLogError {
  override name = 'UsageError';
}
