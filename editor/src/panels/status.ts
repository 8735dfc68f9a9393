/**
 * Live status: trunk peers with their OPTIONS state, calls in progress, calls per second and
 * rule errors, polled from /metrics every two seconds and drawn with uPlot (the last five minutes).
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Api } from '../api/client.ts';
import { parseMetrics, rates, snapshot, type StatusSnapshot } from '../status/metrics.ts';
import { clear, h } from '../ui/dom.ts';

const POLL_MS = 2000;
const KEEP_POINTS = 150;

export function statusPanel(api: Api, onSnapshot: (s: StatusSnapshot) => void) {
  const numbers = h('div', { class: 'numbers', 'data-testid': 'status-numbers' });
  const chartBox = h('div', { class: 'chart', 'data-testid': 'status-chart' });
  const peers = h('tbody', { 'data-testid': 'status-peers' });
  const error = h('p', { class: 'error' });
  const data: [number[], number[], number[], number[]] = [[], [], [], []];
  let chart: uPlot | undefined;
  let last: StatusSnapshot | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;

  const ensureChart = () => {
    if (chart || chartBox.clientWidth === 0) return;
    chart = new uPlot(
      {
        width: chartBox.clientWidth,
        height: 200,
        series: [
          {},
          { label: 'active calls', stroke: '#2b6cb0', width: 2 },
          { label: 'calls/s', stroke: '#2f855a', width: 2 },
          { label: 'rule errors/s', stroke: '#c53030', width: 2 },
        ],
        axes: [{}, { size: 40 }],
      },
      data,
      chartBox,
    );
  };

  const poll = async () => {
    try {
      const next = snapshot(parseMetrics(await api.metrics()), Date.now());
      const r = rates(last, next);
      last = next;
      data[0].push(next.at / 1000);
      data[1].push(next.activeCalls);
      data[2].push(Math.round(r.cps * 100) / 100);
      data[3].push(Math.round(r.errors * 100) / 100);
      for (const series of data) if (series.length > KEEP_POINTS) series.shift();
      clear(error);
      clear(
        numbers,
        h('div', {}, h('b', { 'data-testid': 'active-calls' }, String(next.activeCalls)), ' active calls'),
        h('div', {}, h('b', {}, r.cps.toFixed(1)), ' calls/s'),
        h('div', {}, h('b', {}, String(next.ruleErrors)), ' rule errors'),
        h('div', {}, 'active version ', h('b', {}, next.activeVersion ? `v${next.activeVersion}` : '—')),
      );
      clear(
        peers,
        next.peers.length === 0
          ? h('tr', {}, h('td', { colspan: 3, class: 'muted' }, 'no trunk with OPTIONS keepalive'))
          : next.peers.map((p) =>
              h(
                'tr',
                {},
                h('td', {}, p.trunk),
                h('td', {}, p.peer),
                h('td', {}, h('span', { class: `state ${p.state}` }, p.state)),
              ),
            ),
      );
      ensureChart();
      chart?.setData(data);
      onSnapshot(next);
    } catch (e) {
      clear(error, `status unavailable: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  const el = h(
    'section',
    { class: 'panel', 'data-testid': 'status-panel' },
    numbers,
    chartBox,
    error,
    h('h3', {}, 'Trunks (OPTIONS keepalive)'),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, h('th', {}, 'Trunk'), h('th', {}, 'Peer'), h('th', {}, 'State'))),
      peers,
    ),
  );
  return {
    el,
    start() {
      if (timer) return;
      void poll();
      timer = setInterval(() => void poll(), POLL_MS);
    },
    shown() {
      ensureChart();
      if (chart && chartBox.clientWidth > 0) chart.setSize({ width: chartBox.clientWidth, height: 200 });
    },
  };
}
