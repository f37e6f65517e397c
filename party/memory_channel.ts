/**
 * An in-memory channel pair with the same interface and accounting as the TCP transport, for
 * unit tests and single-process runs. Frames are passed by reference (the sender gave up
 * ownership when it called `send`), so throughput is bounded only by the protocols.
 *
 * @module
 */

import { type Channel, ChannelError, ChannelStats } from "./channel.ts";

class MemoryEnd implements Channel {
  readonly stats: ChannelStats = new ChannelStats();
  peer!: MemoryEnd;
  #inbox: Uint8Array[] = [];
  #inboxHead = 0;
  #waiter: { resolve: (f: Uint8Array) => void; reject: (e: Error) => void } | null = null;
  #closed: string | null = null;

  send(frame: Uint8Array): void {
    if (this.#closed) throw new ChannelError(this.#closed);
    this.stats.recordSend(frame.length);
    this.peer.#deliver(frame);
  }

  flush(): Promise<void> {
    return this.#closed ? Promise.reject(new ChannelError(this.#closed)) : Promise.resolve();
  }

  recv(): Promise<Uint8Array> {
    if (this.#inboxHead < this.#inbox.length) {
      const frame = this.#inbox[this.#inboxHead];
      this.#inbox[this.#inboxHead++] = undefined as unknown as Uint8Array;
      if (this.#inboxHead > 1024 && this.#inboxHead * 2 > this.#inbox.length) {
        this.#inbox = this.#inbox.slice(this.#inboxHead);
        this.#inboxHead = 0;
      }
      this.stats.recordReceive(frame.length);
      return Promise.resolve(frame);
    }
    if (this.#closed) return Promise.reject(new ChannelError(this.#closed));
    if (this.#waiter) return Promise.reject(new ChannelError("concurrent recv on one channel"));
    return new Promise((resolve, reject) => {
      this.#waiter = {
        resolve: (frame) => {
          this.stats.recordReceive(frame.length);
          resolve(frame);
        },
        reject,
      };
    });
  }

  close(): void {
    this.#shutdown("channel closed");
    this.peer.#shutdown("peer closed the channel");
  }

  #deliver(frame: Uint8Array): void {
    if (this.#closed) return;
    const waiter = this.#waiter;
    if (waiter) {
      this.#waiter = null;
      waiter.resolve(frame);
    } else {
      this.#inbox.push(frame);
    }
  }

  #shutdown(reason: string): void {
    if (this.#closed) return;
    this.#closed = reason;
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.reject(new ChannelError(reason));
  }
}

/** Two connected in-memory channel ends: what one sends, the other receives. */
export function memoryChannelPair(): [Channel, Channel] {
  const a = new MemoryEnd();
  const b = new MemoryEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
