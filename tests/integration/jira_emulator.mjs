// A loopback emulator of the Jira REST API opsdeck files documentation gaps
// through, for integration tests: create issue, search by JQL, add comment,
// for API version 2 (Data Center: plain-text description and comment body)
// and 3 (Cloud: Atlassian Document Format), on one node:http server
// (127.0.0.1, port 0). It enforces the contract in /work/shared/CONTRACTS.md
// §3: required fields (400 with Jira's ErrorCollection), labels without
// spaces, ADF for v3 texts and strings for v2, bounded JQL, and auth (401):
// Basic base64(email:token) for v3, Bearer token for v2 by default.
// Faults are queued explicitly (a 429 with Retry-After, a 5xx, a dropped
// connection) and change nothing.
//
//   const emu = await start({email, token, projects: ['OPS'], issueTypes: ['Task', 'Bug'],
//                            auth: {2: 'bearer', 3: 'basic'}});
//   emu.url                      base URL (jira.url)
//   emu.fault({status: 429, retryAfter: 1, match: 'POST /issue', count: 1})
//                                the next `count` requests matching `match` (a
//                                substring of "METHOD /path" without /rest/api/N)
//                                get this answer instead; status 'drop' closes
//                                the connection
//   emu.issues                   [{id, key, project, issueType, summary, description,
//                                  labels, comments: [{id, body, at}], apiVersion, created}]
//   emu.requests                 [{at, method, path, query, version, auth, body, json, status}]
//   emu.stats                    {creates, searches, comments, authFailures, badRequests,
//                                 faults, requestsDuringRetryAfter}
//   emu.issueWithLabel(label)    the issues carrying it
//   await emu.close()
import http from 'node:http';

const MAX_BODY = 1024 * 1024;
const MAX_SUMMARY = 255;

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function errorCollection(errorMessages = [], errors = {}) {
  return { errorMessages, errors };
}

// ADF as Jira checks it for description and comment bodies: a doc node of
// version 1 whose content holds block nodes; text nodes carry a non-empty
// string. Returns an error message or null.
export function adfProblem(doc) {
  if (!isObject(doc) || doc.type !== 'doc' || doc.version !== 1 || !Array.isArray(doc.content)) {
    return 'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
  }
  const blocks = new Set(['paragraph', 'heading', 'bulletList', 'orderedList', 'listItem', 'codeBlock', 'blockquote', 'rule']);
  const inline = new Set(['text', 'hardBreak', 'mention', 'emoji', 'inlineCard']);
  const walk = (node, depth) => {
    if (!isObject(node) || typeof node.type !== 'string') return 'ADF node without a type';
    if (depth === 0 && !blocks.has(node.type)) return `ADF node ${node.type} is not a block node`;
    if (node.type === 'text') {
      if (typeof node.text !== 'string' || node.text.length === 0) return 'ADF text node with empty text';
      return null;
    }
    if (depth > 0 && !inline.has(node.type) && !blocks.has(node.type)) return `unknown ADF node ${node.type}`;
    if (node.content !== undefined) {
      if (!Array.isArray(node.content)) return `ADF ${node.type}.content is not an array`;
      for (const c of node.content) {
        const p = walk(c, depth + 1);
        if (p) return p;
      }
    }
    return null;
  };
  for (const block of doc.content) {
    const p = walk(block, 0);
    if (p) return p;
  }
  return null;
}

// The text of an ADF document (paragraphs joined by blank lines, hardBreaks as newlines).
export function adfText(doc) {
  const inline = (nodes) => (nodes || []).map((n) => (n.type === 'text' ? n.text : n.type === 'hardBreak' ? '\n' : inline(n.content))).join('');
  return (doc.content || []).map((b) => inline(b.content)).join('\n\n');
}

// The JQL opsdeck sends: project = X AND labels = Y [ORDER BY created ASC|DESC],
// values bare or double-quoted (with \" and \\ escapes). null when it is not that.
export function parseJql(jql) {
  const value = String.raw`("(?:[^"\\]|\\.)*"|[A-Za-z0-9_\-.]+)`;
  const re = new RegExp(String.raw`^\s*project\s*=\s*${value}\s+AND\s+labels\s*=\s*${value}\s*(?:ORDER\s+BY\s+created\s+(ASC|DESC))?\s*$`, 'i');
  const m = re.exec(jql);
  if (!m) return null;
  const unquote = (s) => (s.startsWith('"') ? s.slice(1, -1).replace(/\\(.)/g, '$1') : s);
  return { project: unquote(m[1]), label: unquote(m[2]), order: (m[3] || 'ASC').toUpperCase() };
}

export async function start({
  email = 'ops@acme.example',
  token = 'jira-token',
  projects = ['OPS'],
  issueTypes = ['Task', 'Bug'],
  auth = { 2: 'bearer', 3: 'basic' },
} = {}) {
  const issues = [];
  const requests = [];
  const faults = [];
  const stats = { creates: 0, searches: 0, comments: 0, authFailures: 0, badRequests: 0, faults: 0, requestsDuringRetryAfter: 0 };
  let retryUntil = 0;
  let nextId = 10000;
  let nextCommentId = 50000;
  const sockets = new Set();
  let baseUrl = '';

  const authorized = (version, header) => {
    const scheme = auth[version];
    if (scheme === 'basic') return header === `Basic ${Buffer.from(`${email}:${token}`).toString('base64')}`;
    return header === `Bearer ${token}`;
  };

  const takeFault = (method, route) => {
    const i = faults.findIndex((f) => `${method} ${route}`.includes(f.match || ''));
    if (i < 0) return null;
    const f = faults[i];
    if (--f.count <= 0) faults.splice(i, 1);
    return f;
  };

  function send(res, rec, status, body, headers = {}) {
    rec.status = status;
    res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  }

  function textProblem(version, value, field) {
    if (version === 3) return adfProblem(value);
    if (typeof value !== 'string') return `${field} must be a string in API version 2`;
    return null;
  }

  function createIssue(version, json, res, rec) {
    const fields = isObject(json) ? json.fields : undefined;
    if (!isObject(fields)) return send(res, rec, 400, errorCollection(['No fields were provided for the issue.']));
    const errors = {};
    const project = fields.project;
    const projectKey = isObject(project) ? project.key ?? project.id : undefined;
    if (projectKey === undefined) errors.project = 'Specify a valid project ID or key';
    else if (!projects.includes(projectKey)) errors.project = `project is required`;
    const type = fields.issuetype;
    const typeName = isObject(type) ? type.name ?? type.id : undefined;
    if (typeName === undefined) errors.issuetype = 'Specify an issue type';
    else if (!issueTypes.includes(typeName)) errors.issuetype = 'Specify a valid issue type';
    if (typeof fields.summary !== 'string' || fields.summary.trim() === '') errors.summary = 'You must specify a summary of the issue.';
    else if ([...fields.summary].length > MAX_SUMMARY) errors.summary = 'Summary must be less than 255 characters.';
    else if (/[\r\n]/.test(fields.summary)) errors.summary = 'The summary is invalid because it contains newline characters.';
    if (fields.description !== undefined && fields.description !== null) {
      const p = textProblem(version, fields.description, 'description');
      if (p) errors.description = p;
    }
    if (fields.labels !== undefined) {
      if (!Array.isArray(fields.labels) || fields.labels.some((l) => typeof l !== 'string')) errors.labels = 'labels must be an array of strings';
      else {
        const bad = fields.labels.find((l) => /\s/.test(l));
        if (bad !== undefined) errors.labels = `The label '${bad}' contains spaces which is invalid.`;
      }
    }
    if (Object.keys(errors).length > 0) {
      stats.badRequests++;
      return send(res, rec, 400, errorCollection([], errors));
    }
    const id = String(nextId++);
    const key = `${projectKey}-${issues.filter((i) => i.project === projectKey).length + 1}`;
    const description = fields.description === undefined || fields.description === null ? ''
      : version === 3 ? adfText(fields.description) : fields.description;
    issues.push({
      id, key, project: projectKey, issueType: typeName, summary: fields.summary, description,
      rawDescription: fields.description, labels: fields.labels || [], comments: [], apiVersion: version, created: Date.now(),
    });
    stats.creates++;
    return send(res, rec, 201, { id, key, self: `${baseUrl}/rest/api/${version}/issue/${id}` });
  }

  function search(version, query, res, rec) {
    const jql = query.get('jql');
    if (!jql) {
      stats.badRequests++;
      return send(res, rec, 400, errorCollection(['Unbounded JQL queries are not allowed here. Please add a search restriction to your query.']));
    }
    const q = parseJql(jql);
    if (!q) {
      stats.badRequests++;
      return send(res, rec, 400, errorCollection([`Error in the JQL Query: the emulator understands only "project = X AND labels = Y", got: ${jql}`]));
    }
    stats.searches++;
    const max = Math.min(Number(query.get('maxResults') || 50), 5000);
    let found = issues.filter((i) => i.project === q.project && i.labels.includes(q.label));
    if (q.order === 'DESC') found = [...found].reverse();
    const page = found.slice(0, max).map((i) => ({ id: i.id, key: i.key, self: `${baseUrl}/rest/api/${version}/issue/${i.id}` }));
    if (version === 3) return send(res, rec, 200, { issues: page, isLast: found.length <= max });
    return send(res, rec, 200, { startAt: 0, maxResults: max, total: found.length, issues: page });
  }

  function comment(version, idOrKey, json, res, rec) {
    const issue = issues.find((i) => i.key === idOrKey || i.id === idOrKey);
    if (!issue) return send(res, rec, 404, errorCollection(['Issue does not exist or you do not have permission to see it.']));
    const body = isObject(json) ? json.body : undefined;
    const problem = body === undefined ? 'Comment body can not be empty!' : textProblem(version, body, 'body');
    if (problem || (version === 2 && body.trim() === '')) {
      stats.badRequests++;
      return send(res, rec, 400, errorCollection([], { comment: problem || 'Comment body can not be empty!' }));
    }
    const c = { id: String(nextCommentId++), body: version === 3 ? adfText(body) : body, at: Date.now() };
    issue.comments.push(c);
    stats.comments++;
    return send(res, rec, 201, { id: c.id, self: `${baseUrl}/rest/api/${version}/issue/${issue.id}/comment/${c.id}`, created: new Date(c.at).toISOString() });
  }

  function handle(req, res, raw) {
    const at = Date.now();
    const url = new URL(req.url, 'http://127.0.0.1');
    const rec = { at, method: req.method, path: url.pathname, query: Object.fromEntries(url.searchParams), version: null,
      auth: req.headers.authorization || '', body: raw, json: null, status: 0 };
    requests.push(rec);
    if (at < retryUntil) stats.requestsDuringRetryAfter++;
    const m = /^\/rest\/api\/(2|3)(\/.*)$/.exec(url.pathname);
    if (!m) return send(res, rec, 404, errorCollection(['No such resource']));
    const version = Number(m[1]);
    const route = m[2];
    rec.version = version;

    const fault = takeFault(req.method, route);
    if (fault) {
      stats.faults++;
      if (fault.status === 'drop') {
        rec.status = 'drop';
        req.socket.destroy();
        return undefined;
      }
      const headers = {};
      if (fault.retryAfter !== undefined) {
        headers['Retry-After'] = String(fault.retryAfter);
        retryUntil = Math.max(retryUntil, at + fault.retryAfter * 1000);
      }
      if (fault.status === 429) headers['X-RateLimit-Reset'] = new Date(at + (fault.retryAfter || 1) * 1000).toISOString();
      return send(res, rec, fault.status, errorCollection([fault.status === 429 ? 'Rate limit exceeded.' : 'Internal server error']), headers);
    }

    if (!authorized(version, rec.auth)) {
      stats.authFailures++;
      return send(res, rec, 401, errorCollection(['You are not authenticated. Authentication required to perform this operation.']),
        { 'WWW-Authenticate': auth[version] === 'basic' ? 'Basic realm="protected-area"' : 'Bearer' });
    }
    if (req.method === 'POST') {
      if (!String(req.headers['content-type'] || '').startsWith('application/json')) {
        return send(res, rec, 415, errorCollection(['Unsupported Media Type']));
      }
      try { rec.json = JSON.parse(raw); } catch {
        stats.badRequests++;
        return send(res, rec, 400, errorCollection(['Unexpected character in the JSON body.']));
      }
    }
    if (req.method === 'POST' && route === '/issue') return createIssue(version, rec.json, res, rec);
    if (req.method === 'GET' && ((version === 3 && route === '/search/jql') || (version === 2 && route === '/search'))) {
      return search(version, url.searchParams, res, rec);
    }
    if (version === 3 && route === '/search') {
      return send(res, rec, 410, errorCollection(['The requested API has been removed. Please migrate to the /rest/api/3/search/jql API.']));
    }
    const c = /^\/issue\/([^/]+)\/comment$/.exec(route);
    if (req.method === 'POST' && c) return comment(version, decodeURIComponent(c[1]), rec.json, res, rec);
    return send(res, rec, 404, errorCollection([`No route ${req.method} ${url.pathname}`]));
  }

  const server = http.createServer((req, res) => {
    let raw = '';
    let size = 0;
    req.setEncoding('utf8');
    req.on('data', (d) => {
      size += Buffer.byteLength(d);
      if (size > MAX_BODY) req.socket.destroy();
      else raw += d;
    });
    req.on('end', () => handle(req, res, raw));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${server.address().port}`;

  return {
    url: baseUrl,
    issues,
    requests,
    stats,
    fault({ status, retryAfter, match = '', count = 1 }) { faults.push({ status, retryAfter, match, count }); },
    issueWithLabel(label) { return issues.filter((i) => i.labels.includes(label)); },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
