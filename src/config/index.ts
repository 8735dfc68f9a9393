export { ConfigError, type ConfigProblem, formatProblem, loadConfig, parseConfigText } from './load.ts';
export { MASK, printableConfig } from './mask.ts';
export { type Config, configSchema, LOG_LEVELS, SECRETS } from './schema.ts';
