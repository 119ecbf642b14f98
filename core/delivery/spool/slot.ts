/**
 * Slots: several processes of one app on one host (Node cluster, PM2) share the spool directory,
 * each owning one `slot-NN/` folder, marked by an `owner` file naming its pid and host. A slot
 * whose owner is gone (no such pid on this host) may be taken over: at start as a process's own
 * slot (its segments are replayed), or later by a live process that drains it.
 *
 * Taking over is guarded by `takeover/`, created with mkdir (atomic): of two processes that both
 * see a dead owner, one creates it, re-checks the owner and writes its own (write + rename, so a
 * reader never sees half a file); the other moves on. A guard older than TAKEOVER_STALE_MS (its
 * maker died mid-way) is removed. Setup-time code: synchronous, never on the request path.
 */
import { closeSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const MAX_SLOTS = 64;
const TAKEOVER_STALE_MS = 10_000;

export interface SlotOwner {
  pid: number;
  host: string;
  since: string;
}

export interface HeldSlot {
  dir: string;
  name: string;
}

const slotName = (n: number) => `slot-${String(n).padStart(2, '0')}`;
const me = (): SlotOwner => ({ pid: process.pid, host: hostname(), since: new Date().toISOString() });

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but is not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): SlotOwner | null {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as Partial<SlotOwner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string' ? (owner as SlotOwner) : null;
  } catch {
    return null;
  }
}

/** Whether the slot's owner file names a live process on this host (a file that does not parse names none). */
function ownedByLiveProcess(ownerPath: string): boolean {
  const owner = readOwner(ownerPath);
  return owner !== null && owner.pid !== process.pid && owner.host === hostname() && isAlive(owner.pid);
}

function writeOwnerAtomically(slotDir: string): void {
  const tmp = join(slotDir, `owner.${process.pid}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(me())}\n`);
  renameSync(tmp, join(slotDir, 'owner'));
}

/** Takes `slotDir` if it is free or its owner is dead; false when a live process holds it or another is taking it over. */
function tryTake(slotDir: string): boolean {
  mkdirSync(slotDir, { recursive: true });
  const ownerPath = join(slotDir, 'owner');
  try {
    const fd = openSync(ownerPath, 'wx');
    try {
      writeSync(fd, `${JSON.stringify(me())}\n`);
    } finally {
      closeSync(fd);
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if (ownedByLiveProcess(ownerPath)) return false;
  const guard = join(slotDir, 'takeover');
  try {
    mkdirSync(guard);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    if (Date.now() - statSync(guard).mtimeMs < TAKEOVER_STALE_MS) return false;
    rmSync(guard, { recursive: true, force: true });
    return false; // the next scan tries again
  }
  try {
    if (ownedByLiveProcess(ownerPath)) return false;
    writeOwnerAtomically(slotDir);
    return true;
  } finally {
    rmSync(guard, { recursive: true, force: true });
  }
}

/** This process's own slot: the first free one, or one whose owner is dead (its segments are then replayed). */
export function takeOwnSlot(dir: string): HeldSlot {
  mkdirSync(dir, { recursive: true });
  for (let n = 0; n < MAX_SLOTS; n++) {
    const slotDir = join(dir, slotName(n));
    if (tryTake(slotDir)) return { dir: slotDir, name: slotName(n) };
  }
  throw new Error(`all ${MAX_SLOTS} slots of the spool directory ${dir} are held by live processes`);
}

/** Slots (other than `held`) whose owner is dead and which still hold segments, taken over by this process to drain them. */
export function adoptDeadSlots(dir: string, held: ReadonlySet<string>, hasSegments: (slotDir: string) => boolean): HeldSlot[] {
  const adopted: HeldSlot[] = [];
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => /^slot-\d{2}$/.test(name) && !held.has(name));
  } catch {
    return adopted;
  }
  for (const name of names) {
    const slotDir = join(dir, name);
    if (!hasSegments(slotDir)) continue;
    if (ownedByLiveProcess(join(slotDir, 'owner'))) continue;
    if (tryTake(slotDir)) adopted.push({ dir: slotDir, name });
  }
  return adopted;
}

/** Gives a slot up: its owner file goes, so another process may take it (its segments stay, if any). */
export function releaseSlot(slot: HeldSlot): void {
  const owner = readOwner(join(slot.dir, 'owner'));
  if (owner?.pid === process.pid) rmSync(join(slot.dir, 'owner'), { force: true });
}
