// opsdeck UI enhancements. Progressive only: every page is complete without
// this file. Loaded with `defer` from /static/ (the CSP allows no inline script).
//  1. <time datetime="…Z"> shows the viewer's local time; the UTC time moves to
//     the tooltip. data-format="relative" shows "5 min ago"; "short", "time".
//  2. Live updates: one EventSource per page, shared by every script. The
//     stream names each event (`event: run.updated`), and EventSource hands
//     named events only to listeners of that name, so every known type is
//     listened to and re-dispatched as the DOM event `opsdeck:event` with
//     detail {type, data (parsed JSON, {} when not JSON), id}. It opens at
//     load when <body data-stream="URL"> is set, or on the first
//     opsdeck.subscribe(types, fn) (a page script's way in; "*" is every
//     type). When the stream answers an error (404, 503) nothing happens.
//  3. opsdeck.fetch(url, opts): fetch() that sends the session's CSRF token
//     (<meta name="csrf-token">) as X-CSRF-Token on same-origin requests other
//     than GET/HEAD. Page scripts use it for every mutation.
//  4. Page assets: an element with data-page-js="URL ..." (data-page-css for
//     stylesheets) loads those /static/ files once each, scripts in order, so
//     a page gets its own script (and uPlot) without a <script> in its markup.
(() => {
  'use strict';

  const absolute = new Intl.DateTimeFormat(undefined, {
    year: 'numeric', month: 'short', day: 'numeric',
    hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short',
  });
  const hm = { hour: '2-digit', minute: '2-digit' };
  const dtf = (o) => new Intl.DateTimeFormat(undefined, o);
  const formats = {
    relative: { format: ago }, short: dtf({ month: 'short', day: 'numeric', ...hm }), time: dtf({ ...hm, second: '2-digit' }),
  };
  const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  const steps = [[60, 'second'], [60, 'minute'], [24, 'hour'], [7, 'day'], [4.35, 'week'], [12, 'month'], [Infinity, 'year']];

  function ago(date) {
    let delta = (date.getTime() - Date.now()) / 1000;
    for (const [size, unit] of steps) {
      if (Math.abs(delta) < size) return relative.format(Math.round(delta), unit);
      delta /= size;
    }
    return '';
  }

  function utcText(date) {
    return date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  }

  function localizeTimes(root) {
    for (const el of (root || document).querySelectorAll('time[datetime]')) {
      const date = new Date(el.getAttribute('datetime'));
      if (Number.isNaN(date.getTime())) continue;
      el.textContent = (formats[el.dataset.format] || absolute).format(date);
      el.title = utcText(date);
    }
  }

  // Every type /api/v1/stream sends (src/net/event_bus.h publishers and the
  // stream's own resync/dropped, which mean "reload what you show").
  const kEventTypes = [
    'target.state', 'incident.updated', 'incident.note', 'maintenance.updated',
    'release.updated', 'window.updated', 'rollback.updated', 'docs.audit',
    'run.updated', 'deployment.recorded', 'resync', 'dropped',
  ];
  const kDefaultStream = '/api/v1/stream';
  let source = null;

  function dispatch(event) {
    let data = {};
    try { data = JSON.parse(event.data); } catch { /* not JSON: listeners still hear of it */ }
    const detail = { type: event.type, data, id: event.lastEventId || '' };
    document.dispatchEvent(new CustomEvent('opsdeck:event', { detail }));
  }

  function connectStream(url) {
    if (source || !url || !('EventSource' in window)) return;
    const indicator = document.querySelector('[data-live]');
    source = new EventSource(url);
    source.onopen = () => {
      if (indicator) indicator.hidden = false;
      document.documentElement.dataset.stream = 'open';
    };
    source.onmessage = dispatch;  // unnamed events, type "message"
    for (const type of kEventTypes) source.addEventListener(type, dispatch);
    source.onerror = () => {
      if (indicator) indicator.hidden = true;
      // CLOSED means the server refused the stream (404, wrong type): give up
      // quietly. Otherwise EventSource reconnects by itself.
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        document.documentElement.dataset.stream = 'closed';
      }
    };
    window.addEventListener('pagehide', () => source.close());
  }

  // fn(detail) for each event whose type is in `types` ("*": any).
  function subscribe(types, fn) {
    const wanted = new Set(types);
    document.addEventListener('opsdeck:event', (e) => {
      if (wanted.has('*') || wanted.has(e.detail.type)) fn(e.detail);
    });
    connectStream(document.body.dataset.stream || kDefaultStream);
  }

  // Never sent to another origin, nor on reads (they must not need it).
  function fetchWithCsrf(url, opts = {}) {
    const method = (opts.method || (url instanceof Request ? url.method : 'GET')).toUpperCase();
    const target = new URL(url instanceof Request ? url.url : url, location.href);
    const meta = document.querySelector('meta[name="csrf-token"]');
    if (method === 'GET' || method === 'HEAD' || !meta || target.origin !== location.origin) {
      return fetch(url, opts);
    }
    const headers = new Headers(opts.headers || (url instanceof Request ? url.headers : undefined));
    headers.set('X-CSRF-Token', meta.content);
    return fetch(url, { credentials: 'same-origin', ...opts, headers });
  }

  function loadPageAssets() {
    const loaded = new Set();
    const urls = (el, name) => (el.getAttribute(name) || '').split(/\s+/)
      .filter((u) => u.startsWith('/static/') && !loaded.has(u) && loaded.add(u));
    for (const el of document.querySelectorAll('[data-page-css]')) {
      for (const href of urls(el, 'data-page-css')) {
        document.head.append(Object.assign(document.createElement('link'), { rel: 'stylesheet', href }));
      }
    }
    for (const el of document.querySelectorAll('[data-page-js]')) {
      for (const src of urls(el, 'data-page-js')) {
        // async = false: dynamically added scripts then run in insertion order.
        document.head.append(Object.assign(document.createElement('script'), { src, async: false }));
      }
    }
  }

  // For page scripts: localizeTimes after inserting fresh markup, fetch for
  // requests that change something, subscribe for live updates.
  window.opsdeck = Object.freeze({ localizeTimes, fetch: fetchWithCsrf, subscribe });

  localizeTimes(document);
  connectStream(document.body.dataset.stream);
  loadPageAssets();
  // Relative times drift; refresh them once a minute.
  if (document.querySelector('time[data-format="relative"]')) {
    setInterval(() => localizeTimes(document), 60000);
  }
})();
