/**
 * The sample SIP messages of examples/messages, bundled into the editor (no request needed, and
 * they work offline): a Zoom INVITE, a Teams INVITE, a carrier INVITE without SDP, 18x, OPTIONS, BYE.
 */
const files = import.meta.glob('../../examples/messages/*.sip', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

export const SAMPLES: { name: string; text: string }[] = Object.entries(files)
  .map(([path, text]) => ({ name: path.replace(/^.*\//, '').replace(/\.sip$/, ''), text }))
  .sort((a, b) => (a.name < b.name ? -1 : 1));

/** Header names that appear in the samples, offered by completion inside `header "…"`. */
export function sampleHeaders(): string[] {
  const names = new Set<string>();
  for (const s of SAMPLES) {
    for (const line of s.text.split(/\r?\n/)) {
      if (line === '') break;
      const m = /^([A-Za-z0-9-]+)\s*:/.exec(line);
      if (m) names.add(m[1]!);
    }
  }
  return [...names];
}
