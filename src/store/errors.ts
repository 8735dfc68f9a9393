/** Store failures the admin API maps to 4xx answers; anything else is a fault of the store. */
export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** Input that passed the schema but breaks a store rule (e.g. a number of an unknown customer). */
export class InvalidError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidError';
  }
}
