/**
 * The durable stores behind the admin API, as narrow interfaces. The embedded default is SQLite
 * (src/store/sqlite/); several SBC nodes share the PostgreSQL implementation of the same
 * interfaces (src/store/postgres/, DESIGN.md "Scale-out"). Methods are async so a networked store fits; the one
 * synchronous path is `ProvisioningLookup`, which rules call per message and must not block on I/O.
 */

/** The files of a rule set: relative path → text. */
export type RuleFiles = Record<string, string>;

export interface RuleVersionSummary {
  /** 1, 2, 3…: assigned by the store, never reused. */
  version: number;
  author: string;
  message: string;
  /** ISO 8601, UTC. */
  created_at: string;
  /** `sha256:` + hex over the entry and every file (see contentHash). */
  hash: string;
  /** The file compilation starts from. */
  entry: string;
}

/** A stored version. Immutable: nothing updates or deletes one. */
export interface RuleVersion extends RuleVersionSummary {
  files: RuleFiles;
}

export interface NewRuleVersion {
  author: string;
  message: string;
  entry: string;
  files: RuleFiles;
}

export type ActivationKind = 'activate' | 'rollback';

export interface Activation {
  id: number;
  version: number;
  /** The version that was active before, if any. */
  previous: number | null;
  kind: ActivationKind;
  actor: string;
  at: string;
}

export interface RuleStore {
  addVersion(input: NewRuleVersion): Promise<RuleVersion>;
  listVersions(): Promise<RuleVersionSummary[]>;
  getVersion(version: number): Promise<RuleVersion | undefined>;
  /**
   * Moves the active pointer to `version` and records the activation, in one transaction:
   * after a crash the pointer is either the old or the new version, never in between.
   * Throws NotFoundError when the version does not exist.
   */
  activate(version: number, actor: string, kind: ActivationKind): Promise<Activation>;
  /** The activation that set the current pointer, or undefined when nothing was ever activated. */
  active(): Promise<Activation | undefined>;
  /** Newest first. */
  activations(limit: number): Promise<Activation[]>;
}

/** The four calling services a number can be enabled for (seeds: Zoom, Teams programs). */
export const SERVICES = ['zoom', 'teams_direct_routing', 'operator_connect', 'teams_phone_mobile'] as const;
export type Service = (typeof SERVICES)[number];
export type ServiceFlags = Record<Service, boolean>;

/** Microsoft Teams Direct Routing identity of a customer's tenant (seed 001, multitenant model). */
export interface DirectRouting {
  /** The Microsoft tenant ID (a GUID). */
  tenant_id?: string;
  /** The customer's subdomain of the carrier's SBC domain, e.g. `contoso.sbc.example.com`. */
  domain?: string;
}

export interface CustomerInput {
  /** Short stable key: letters, digits, `_` and `-`; rules look tenants up by it. */
  id: string;
  name: string;
  direct_routing?: DirectRouting;
  /** Caller-ID screening is on for every customer unless opted out (seed 001). */
  screening_opt_out?: boolean;
}

export interface Customer extends Required<Omit<CustomerInput, 'direct_routing'>> {
  direct_routing: DirectRouting;
  created_at: string;
  updated_at: string;
}

export type CustomerPatch = Partial<Omit<CustomerInput, 'id'>>;

export interface NumberInput {
  /** E.164 with the leading `+`. */
  number: string;
  customer: string;
  services?: Partial<ServiceFlags>;
  /** Value the rules may put into a per-customer header (e.g. X-Customer). */
  custom_header?: string | null;
}

export interface PhoneNumber {
  number: string;
  customer: string;
  services: ServiceFlags;
  custom_header: string | null;
  created_at: string;
  updated_at: string;
}

export type NumberPatch = Partial<Omit<NumberInput, 'number'>>;

export interface NumberQuery {
  customer?: string;
  /** Numbers sorting after this one (keyset pagination). */
  after?: string;
  limit: number;
}

export interface ProvisioningStore {
  listCustomers(): Promise<Customer[]>;
  getCustomer(id: string): Promise<Customer | undefined>;
  /** Throws ConflictError when the id is taken. */
  createCustomer(input: CustomerInput): Promise<Customer>;
  updateCustomer(id: string, patch: CustomerPatch): Promise<Customer>;
  /** Throws ConflictError while numbers are still assigned to the customer. */
  deleteCustomer(id: string): Promise<void>;

  listNumbers(query: NumberQuery): Promise<PhoneNumber[]>;
  getNumber(number: string): Promise<PhoneNumber | undefined>;
  createNumber(input: NumberInput): Promise<PhoneNumber>;
  updateNumber(number: string, patch: NumberPatch): Promise<PhoneNumber>;
  deleteNumber(number: string): Promise<void>;
  /** Creates or replaces every row in one transaction: all are stored or none. */
  upsertNumbers(rows: NumberInput[]): Promise<{ created: number; updated: number }>;
}

/**
 * What rules read (the runtime's TableSource shape): `numbers` keyed by E.164 and `tenants` keyed
 * by customer id. Synchronous: SQLite reads its file (uncached), a PostgreSQL node its in-memory
 * replica kept current by notifications; either way a change is seen by the next lookup on the
 * node that made it, and by other nodes once the notification has arrived.
 */
export interface ProvisioningLookup {
  get(table: string, key: string): Record<string, unknown> | undefined;
}

export type TokenRole = 'viewer' | 'operator' | 'admin';

export interface TokenRecord {
  id: string;
  name: string;
  role: TokenRole;
  created_at: string;
  created_by: string;
}

/** Admin API tokens. Only SHA-256 hashes of the secrets are stored. */
export interface TokenStore {
  create(record: TokenRecord, secretHash: string): Promise<void>;
  findByHash(secretHash: string): Promise<TokenRecord | undefined>;
  list(): Promise<TokenRecord[]>;
  /** Throws NotFoundError. */
  remove(id: string): Promise<void>;
}

export interface Stores {
  rules: RuleStore;
  provisioning: ProvisioningStore;
  lookup: ProvisioningLookup;
  tokens: TokenStore;
  /** True while the stores can serve requests (readiness). */
  healthy(): boolean;
  /**
   * Shared stores only (several nodes): calls `listener` whenever the active pointer may have
   * moved, on this node or another, and after a reconnect (when a move may have been missed).
   * The listener reads `rules.active()` itself. Returns the function that unsubscribes.
   */
  onActivation?(listener: () => void): () => void;
  close(): void;
}
