/** Typed events a running coordinator emits (for the in-process `run` command and logs). */
import { EventEmitter } from 'node:events';

export interface CoordinatorEvents {
  progress: {
    workerId: string;
    trialKey: string;
    phase: string;
    done: number;
    total: number;
    values?: Record<string, number>;
  };
  finished: { workerId: string; trialKey: string; status: 'done' | 'failed' | 'requeued' | 'cancelled' };
  worker: { workerId: string; state: 'registered' | 'draining' | 'gone' };
  /** another coordinator took this one's database over: it stops serving */
  lost: { reason: string };
  /** an artifact file was stored (duplicate: the same trial, name and sha256 were stored before) */
  artifact: {
    workerId: string;
    trialKey: string;
    name: string;
    kind: string;
    sha256: string;
    size: number;
    duplicate: boolean;
  };
}

export type CoordinatorEventName = keyof CoordinatorEvents;

/** EventEmitter with the event names and payloads above checked at compile time. */
export class CoordinatorEventEmitter {
  private readonly ee = new EventEmitter();

  on<K extends CoordinatorEventName>(name: K, fn: (e: CoordinatorEvents[K]) => void): this {
    this.ee.on(name, fn);
    return this;
  }

  off<K extends CoordinatorEventName>(name: K, fn: (e: CoordinatorEvents[K]) => void): this {
    this.ee.off(name, fn);
    return this;
  }

  once<K extends CoordinatorEventName>(name: K, fn: (e: CoordinatorEvents[K]) => void): this {
    this.ee.once(name, fn);
    return this;
  }

  emit<K extends CoordinatorEventName>(name: K, e: CoordinatorEvents[K]): void {
    this.ee.emit(name, e);
  }

  removeAllListeners(): void {
    this.ee.removeAllListeners();
  }
}
