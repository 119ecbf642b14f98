/**
 * An instance's event bus (eventemitter3): every built event is published here, and the
 * dispatcher is one subscriber among the user's own (`audit.on('event', fn)`). Every listener
 * is guarded: one that throws is reported to onError and neither the app, the other listeners
 * nor delivery see it. Publishing costs one check when nobody listens to a name.
 */
import { EventEmitter } from 'eventemitter3';
import { ConfigurationError, HookError } from '../errors.js';
import type { AuditLogEventName, AuditLogEvents, AuditLogListener } from '../types/events.js';

const EVENT_NAMES: readonly AuditLogEventName[] = ['event', 'stats'];

export class AuditEventBus {
  private readonly emitter = new EventEmitter<AuditLogEvents>();
  /** Each listener's guarded wrapper, per name, so `off` finds it. */
  private readonly wrappers = new Map<AuditLogEventName, Map<unknown, (...args: any[]) => void>>();

  constructor(private readonly onError: (err: unknown) => void) {}

  on<K extends AuditLogEventName>(name: K, listener: AuditLogListener<K>): void {
    if (!EVENT_NAMES.includes(name)) {
      throw new ConfigurationError(`audit.on(name, listener): name must be one of ${EVENT_NAMES.map((n) => `"${n}"`).join(', ')}, got ${JSON.stringify(name)}`, 'on');
    }
    if (typeof listener !== 'function') {
      throw new ConfigurationError(`audit.on("${name}", listener): listener must be a function, got ${typeof listener}`, 'on');
    }
    let byListener = this.wrappers.get(name);
    if (byListener === undefined) this.wrappers.set(name, (byListener = new Map()));
    let guarded = byListener.get(listener);
    if (guarded === undefined) {
      const onError = this.onError;
      guarded = (...args: any[]) => {
        try {
          (listener as (...a: any[]) => void)(...args);
        } catch (err) {
          onError(new HookError(`"${name}" listener`, err));
        }
      };
      byListener.set(listener, guarded);
    }
    this.emitter.on(name, guarded as never);
  }

  off<K extends AuditLogEventName>(name: K, listener: AuditLogListener<K>): void {
    const guarded = this.wrappers.get(name)?.get(listener);
    if (guarded === undefined) return;
    this.wrappers.get(name)!.delete(listener);
    this.emitter.off(name, guarded as never);
  }

  listens(name: AuditLogEventName): boolean {
    return this.emitter.listenerCount(name) > 0;
  }

  emit<K extends AuditLogEventName>(name: K, ...args: AuditLogEvents[K]): void {
    (this.emitter.emit as (n: K, ...a: AuditLogEvents[K]) => boolean)(name, ...args);
  }
}
