// Which app gets what: method routes (round-robin among the apps that routed a
// verb, as drachtio-server's client-controller does) and ownership of transactions
// and dialogs (an in-dialog request goes to the app owning the dialog, whatever it routed).

/** Verb → connections that routed it, served round-robin. Verbs are lower-case. */
export class RouteTable<C> {
  readonly #byVerb = new Map<string, { members: C[]; next: number }>();

  add(verb: string, conn: C): void {
    const key = verb.toLowerCase();
    let entry = this.#byVerb.get(key);
    if (!entry) {
      entry = { members: [], next: 0 };
      this.#byVerb.set(key, entry);
    }
    if (!entry.members.includes(conn)) entry.members.push(conn);
  }

  /** Removes one verb for one connection (drachtio-server removes all of them: a bug, not a contract). */
  remove(verb: string, conn: C): void {
    const key = verb.toLowerCase();
    const entry = this.#byVerb.get(key);
    if (!entry) return;
    const i = entry.members.indexOf(conn);
    if (i < 0) return;
    entry.members.splice(i, 1);
    if (entry.next > i) entry.next--;
    if (entry.members.length === 0) this.#byVerb.delete(key);
  }

  removeAll(conn: C): void {
    for (const verb of [...this.#byVerb.keys()]) this.remove(verb, conn);
  }

  /** Next connection for the verb, round-robin; undefined when nobody routed it. */
  pick(verb: string): C | undefined {
    const entry = this.#byVerb.get(verb.toLowerCase());
    if (!entry || entry.members.length === 0) return undefined;
    if (entry.next >= entry.members.length) entry.next = 0;
    const conn = entry.members[entry.next];
    entry.next = (entry.next + 1) % entry.members.length;
    return conn;
  }

  verbsOf(conn: C): string[] {
    const out: string[] = [];
    for (const [verb, entry] of this.#byVerb) if (entry.members.includes(conn)) out.push(verb);
    return out;
  }
}

/** A key → connection map that can drop everything a connection owned when it closes. */
export class OwnerMap<C, V = undefined> {
  readonly #entries = new Map<string, { conn: C; value: V }>();

  set(key: string, conn: C, value: V): void {
    this.#entries.set(key, { conn, value });
  }

  get(key: string): { conn: C; value: V } | undefined {
    return this.#entries.get(key);
  }

  delete(key: string): boolean {
    return this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Removes and returns the keys owned by `conn`. */
  dropOwner(conn: C): string[] {
    const dropped: string[] = [];
    for (const [key, entry] of this.#entries) {
      if (entry.conn === conn) {
        this.#entries.delete(key);
        dropped.push(key);
      }
    }
    return dropped;
  }
}
