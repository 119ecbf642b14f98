/** Installs every outbound hook; returns one function that removes them all. */
import { installNodeHttpHooks } from './node-http.js';
import { installUndiciHooks } from './undici.js';

export function installOutboundHooks(): () => void {
  const uninstall = [installUndiciHooks(), installNodeHttpHooks()];
  return () => {
    for (const undo of uninstall) undo();
  };
}
