/**
 * Network namespaces for the partition test: one namespace per worker behind a veth pair with
 * addresses we create ourselves (10.231.N.1/30 on the host side, 10.231.N.2/30 inside). Needs root
 * and iproute2; `probeNetns()` says why not when they are missing.
 */
import { spawnSync } from 'node:child_process';

export function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.error) throw new Error(`ip ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${r.stderr.trim()}`);
}

/** null when namespaces work here, else the reason they do not. */
export function probeNetns(): string | null {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not root';
  const name = `wpdprobe${process.pid}`;
  try {
    ip('netns', 'add', name);
    ip('netns', 'del', name);
    return null;
  } catch (err) {
    return `ip netns unavailable: ${(err as Error).message}`;
  }
}

export interface NetnsLink {
  ns: string;
  hostIf: string;
  hostAddr: string;
  nsAddr: string;
  cut(): void;
  restore(): void;
  remove(): void;
}

/** Create namespace `ns` linked to the host by a veth pair on 10.231.<subnet>.0/30. */
export function createNetnsLink(subnet: number, tag: string): NetnsLink {
  const ns = `wpd-${tag}`;
  const hostIf = `wpdh${tag}`.slice(0, 15);
  const nsIf = `wpdn${tag}`.slice(0, 15);
  const hostAddr = `10.231.${subnet}.1`;
  const nsAddr = `10.231.${subnet}.2`;
  const link: NetnsLink = {
    ns,
    hostIf,
    hostAddr,
    nsAddr,
    cut: () => ip('link', 'set', hostIf, 'down'),
    restore: () => ip('link', 'set', hostIf, 'up'),
    remove: () => {
      for (const args of [
        ['netns', 'del', ns],
        ['link', 'del', hostIf],
      ]) {
        try {
          ip(...args);
        } catch {
          // already gone
        }
      }
    },
  };
  try {
    ip('netns', 'add', ns);
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
    ip('link', 'set', nsIf, 'netns', ns);
    ip('addr', 'add', `${hostAddr}/30`, 'dev', hostIf);
    ip('link', 'set', hostIf, 'up');
    ip('-n', ns, 'addr', 'add', `${nsAddr}/30`, 'dev', nsIf);
    ip('-n', ns, 'link', 'set', nsIf, 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
  } catch (err) {
    link.remove();
    throw err;
  }
  return link;
}
