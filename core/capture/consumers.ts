/**
 * Which auditLog() instances are live (as CallConsumers), the capture settings for calls made
 * outside any inbound request, and the outbound hooks' reference count: the hooks are installed
 * for the first consumer and removed with the last.
 *
 * Kept on globalThis (Symbol.for) so the hooks are installed once per process however many
 * times — or from however many copies of this package — auditLog() is called.
 */
import type { CallConsumer } from './call-record.js';
import { stopSweeper } from './in-flight.js';

interface Consumers {
  all: CallConsumer[];
  /** Consumers that record calls made outside any inbound request. */
  outside: CallConsumer[];
  outsideMethods: Set<string>;
  outsideMaxBodyBytes: number;
  hookUsers: number;
  uninstallHooks: (() => void) | null;
}

const CONSUMERS_KEY = Symbol.for('http-audit-log.capture-consumers');
const slot = globalThis as unknown as Record<symbol, Consumers | undefined>;
const consumers: Consumers = (slot[CONSUMERS_KEY] ??= {
  all: [],
  outside: [],
  outsideMethods: new Set(),
  outsideMaxBodyBytes: 0,
  hookUsers: 0,
  uninstallHooks: null,
});

function recomputeOutside(): void {
  consumers.outside = consumers.all.filter((c) => c.settings.recordOutsideRequests);
  consumers.outsideMethods = new Set(consumers.outside.flatMap((c) => [...c.settings.methods]));
  consumers.outsideMaxBodyBytes = Math.max(0, ...consumers.outside.map((c) => c.settings.maxBodyBytes));
}

/**
 * Adds a consumer and, for the first one, installs the outbound hooks with `install` (which
 * returns its own uninstaller). Returns the release function.
 */
export function registerConsumer(consumer: CallConsumer, install: () => () => void): () => void {
  consumers.all.push(consumer);
  recomputeOutside();
  if (consumers.hookUsers++ === 0) consumers.uninstallHooks = install();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    consumers.all = consumers.all.filter((c) => c !== consumer);
    recomputeOutside();
    if (--consumers.hookUsers === 0) {
      const uninstall = consumers.uninstallHooks;
      consumers.uninstallHooks = null;
      uninstall?.();
      stopSweeper();
    }
  };
}

/** Every live consumer (hook failures not tied to one call are reported to all). */
export function liveConsumers(): readonly CallConsumer[] {
  return consumers.all;
}

/** The consumers of a call made outside any inbound request, or null when none records `method`. */
export function outsideConsumersFor(method: string): readonly CallConsumer[] | null {
  return consumers.outside.length === 0 || !consumers.outsideMethods.has(method) ? null : consumers.outside;
}

/** Most body bytes any outside-request consumer keeps. */
export function outsideMaxBodyBytes(): number {
  return consumers.outsideMaxBodyBytes;
}
