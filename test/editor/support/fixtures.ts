/** Rule files with known mistakes, shared by the checker test and the browser test. */
export const BROKEN_FILES: Record<string, string> = {
  'main.rules': `ruleset broken
import "trunks.rules"

counter unused_counter

on request INVITE from zoom {
  set ruri.user = header["X-Called"]
  log from.usr
  route cor
}

on request BYE {
  reject 200 "not a failure"
  log "never"
}
`,
  'trunks.rules': `trunk zoom {
  peers ["162.12.233.59:5061"]
  transport tsl
}

trunk core {
  peers ["10.0.0.10:5060"]
}
`,
  'standalone.rules': `ruleset alone
on request OPTIONS {
  set header "Via" = "x"
  reply 200
}
`,
};
