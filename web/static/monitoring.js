// Monitoring pages, loaded by app.js through data-page-js (after uPlot on a
// target's page). Progressive only: both pages are complete without it.
//  1. /targets/{name}: uptime and latency (p50/p95/p99) charts of the range
//     the page was opened with, from GET <data-series-url>?range=<data-range>
//     ({points: [{at, count, failures, uptime, p50_ms, p95_ms, p99_ms}]}, one
//     per minute or hour with results). The table above has the numbers.
//  2. /incidents/{id}: the Acknowledge and Add note forms (shown to devops and
//     admin only) post JSON to the API through opsdeck.fetch, which adds the
//     CSRF token; on success the page reloads, otherwise the API's message
//     shows in the page's alert box.
(() => {
  'use strict';

  const kChartHeight = 190;

  function cssVar(name, fallback) {
    const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return v || fallback;
  }

  // "#1a7f37" + alpha -> "#1a7f3733"; other colour forms are returned as they are.
  function withAlpha(color, alpha) {
    return /^#[0-9a-f]{6}$/i.test(color) ? color + alpha : color;
  }

  function ms(point, key) {
    const v = point[`${key}_ms`];
    return typeof v === 'number' ? v : null;
  }

  function uptimePercent(point) {
    if (typeof point.uptime === 'number') return point.uptime * 100;
    if (typeof point.count === 'number' && point.count > 0) {
      return ((point.count - (point.failures || 0)) / point.count) * 100;
    }
    return null;
  }

  function axes(unit) {
    const stroke = cssVar('--text-muted', '#59636e');
    const grid = { stroke: cssVar('--border', '#d9dde3'), width: 1 };
    return [
      { stroke, grid, ticks: grid },
      { stroke, grid, ticks: grid, size: 60, values: (u, vals) => vals.map((v) => (v == null ? '' : `${+v.toFixed(2)}${unit}`)) },
    ];
  }

  function plot(figure, opts, data) {
    const el = figure.querySelector('[data-chart-plot]');
    el.textContent = '';
    const chart = new window.uPlot({ ...opts, width: Math.max(el.clientWidth, 280), height: kChartHeight }, data, el);
    if ('ResizeObserver' in window) {
      new ResizeObserver(() => chart.setSize({ width: Math.max(el.clientWidth, 280), height: kChartHeight })).observe(el);
    }
    return chart;
  }

  async function initCharts(root) {
    const status = root.querySelector('[data-chart-status]');
    const say = (text) => { status.textContent = text; status.hidden = !text; };
    if (!window.uPlot) { say('The chart library did not load; the table above has the numbers.'); return; }
    say('Loading charts…');
    let body;
    try {
      const url = `${root.dataset.seriesUrl}?range=${encodeURIComponent(root.dataset.range || '24h')}`;
      const res = await fetch(url, { headers: { Accept: 'application/json' } });
      if (!res.ok) throw new Error(`the series API answered ${res.status}`);
      body = await res.json();
    } catch (err) {
      say(`Charts unavailable: ${err.message}. The table above has the numbers.`);
      return;
    }
    const points = (body.points || [])
      .map((p) => ({ ...p, t: Date.parse(p.at) / 1000 }))
      .filter((p) => Number.isFinite(p.t));
    if (points.length === 0) { say('No results in this range yet.'); return; }
    say('');
    const xs = points.map((p) => p.t);
    // The whole chosen range on the time axis (uPlot would stretch a single
    // point over years otherwise).
    const spans = { '24h': 86400, '7d': 7 * 86400, '30d': 30 * 86400 };
    const end = Math.max(Date.now() / 1000, xs[xs.length - 1]);
    const x = { time: true, range: [end - (spans[root.dataset.range] || spans['24h']), end] };
    const up = cssVar('--up', '#1a7f37');
    const uptime = points.map(uptimePercent);
    const low = Math.min(...uptime.filter((v) => v != null), 100);
    plot(root.querySelector('[data-chart="uptime"]'), {
      scales: { x, y: { range: [Math.max(0, Math.floor(low) - 1), 100] } },
      axes: axes('%'),
      series: [{}, { label: 'Uptime', stroke: up, fill: withAlpha(up, '29'), width: 1.5, value: (u, v) => (v == null ? '—' : `${v.toFixed(2)}%`) }],
    }, [xs, uptime]);
    const line = (label, color) => ({ label, stroke: color, width: 1.5, value: (u, v) => (v == null ? '—' : `${v.toFixed(1)} ms`) });
    plot(root.querySelector('[data-chart="latency"]'), {
      scales: { x, y: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: axes(' ms'),
      series: [{}, line('p50', cssVar('--accent', '#2457d6')), line('p95', cssVar('--degraded', '#9a6700')),
        line('p99', cssVar('--down', '#cf222e'))],
    }, [xs, points.map((p) => ms(p, 'p50')), points.map((p) => ms(p, 'p95')), points.map((p) => ms(p, 'p99'))]);
  }

  function initIncidentActions(root) {
    const box = document.querySelector('[data-action-error]');
    const text = document.querySelector('[data-action-error-text]');
    const fail = (message) => { text.textContent = message; box.hidden = false; };
    root.hidden = false;
    for (const form of root.querySelectorAll('form[data-incident-action]')) {
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        const button = form.querySelector('button[type="submit"]');
        button.disabled = true;
        box.hidden = true;
        const body = form.dataset.incidentAction === 'note' ? { text: form.elements.text.value } : {};
        try {
          const res = await window.opsdeck.fetch(form.action, {
            method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body),
          });
          if (res.ok) { location.reload(); return; }
          let message = `The server answered ${res.status}.`;
          try {
            const answer = await res.json();
            if (answer && answer.error && answer.error.message) message = answer.error.message;
          } catch { /* not JSON: keep the status */ }
          fail(message);
        } catch (err) {
          fail(`Could not reach the server: ${err.message}`);
        }
        button.disabled = false;
      });
    }
  }

  const charts = document.querySelector('[data-charts]');
  if (charts) initCharts(charts);
  const actions = document.querySelector('[data-incident-actions]');
  if (actions && window.opsdeck) initIncidentActions(actions);
})();
