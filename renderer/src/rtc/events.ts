// A tiny typed event emitter: rtc/ reports what happened; listeners run synchronously, in the order they subscribed.
type Listeners<E extends { [K in keyof E]: unknown[] }> = { [K in keyof E]?: Array<(...args: E[K]) => void> };

export class Emitter<E extends { [K in keyof E]: unknown[] }> {
  private readonly listeners: Listeners<E> = {};

  /** Subscribes; the returned function unsubscribes. */
  on<K extends keyof E>(event: K, listener: (...args: E[K]) => void): () => void {
    const list = (this.listeners[event] ??= []);
    list.push(listener);
    return () => {
      const at = list.indexOf(listener);
      if (at >= 0) list.splice(at, 1);
    };
  }

  emit<K extends keyof E>(event: K, ...args: E[K]): void {
    for (const listener of [...(this.listeners[event] ?? [])]) listener(...args);
  }
}
