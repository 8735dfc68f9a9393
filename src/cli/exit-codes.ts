/** Exit codes every `sbc` command keeps to, so scripts and CI can rely on them. */
export const EXIT = {
  ok: 0,
  /** The command ran and found a problem (diagnostics, failed tests, a listener that could not bind). */
  failure: 1,
  /** The command line or the config file is wrong; nothing was started. */
  usage: 2,
} as const;
