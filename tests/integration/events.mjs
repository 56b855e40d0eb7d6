// Real-shaped webhook deliveries for integration tests: GitHub workflow_run /
// workflow_job (signed with the test secret), GitLab Pipeline Hook, and
// opsdeck's generic format. Shapes follow the providers' documented examples
// (tests/fixtures/ has the byte-exact versions the parsers are tested on).
import crypto from 'node:crypto';

import { SECRETS } from './lib.mjs';

// Pipelines for three environments, one per source kind, that the events
// below match (integration and browser tests share them).
export const PIPELINES = `
pipelines:
  - name: dashboard-development
    environment: development
    kind: deploy
    match: {github: {repository: acme/dashboard, workflow: Deploy, branch: develop}}
  - name: dashboard-ci
    environment: development
    kind: build
    match: {github: {repository: acme/dashboard, workflow: CI, branch: "*"}}
  - name: dashboard-staging
    environment: staging
    kind: deploy
    match: {gitlab: {project: acme/dashboard, ref: main}}
  - name: dashboard-production
    environment: production
    kind: deploy
    owner: ezops
    docs: https://wiki.example.com/dashboard/pipelines
    match: {generic: {pipeline: dashboard-production}}
`;

let counter = 0;
const uuid = () => crypto.randomUUID();

function user(login) {
  return {
    login, id: 1000 + login.length, node_id: 'MDQ6VXNlcjE1NjY5OTE4', type: 'User', site_admin: false,
    html_url: `https://github.com/${login}`, url: `https://api.github.com/users/${login}`,
  };
}

function repository(fullName) {
  const [owner, name] = fullName.split('/');
  return {
    id: 300029405, node_id: 'R_kgDOEeTk3Q', name, full_name: fullName, private: true,
    owner: { ...user(owner), type: 'Organization' },
    html_url: `https://github.com/${fullName}`, url: `https://api.github.com/repos/${fullName}`,
    default_branch: 'main',
  };
}

// A GitHub delivery: {source, headers, body}. `event` is workflow_run or workflow_job.
function github(event, payload, deliveryId) {
  const body = JSON.stringify(payload);
  const sig = crypto.createHmac('sha256', SECRETS.github).update(body).digest('hex');
  return {
    source: 'github',
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': 'GitHub-Hookshot/044aadd',
      'X-GitHub-Event': event,
      'X-GitHub-Delivery': deliveryId || uuid(),
      'X-GitHub-Hook-ID': '292430182',
      'X-Hub-Signature-256': `sha256=${sig}`,
    },
    body,
  };
}

// status: requested|in_progress|completed; conclusion for completed.
export function workflowRun({
  repo = 'acme/dashboard', workflow = 'CI', branch = 'main', id, attempt = 1, status,
  conclusion = null, sha = 'a'.repeat(40), title = 'Change', at, startedAt, actor = 'alice',
}) {
  const action = status === 'completed' ? 'completed' : status === 'in_progress' ? 'in_progress' : 'requested';
  const payload = {
    action,
    workflow_run: {
      id, name: workflow, node_id: 'WFR_kwLOEeTk3c4BzyPq', head_branch: branch, head_sha: sha,
      path: `.github/workflows/${workflow.toLowerCase()}.yml`, display_title: title, run_number: id % 1000,
      event: 'push', status, conclusion, workflow_id: 2823525, check_suite_id: 1291536064,
      url: `https://api.github.com/repos/${repo}/actions/runs/${id}`,
      html_url: `https://github.com/${repo}/actions/runs/${id}`,
      pull_requests: [], created_at: startedAt || at, updated_at: at,
      actor: user(actor), triggering_actor: user(actor), run_attempt: attempt,
      referenced_workflows: [], run_started_at: startedAt || at,
      jobs_url: `https://api.github.com/repos/${repo}/actions/runs/${id}/jobs`,
      head_commit: {
        id: sha, tree_id: 'b'.repeat(40), message: title, timestamp: startedAt || at,
        author: { name: 'Alice', email: 'alice@example.com' },
        committer: { name: 'Alice', email: 'alice@example.com' },
      },
      repository: repository(repo), head_repository: repository(repo),
    },
    workflow: {
      id: 2823525, node_id: 'W_kwDOEeTk3c4AKxVl', name: workflow,
      path: `.github/workflows/${workflow.toLowerCase()}.yml`, state: 'active',
      created_at: '2025-01-01T00:00:00.000Z', updated_at: '2025-01-01T00:00:00.000Z',
    },
    repository: repository(repo),
    sender: user(actor),
  };
  return github('workflow_run', payload);
}

// status: queued|in_progress|completed|waiting
export function workflowJob({
  repo = 'acme/dashboard', workflow = 'CI', branch = 'main', runId, attempt = 1, jobId, name,
  status, conclusion = null, sha = 'a'.repeat(40), startedAt, completedAt = null,
}) {
  const payload = {
    action: status === 'completed' ? 'completed' : status,
    workflow_job: {
      id: jobId, run_id: runId, workflow_name: workflow, head_branch: branch,
      run_url: `https://api.github.com/repos/${repo}/actions/runs/${runId}`, run_attempt: attempt,
      node_id: 'CR_kwDOEeTk3c8AAAAB', head_sha: sha,
      url: `https://api.github.com/repos/${repo}/actions/jobs/${jobId}`,
      html_url: `https://github.com/${repo}/actions/runs/${runId}/job/${jobId}`,
      status, conclusion, created_at: startedAt, started_at: startedAt, completed_at: completedAt,
      name, steps: [], check_run_url: `https://api.github.com/repos/${repo}/check-runs/${jobId}`,
      labels: ['ubuntu-latest'], runner_id: status === 'queued' ? null : 7,
      runner_name: status === 'queued' ? null : 'GitHub Actions 7', runner_group_id: 2,
      runner_group_name: 'GitHub Actions',
    },
    repository: repository(repo),
    sender: user('alice'),
  };
  return github('workflow_job', payload);
}

// GitLab's "2016-08-12 15:23:28 UTC" time format.
const gitlabTime = (iso) => (iso ? `${iso.replace('T', ' ').replace(/(\.\d+)?Z$/, '')} UTC` : null);

// status: created|pending|running|success|failed|canceled|skipped|manual|...
export function gitlabPipeline({
  project = 'acme/dashboard', ref = 'main', id, status, sha = 'c'.repeat(40), title = 'Change',
  createdAt, finishedAt = null, builds = [], idempotencyKey,
}) {
  const [ns, name] = project.split('/');
  const payload = {
    object_kind: 'pipeline',
    object_attributes: {
      id, iid: id % 1000, name: null, ref, tag: false, sha, before_sha: '0'.repeat(40), source: 'push',
      status, detailed_status: status, stages: [...new Set(builds.map((b) => b.stage))],
      created_at: gitlabTime(createdAt), finished_at: gitlabTime(finishedAt), duration: null,
      queued_duration: null, variables: [], url: `https://gitlab.example.com/${project}/-/pipelines/${id}`,
    },
    merge_request: null,
    user: { id: 1, name: 'Bob', username: 'bob', avatar_url: null, email: '[REDACTED]' },
    project: {
      id: 42, name, description: '', web_url: `https://gitlab.example.com/${project}`, avatar_url: null,
      git_ssh_url: `git@gitlab.example.com:${project}.git`, git_http_url: `https://gitlab.example.com/${project}.git`,
      namespace: ns, visibility_level: 0, path_with_namespace: project, default_branch: 'main', ci_config_path: null,
    },
    commit: {
      id: sha, message: `${title}\n`, title, timestamp: createdAt,
      url: `https://gitlab.example.com/${project}/-/commit/${sha}`,
      author: { name: 'Bob', email: 'bob@example.com' },
    },
    source_pipeline: null,
    builds: builds.map((b, i) => ({
      id: id * 100 + i, stage: b.stage, name: b.name, status: b.status,
      created_at: gitlabTime(createdAt), started_at: gitlabTime(b.startedAt || null),
      finished_at: gitlabTime(b.finishedAt || null), duration: null, queued_duration: null,
      failure_reason: b.status === 'failed' ? 'script_failure' : null, when: 'on_success', manual: false,
      allow_failure: false, user: { id: 1, name: 'Bob', username: 'bob', avatar_url: null, email: '[REDACTED]' },
      runner: null, artifacts_file: { filename: null, size: null }, environment: null,
    })),
  };
  const headers = {
    'Content-Type': 'application/json',
    'User-Agent': 'GitLab/18.5.0',
    'X-Gitlab-Event': 'Pipeline Hook',
    'X-Gitlab-Token': SECRETS.gitlab,
    'X-Gitlab-Instance': 'https://gitlab.example.com',
    'X-Gitlab-Webhook-UUID': '2a1d1b43-9e9f-4a43-9b1d-4cbcd1dcd2a0',
    'X-Gitlab-Event-UUID': uuid(),
  };
  if (idempotencyKey !== undefined) headers['Idempotency-Key'] = idempotencyKey;
  else headers['Idempotency-Key'] = uuid();
  return { source: 'gitlab', headers, body: JSON.stringify(payload) };
}

// opsdeck's generic format (docs/sources/generic.md).
export function generic(event, { key } = {}) {
  return {
    source: 'generic',
    headers: {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${SECRETS.generic}`,
      'Idempotency-Key': key || `k-${++counter}-${uuid()}`,
    },
    body: JSON.stringify(event),
  };
}

// POSTs a delivery; resolves with {status, json}.
export async function deliver(baseUrl, d) {
  const r = await fetch(`${baseUrl}/hooks/${d.source}`, { method: 'POST', headers: d.headers, body: d.body });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, json, text };
}
