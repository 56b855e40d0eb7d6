// The documentation audit page (/docs-audit), loaded by app.js through
// data-page-js. The page is complete without it; it adds the actions for
// devops and admins, each through opsdeck.fetch (which adds the CSRF token):
//  1. Run now: POST /api/v1/docs-audit/run?wait=true, then reload.
//  2. Upload AWS export: the chosen file's text to
//     POST /api/v1/docs-audit/aws-exports?name=FILE; Delete beside each.
//  3. File tickets: a dry run first (POST .../tickets {"dry_run": true})
//     lists what would be filed; "File these tickets" files them
//     ({"dry_run": false}) and shows the result, then reloads.
// Live updates: a `docs.audit` event (a run finished, tickets filed) reloads
// the page unless an action is open. Errors show the API's message in the
// page's alert box. When ready it sets <html data-docs-audit-js="ready">.
(() => {
  'use strict';

  let busy = false;

  function fail(message) {
    const box = document.querySelector('[data-docs-error]');
    const text = document.querySelector('[data-docs-error-text]');
    if (!box || !text) return;
    text.textContent = message;
    box.hidden = false;
    box.scrollIntoView({ block: 'nearest' });
  }
  function clearError() {
    const box = document.querySelector('[data-docs-error]');
    if (box) box.hidden = true;
  }

  // Sends a request; resolves {ok, status, body} or null after showing why
  // it failed. A 502 from filing carries a report too: the caller shows both.
  async function send(url, options) {
    clearError();
    try {
      const res = await window.opsdeck.fetch(url, {
        ...options,
        headers: { Accept: 'application/json', ...(options.headers || {}) },
      });
      let body = {};
      try { body = await res.json(); } catch { /* no JSON body (204) */ }
      if (!res.ok) fail((body && body.error && body.error.message) || `The server answered ${res.status}.`);
      return { ok: res.ok, status: res.status, body: body || {} };
    } catch (err) {
      fail(`Could not reach the server: ${err.message}`);
      return null;
    }
  }

  // Runs `fn` with `button` disabled and the page marked busy.
  async function withBusy(button, fn) {
    if (busy) return;
    busy = true;
    if (button) button.disabled = true;
    try { await fn(); } finally {
      busy = false;
      if (button) button.disabled = false;
    }
  }

  function reload() { location.reload(); }

  // ---- Run now ----
  const run = document.querySelector('[data-docs-run]');
  if (run) {
    run.addEventListener('click', () => withBusy(run, async () => {
      run.textContent = 'Running…';
      const answer = await send('/api/v1/docs-audit/run?wait=true', { method: 'POST' });
      run.textContent = 'Run now';
      if (answer && answer.ok) reload();
    }));
  }

  // ---- AWS exports ----
  const upload = document.querySelector('[data-docs-upload]');
  if (upload) {
    upload.addEventListener('submit', (event) => {
      event.preventDefault();
      const input = upload.querySelector('input[type=file]');
      const file = input && input.files && input.files[0];
      if (!file) { fail('Choose the JSON file the aws CLI printed.'); return; }
      withBusy(upload.querySelector('button'), async () => {
        const text = await file.text();
        const name = file.name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '') || 'export.json';
        const answer = await send(`/api/v1/docs-audit/aws-exports?name=${encodeURIComponent(name)}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: text,
        });
        if (answer && answer.ok) reload();
      });
    });
  }
  for (const button of document.querySelectorAll('[data-docs-delete]')) {
    button.addEventListener('click', () => withBusy(button, async () => {
      const name = button.dataset.docsDelete;
      if (!window.confirm(`Delete the AWS export ${name}? Later runs no longer check it.`)) return;
      const answer = await send(`/api/v1/docs-audit/aws-exports/${encodeURIComponent(name)}`, { method: 'DELETE' });
      if (answer && answer.ok) reload();
    }));
  }

  // ---- File tickets: dry run, then confirm ----
  const file = document.querySelector('[data-docs-file]');
  const panel = document.querySelector('[data-docs-tickets]');
  const confirmButton = document.querySelector('[data-docs-file-confirm]');
  const cancel = document.querySelector('[data-docs-file-cancel]');
  const kLabels = {
    already_filed: 'already filed', found: 'found in Jira', filed: 'filed', commented: 'commented',
    failed: 'failed', would_record: 'in Jira already (will be recorded)', would_file: 'will be filed',
    would_comment: 'will get a "fixed" comment',
  };

  function showReport(report, intro) {
    const list = panel.querySelector('[data-docs-tickets-list]');
    const summary = panel.querySelector('[data-docs-tickets-summary]');
    list.replaceChildren();
    for (const item of report.items || []) {
      const li = document.createElement('li');
      li.dataset.action = item.action;
      const action = document.createElement('strong');
      action.textContent = kLabels[item.action] || item.action;
      li.append(action, ' ');
      if (item.ticket) {
        let key;
        if (item.ticket_url && /^https?:\/\//.test(item.ticket_url)) {
          key = document.createElement('a');
          key.href = item.ticket_url;
          key.rel = 'noopener noreferrer';
          key.target = '_blank';
        } else {
          key = document.createElement('span');
        }
        key.textContent = item.ticket;
        li.append(key, ' ');
      }
      li.append(item.summary || item.fingerprint);
      if (item.error) li.append(` (${item.error})`);
      list.append(li);
    }
    const c = report.counts || {};
    summary.textContent = `${intro} ${c.would_file || 0} to file, ${c.would_record || 0} to record, ` +
      `${c.would_comment || 0} to comment, ${c.already_filed || 0} already filed.`;
    if (!report.dry_run) {
      summary.textContent = `${intro} ${c.filed || 0} filed, ${c.found || 0} found in Jira, ` +
        `${c.commented || 0} commented, ${c.already_filed || 0} already filed, ${c.failed || 0} failed.`;
    }
    if (report.stopped) summary.textContent += ` Stopped: ${report.stopped.message}`;
    panel.hidden = false;
    panel.scrollIntoView({ block: 'nearest' });
  }

  if (file && panel) {
    file.addEventListener('click', () => withBusy(file, async () => {
      const answer = await send('/api/v1/docs-audit/tickets', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ dry_run: true }),
      });
      if (!answer || !answer.body.items) return;
      showReport(answer.body, 'Dry run:');
      const c = answer.body.counts || {};
      confirmButton.hidden = !answer.ok || (c.would_file || 0) + (c.would_record || 0) + (c.would_comment || 0) === 0;
      panel.dataset.stage = 'preview';
    }));
    confirmButton.addEventListener('click', () => withBusy(confirmButton, async () => {
      const answer = await send('/api/v1/docs-audit/tickets', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ dry_run: false }),
      });
      if (!answer || !answer.body.items) return;
      showReport(answer.body, 'Done:');
      confirmButton.hidden = true;
      cancel.textContent = 'Close';
      panel.dataset.stage = 'done';
    }));
    cancel.addEventListener('click', () => {
      if (panel.dataset.stage === 'done') { reload(); return; }
      panel.hidden = true;
      panel.dataset.stage = '';
    });
  }

  // ---- live updates ----
  if (window.opsdeck && window.opsdeck.subscribe) {
    window.opsdeck.subscribe(['docs.audit'], () => {
      if (!busy && (!panel || panel.hidden)) reload();
    });
  }

  document.documentElement.dataset.docsAuditJs = 'ready';
})();
