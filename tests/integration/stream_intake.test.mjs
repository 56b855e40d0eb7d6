// Pipeline intake on the event stream: after a committed delivery,
// GET /api/v1/stream carries `run.updated` for each changed run and
// `deployment.recorded` for each deployment (the overview refreshes on them);
// a duplicate delivery publishes nothing, and no secret is in the events.
//   OPSDECK_BINARY=build/opsdeck node --test tests/integration/stream_intake.test.mjs
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import { deliver, generic } from './events.mjs';
import { SECRETS, sqliteConfig, startServer } from './lib.mjs';

const EXTRA = `
pipelines:
  - {name: web-staging, environment: staging, kind: deploy, match: {generic: {pipeline: web-staging}}}
`;

// Opens the stream; `events` fills with {type, data} as they arrive.
function openStream(url) {
  return new Promise((resolve, reject) => {
    const events = [];
    const req = http.get(`${url}/api/v1/stream`, (res) => {
      if (res.statusCode !== 200) { reject(new Error(`stream answered ${res.statusCode}`)); return; }
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const type = block.match(/^event: (.*)$/m)?.[1];
          const data = block.match(/^data: (.*)$/m)?.[1];
          if (type) events.push({ type, data: JSON.parse(data) });
        }
      });
      resolve({ events, close: () => req.destroy() });
    });
    req.on('error', (err) => { if (err.code !== 'ECONNRESET') reject(err); });
  });
}

async function waitFor(events, count, ms = 5000) {
  const deadline = Date.now() + ms;
  while (events.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return events.slice();
}

describe('pipeline intake on the event stream', () => {
  let server;
  let stream;

  before(async () => {
    server = await startServer(sqliteConfig(EXTRA));
    stream = await openStream(server.url);
  });

  after(async () => {
    stream?.close();
    await server?.stop();
  });

  test('a delivery publishes run.updated, a deploy also deployment.recorded; a duplicate nothing', async () => {
    const running = generic({ pipeline: 'web-staging', run_id: 'r-1', status: 'running', version: '2.0.0' });
    assert.equal((await deliver(server.url, running)).status, 200);
    let events = await waitFor(stream.events, 1);
    assert.equal(events.length, 1);
    assert.equal(events[0].type, 'run.updated');
    assert.equal(events[0].data.pipeline, 'web-staging');
    assert.equal(events[0].data.environment, 'staging');
    assert.equal(events[0].data.status, 'running');
    assert.equal(events[0].data.version, '2.0.0');
    assert.ok(Number.isInteger(events[0].data.id) && events[0].data.id > 0);

    const done = generic({ pipeline: 'web-staging', run_id: 'r-1', status: 'succeeded', version: '2.0.0', commit: 'c0ffee'.padEnd(40, '0') });
    assert.equal((await deliver(server.url, done)).status, 200);
    events = await waitFor(stream.events, 3);
    assert.deepEqual(events.slice(1).map((e) => e.type).sort(), ['deployment.recorded', 'run.updated']);
    const deployed = events.find((e) => e.type === 'deployment.recorded').data;
    assert.deepEqual(deployed, { environment: 'staging', pipeline: 'web-staging', version: '2.0.0', commit: 'c0ffee'.padEnd(40, '0') });

    // The same delivery again (same Idempotency-Key): acknowledged, not published.
    const again = await deliver(server.url, done);
    assert.equal(again.status, 200);
    assert.equal(again.json?.status, 'duplicate');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(stream.events.length, 3);
    const text = JSON.stringify(stream.events);
    for (const secret of Object.values(SECRETS)) assert.ok(!text.includes(secret));
  });
});
