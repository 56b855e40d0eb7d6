// Release pages (/releases, /releases/{id}, /windows, /rollbacks), loaded by
// app.js through data-page-js. Every page is complete without it; it adds:
//  1. Actions: the forms marked data-js-only (tick, untick with a reason,
//     state changes, New release, Book, Accept/Decline, Override, Start
//     rollback) post JSON to the API through opsdeck.fetch (which adds the
//     CSRF token). On success the page's [data-fragment] parts are fetched
//     again and swapped in place, without a reload; otherwise the API's
//     message shows in the page's alert box.
//  2. Live updates: app.js's shared stream (opsdeck.subscribe) delivers the
//     named events release.updated, window.updated, rollback.updated (resync
//     and dropped mean "reload what you show"); they refresh the fragments
//     the same way.
//  3. The windows calendar laid out again in the viewer's time zone, times
//     in blocks as hh:mm, window choices in the viewer's zone.
//  4. The rollback form's deployments, from GET /api/v1/deployments.
// When ready it sets <html data-releases-js="ready"> (for tests and scripts).
(() => {
  'use strict';

  const kRefreshDelayMs = 150;
  const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
  const shortTime = new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  const dayLabel = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
  const bound = new WeakSet();

  // ---- errors and requests ----
  function errorBox() {
    return { box: document.querySelector('[data-action-error]'), text: document.querySelector('[data-action-error-text]') };
  }
  function fail(message) {
    const { box, text } = errorBox();
    if (!box) return;
    text.textContent = message;
    box.hidden = false;
    box.scrollIntoView({ block: 'nearest' });
  }
  function clearError() {
    const { box } = errorBox();
    if (box) box.hidden = true;
  }

  // POSTs `body` as JSON; resolves the answer's JSON ({} when none), or null
  // after showing why it failed.
  async function post(url, body) {
    clearError();
    try {
      const res = await window.opsdeck.fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(body),
      });
      let answer = {};
      try { answer = await res.json(); } catch { /* no JSON body */ }
      if (res.ok) return answer || {};
      fail((answer && answer.error && answer.error.message) || `The server answered ${res.status}.`);
    } catch (err) {
      fail(`Could not reach the server: ${err.message}`);
    }
    return null;
  }

  // Runs `send(event)` for each submit of `form`, its buttons disabled meanwhile.
  function onSubmit(form, send) {
    if (bound.has(form)) return;
    bound.add(form);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!form.reportValidity()) return;
      const buttons = [...form.querySelectorAll('button')];
      const was = buttons.map((b) => b.disabled);
      buttons.forEach((b) => { b.disabled = true; });
      try {
        await send(event);
      } finally {
        buttons.forEach((b, i) => { if (b.isConnected) b.disabled = was[i]; });
      }
    });
  }

  // ---- fragments: fetched again and swapped in place ----
  let pending = null;
  let again = false;
  let againForced = false;
  let timer = 0;

  function typingIn(el) {
    const a = document.activeElement;
    return a && el.contains(a) && /^(INPUT|TEXTAREA|SELECT)$/.test(a.tagName) && a.type !== 'submit';
  }

  // `forced` after the reader's own action: what they typed has been sent.
  async function refreshNow(forced) {
    const res = await fetch(location.href, { headers: { Accept: 'text/html' }, credentials: 'same-origin' });
    if (!res.ok) return;
    const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
    for (const fresh of doc.querySelectorAll('[data-fragment]')) {
      const old = document.querySelector(`[data-fragment="${CSS.escape(fresh.dataset.fragment)}"]`);
      if (!old) continue;
      // Never take a half-typed reason away: try again once focus leaves.
      if (!forced && typingIn(old)) {
        old.addEventListener('focusout', () => refreshSoon(), { once: true });
        continue;
      }
      const node = document.importNode(fresh, true);
      old.replaceWith(node);
      enhance(node);
    }
  }

  async function refresh(forced = false) {
    if (pending) {
      again = true;
      againForced = againForced || forced;
      return pending;
    }
    pending = refreshNow(forced).catch(() => { /* the next event or action tries again */ });
    await pending;
    pending = null;
    if (again) {
      const force = againForced;
      again = false;
      againForced = false;
      return refresh(force);
    }
    return undefined;
  }

  function refreshSoon() {
    clearTimeout(timer);
    timer = setTimeout(() => refresh(), kRefreshDelayMs);
  }

  // Through app.js's one shared stream connection (opsdeck.subscribe).
  function listen(kinds, wanted) {
    window.opsdeck.subscribe([...kinds, 'resync', 'dropped'], ({ type, data }) => {
      if (type === 'resync' || type === 'dropped' || wanted(type, data)) refreshSoon();
    });
  }

  // ---- release page and list ----
  function bindReleaseActions(root) {
    for (const form of root.querySelectorAll('form[data-release-action]')) {
      onSubmit(form, async () => {
        const kind = form.dataset.releaseAction;
        const reason = form.elements.reason ? form.elements.reason.value.trim() : '';
        const body = kind === 'tick' ? {} : kind === 'untick' ? { reason } : { state: form.dataset.state, reason };
        if (await post(form.action, body)) await refresh(true);
      });
    }
  }

  function bindCreate(form) {
    onSubmit(form, async () => {
      const body = {
        version: form.elements.version.value.trim(),
        template: form.elements.template.value,
        environments: [...form.querySelectorAll('input[name="environments"]:checked')].map((c) => c.value),
      };
      if (body.environments.length === 0) { fail('Choose at least one environment.'); return; }
      const choice = form.elements.window.value;
      if (choice) {
        const bar = choice.indexOf('|');
        body.window_start = choice.slice(0, bar);
        body.window = choice.slice(bar + 1);
      }
      const created = await post(form.action, body);
      if (!created) return;
      if (created.id) location.assign(`/releases/${encodeURIComponent(created.id)}`);
      else await refresh(true);
    });
    for (const option of form.querySelectorAll('option[data-start]')) {
      const start = new Date(option.dataset.start);
      const end = new Date(option.dataset.end);
      if (Number.isNaN(start.getTime())) continue;
      option.textContent = `${option.dataset.windowName} · ${shortTime.format(start)}–${clock.format(end)}`;
    }
  }

  // ---- windows ----
  function localDay(date) {
    const pad = (n) => String(n).padStart(2, '0');
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  }

  // The same 4 x 7 cells, now the viewer's days from this week's Monday; each
  // occurrence gets a block in every local day it overlaps.
  function layoutCalendar(root) {
    const cells = [...root.querySelectorAll('[data-day-index]')];
    const protos = new Map();
    for (const block of root.querySelectorAll('[data-occurrence]')) {
      if (!protos.has(block.dataset.occurrence)) protos.set(block.dataset.occurrence, block);
    }
    const blocks = [...protos.values()].sort((a, b) => Date.parse(a.dataset.start) - Date.parse(b.dataset.start));
    const now = new Date();
    const first = new Date(now.getFullYear(), now.getMonth(), now.getDate() - ((now.getDay() + 6) % 7));
    cells.forEach((cell, i) => {
      const start = new Date(first.getFullYear(), first.getMonth(), first.getDate() + i);
      const end = new Date(first.getFullYear(), first.getMonth(), first.getDate() + i + 1);
      cell.dataset.day = localDay(start);
      cell.querySelector('[data-day-label]').textContent = dayLabel.format(start);
      const today = now >= start && now < end;
      cell.classList.toggle('is-today', today);
      cell.classList.toggle('is-past', end <= now);
      if (today) cell.setAttribute('aria-current', 'date'); else cell.removeAttribute('aria-current');
      const holder = cell.querySelector('[data-day-blocks]');
      const inside = blocks.filter((b) => new Date(b.dataset.start) < end && new Date(b.dataset.end) > start)
        .map((b) => {
          const copy = b.cloneNode(true);
          copy.classList.toggle('is-continued', new Date(b.dataset.start) < start);
          return copy;
        });
      holder.replaceChildren(...inside);
    });
    const spare = root.querySelector('[data-calendar-spare]');
    if (spare) spare.replaceChildren();
    const zone = document.querySelector('[data-calendar-zone]');
    const name = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && name) zone.textContent = `your time zone (${name})`;
  }

  function bindWindowActions(root) {
    for (const form of root.querySelectorAll('form[data-window-action]')) {
      const kind = form.dataset.windowAction;
      if (kind === 'confirm' && form.elements.note) {
        // Enter in the note must not pick Accept for someone who meant Decline.
        form.elements.note.addEventListener('keydown', (e) => { if (e.key === 'Enter') e.preventDefault(); });
      }
      onSubmit(form, async (event) => {
        const start = form.dataset.start;
        let body;
        if (kind === 'book') body = { start, release: Number(form.elements.release.value) };
        else if (kind === 'override') body = { start, reason: form.elements.reason.value.trim() };
        else {
          body = {
            start, release: Number(form.dataset.release),
            accept: !(event.submitter && event.submitter.value === 'decline'), note: form.elements.note.value.trim(),
          };
        }
        if (await post(form.action, body)) await refresh(true);
      });
    }
  }

  // ---- rollbacks ----
  async function loadDeployments(form) {
    const env = form.elements.environment.value;
    const select = form.elements.deployment;
    const status = form.querySelector('[data-deployments-status]');
    select.replaceChildren(new Option(env ? 'Loading…' : 'Choose an environment first', ''));
    select.disabled = true;
    status.textContent = '';
    if (!env) return;
    try {
      const res = await fetch(`/api/v1/deployments?environment=${encodeURIComponent(env)}&limit=50`, { headers: { Accept: 'application/json' } });
      if (!res.ok) throw new Error(`the API answered ${res.status}`);
      const items = (await res.json()).items || [];
      const options = items.map((d, i) => {
        const label = d.version || (d.commit || '').slice(0, 7) || `deployment ${d.id}`;
        const when = d.deployed_at ? shortTime.format(new Date(d.deployed_at)) : '';
        const option = new Option(`${label} · ${d.pipeline} · ${when}${i === 0 ? ' (live now)' : ''}`, String(d.id));
        option.disabled = i === 0; // the live one is what a rollback moves away from
        return option;
      });
      if (options.length < 2) {
        status.textContent = `No previous deployment of ${env} is recorded.`;
        select.replaceChildren(new Option('No previous deployment', ''), ...options);
        return;
      }
      select.replaceChildren(...options);
      select.value = options[1].value;
      select.disabled = false;
    } catch (err) {
      status.textContent = `Deployments unavailable: ${err.message}.`;
    }
  }

  function bindRollbackForm(form) {
    form.hidden = false;
    form.elements.environment.addEventListener('change', () => loadDeployments(form));
    if (form.elements.environment.value) loadDeployments(form);
    onSubmit(form, async () => {
      const body = { environment: form.elements.environment.value, deployment: Number(form.elements.deployment.value) };
      if (form.elements.release.value) body.release = Number(form.elements.release.value);
      const started = await post(form.action, body);
      if (!started) return;
      form.querySelector('[data-form-status]').textContent = `Rollback #${started.id ?? ''} started.`;
      await refresh(true);
    });
  }

  // ---- everything a fresh fragment needs ----
  function enhance(root) {
    for (const el of root.querySelectorAll('[data-js-only]')) el.hidden = false;
    if (window.opsdeck) window.opsdeck.localizeTimes(root);
    for (const el of root.querySelectorAll('time[data-clock]')) {
      const date = new Date(el.getAttribute('datetime'));
      if (!Number.isNaN(date.getTime())) el.textContent = clock.format(date);
    }
    const calendar = root.querySelector('[data-calendar]');
    if (calendar) layoutCalendar(calendar);
    bindReleaseActions(root);
    bindWindowActions(root);
  }

  if (!window.opsdeck) return;
  enhance(document);
  const create = document.querySelector('form[data-release-create]');
  if (create) { create.hidden = false; bindCreate(create); }
  const rollback = document.querySelector('form[data-rollback-form]');
  if (rollback) bindRollbackForm(rollback);

  const release = document.querySelector('[data-release-page]');
  if (release) {
    const id = Number(release.dataset.releasePage);
    listen(['release.updated', 'window.updated', 'rollback.updated'],
      (kind, data) => kind !== 'release.updated' || data.id === undefined || Number(data.id) === id);
  } else if (document.querySelector('[data-fragment="releases"]')) {
    listen(['release.updated'], () => true);
  } else if (document.querySelector('[data-calendar]')) {
    listen(['window.updated', 'release.updated'], () => true);
  } else if (document.querySelector('[data-fragment="rollbacks"]')) {
    listen(['rollback.updated'], () => true);
  }
  document.documentElement.dataset.releasesJs = 'ready';
})();
