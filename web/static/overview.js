// The overview (GET /), loaded by app.js through data-page-js. The page is
// complete without it; it keeps the page current without reloading: every
// event of the shared stream (opsdeck.subscribe) schedules one refresh,
// debounced, that fetches the page again and swaps each [data-refresh] whose
// server markup changed (each column's live version, pipelines, health,
// incidents and promotion footer, and the blocks below). Slots keep their
// size (CSS reserves room; lists are capped server-side), so nothing jumps.
// While the tab is hidden, refreshes wait until it is visible again.
// Sets <html data-overview-js="ready"> when listening, and
// data-overview-refreshes="N" after each refresh that swapped something
// (for tests and scripts).
(() => {
  'use strict';

  const kDebounceMs = 250;
  const served = new WeakMap();  // slot element -> the server markup it came from
  let timer = 0;
  let running = null;
  let again = false;
  let refreshes = 0;

  function swap(doc) {
    let swapped = 0;
    for (const fresh of doc.querySelectorAll('[data-refresh]')) {
      const old = document.querySelector(`[data-refresh="${CSS.escape(fresh.dataset.refresh)}"]`);
      if (!old || served.get(old) === fresh.outerHTML) continue;
      const node = document.importNode(fresh, true);
      old.replaceWith(node);
      served.set(node, fresh.outerHTML);
      window.opsdeck.localizeTimes(node);
      swapped += 1;
    }
    // A column's state colour is on the column itself, outside its slots.
    for (const fresh of doc.querySelectorAll('article[data-environment]')) {
      const old = document.querySelector(`article[data-environment="${CSS.escape(fresh.dataset.environment)}"]`);
      if (old && old.className !== fresh.className) {
        old.className = fresh.className;
        old.dataset.envState = fresh.dataset.envState;
      }
    }
    return swapped;
  }

  async function refreshNow() {
    const res = await fetch(location.pathname + location.search, {
      headers: { Accept: 'text/html' }, credentials: 'same-origin', cache: 'no-store',
    });
    if (!res.ok) return;
    const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
    if (swap(doc) > 0) {
      refreshes += 1;
      document.documentElement.dataset.overviewRefreshes = String(refreshes);
    }
  }

  async function refresh() {
    if (running) { again = true; return; }
    running = refreshNow().catch(() => { /* the next event tries again */ });
    await running;
    running = null;
    if (again) { again = false; refresh(); }
  }

  function refreshSoon() {
    if (document.visibilityState === 'hidden') {
      document.addEventListener('visibilitychange', refreshSoon, { once: true });
      return;
    }
    clearTimeout(timer);
    timer = setTimeout(refresh, kDebounceMs);
  }

  if (!window.opsdeck || !document.querySelector('[data-refresh]')) return;
  for (const slot of document.querySelectorAll('[data-refresh]')) served.set(slot, null);
  window.opsdeck.subscribe(['*'], refreshSoon);
  document.documentElement.dataset.overviewJs = 'ready';
})();
