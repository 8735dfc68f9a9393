/** Log levels the config and `sbc run --log-level` accept (pino's, plus `silent`). Kept light: the CLI reads it before loading the SBC. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
