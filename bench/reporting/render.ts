// Vega-Lite specs to SVG text, offline: vega-lite compiles a spec to Vega, and a headless Vega
// view (renderer 'none') renders it with view.toSVG(). No browser, no canvas, no network.

import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export type ChartSpec = TopLevelSpec;

const CONFIG = {
  font: 'sans-serif',
  title: { anchor: 'start', fontSize: 14, subtitleFontSize: 11, subtitleColor: '#444', offset: 12 },
  legend: { orient: 'bottom', direction: 'vertical', labelLimit: 600, titleLimit: 600 },
  axis: { labelFontSize: 11, titleFontSize: 11 },
} as const;

export async function renderSvg(spec: ChartSpec): Promise<string> {
  const full = { ...spec, config: { ...CONFIG, ...(spec.config ?? {}) } } as ChartSpec;
  const view = new View(parse(compile(full).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
