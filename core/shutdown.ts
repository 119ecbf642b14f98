/**
 * Flush on SIGTERM/SIGINT without changing how the app exits.
 *
 * One handler per signal per process, shared by every auditLog() instance (refcounted, kept on
 * globalThis like the outbound hooks). When a signal arrives:
 *   - the app has listeners of its own for it: flush alongside them and do nothing else (the
 *     app decides when and how to exit);
 *   - ours is the only listener: flush (within the longest grace period asked for), then remove
 *     our listener and re-raise the signal, so the default action ends the process exactly as
 *     it would have without us (killed by the signal).
 * A second signal while flushing stops waiting and re-raises at once (when ours is alone).
 */
export const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT'] as const;
export type ShutdownSignal = (typeof SHUTDOWN_SIGNALS)[number];

export interface ShutdownParticipant {
  flush(): Promise<void>;
  graceMs: number;
}

interface ShutdownState {
  participants: Set<ShutdownParticipant>;
  handlers: Map<ShutdownSignal, () => void>;
  flushing: Promise<void> | null;
}

const STATE_KEY = Symbol.for('http-audit-log.shutdown');
const slot = globalThis as unknown as Record<symbol, ShutdownState | undefined>;
const state: ShutdownState = (slot[STATE_KEY] ??= { participants: new Set(), handlers: new Map(), flushing: null });

function othersListen(signal: ShutdownSignal): boolean {
  const ours = state.handlers.get(signal);
  return process.listeners(signal).some((l) => l !== ours);
}

function reraise(signal: ShutdownSignal): void {
  const ours = state.handlers.get(signal);
  if (ours !== undefined) process.off(signal, ours);
  state.handlers.delete(signal);
  // Someone may have added a listener meanwhile: then it is theirs to decide.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function flushAll(): Promise<void> {
  const participants = [...state.participants];
  const grace = Math.max(0, ...participants.map((p) => p.graceMs));
  let timer: NodeJS.Timeout | undefined;
  // Ref'd on purpose: the process must live until the flush ends or the grace period is over.
  const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, grace)));
  const flushed = Promise.allSettled(participants.map((p) => p.flush())).then(() => undefined);
  return Promise.race([flushed, deadline]).finally(() => clearTimeout(timer));
}

function onSignal(signal: ShutdownSignal): void {
  if (state.flushing !== null) {
    if (!othersListen(signal)) reraise(signal);
    return;
  }
  const flushing = flushAll();
  state.flushing = flushing;
  void flushing.then(() => {
    if (state.flushing === flushing) state.flushing = null;
    if (state.handlers.has(signal) && !othersListen(signal)) reraise(signal);
  });
}

/** Adds an instance to the signal-time flush; installs the handlers for the first one. Returns the release. */
export function registerShutdownFlush(participant: ShutdownParticipant): () => void {
  state.participants.add(participant);
  if (state.participants.size === 1) {
    for (const signal of SHUTDOWN_SIGNALS) {
      if (state.handlers.has(signal)) continue;
      const handler = () => onSignal(signal);
      state.handlers.set(signal, handler);
      process.on(signal, handler);
    }
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    state.participants.delete(participant);
    if (state.participants.size > 0) return;
    for (const [signal, handler] of state.handlers) process.off(signal, handler);
    state.handlers.clear();
  };
}

/** How many instances take part (for tests). */
export function shutdownParticipants(): number {
  return state.participants.size;
}
