// api.js - the one way screens talk to the server: fetch with the session cookie, the CSRF
// header on every write, JSON in and out, errors as ApiError {status, code, message}.
let csrf = null;

export class ApiError extends Error {
  constructor(status, code, message, body) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code || '';
    this.body = body || null;
  }
}

// Remembers the token the session answers gave (POST/GET /v1/session).
export function setCsrf(token) {
  csrf = token || null;
}

// The session's CSRF token, for a write made without request() (an upload with progress).
export function csrfToken() {
  return csrf;
}

// Called with every 401 answer, so the shell can show sign-in again.
let onUnauthorized = () => {};
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

function newKey() {
  if (globalThis.crypto && crypto.randomUUID) return crypto.randomUUID();
  return `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

// request(method, path, body?, {idempotent, quiet401}) -> parsed JSON body (null when empty).
export async function request(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrf) headers['X-CSRF-Token'] = csrf;
  // A write the engine runs once even if the browser retries it (docs/api.md).
  if (opts.idempotent) headers['Idempotency-Key'] = newKey();
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, 'network', e.message);
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const err = (data && data.error) || {};
    if (res.status === 401 && !opts.quiet401) onUnauthorized();
    const e = new ApiError(res.status, err.code, err.message, data);
    e.retryAfter = Number(res.headers.get('Retry-After')) || 0;
    throw e;
  }
  return data;
}

export const api = {
  session: () => request('GET', '/v1/session', undefined, { quiet401: true }),
  signIn: (login, password) =>
    request('POST', '/v1/session', { login, password }, { quiet401: true }),
  signOut: () => request('DELETE', '/v1/session'),
  setPassword: (token, password) =>
    request('POST', '/v1/password', { token, password }, { quiet401: true }),
  next: () => request('POST', '/v1/work/next', {}, { idempotent: true }),
  item: (id) => request('GET', `/v1/items/${encodeURIComponent(id)}`),
  items: (query) => request('GET', `/v1/items?${new URLSearchParams(query)}`),
  history: (id) => request('GET', `/v1/items/${encodeURIComponent(id)}/history`),
  engagements: (query) => request('GET', `/v1/engagements?${new URLSearchParams(query)}`),
  engagement: (id) => request('GET', `/v1/engagements/${encodeURIComponent(id)}`),
  // An engagement's declared payload and result fields (null sides: any JSON).
  fields: (id) => request('GET', `/v1/engagements/${encodeURIComponent(id)}/fields`),
  createItem: (body) => request('POST', '/v1/items', body, { idempotent: true }),
  // A reason given with an approval is its comments (KPO review chain, docs/api.md).
  accept: (id, reason) =>
    request('POST', `/v1/items/${id}/accept`, reason ? { reason } : {}, { idempotent: true }),
  review: (id, reason) =>
    request('POST', `/v1/items/${id}/review`, reason ? { reason } : {}, { idempotent: true }),
  milestones: (id) => request('GET', `/v1/items/${encodeURIComponent(id)}/milestones`),
  chain: (id) => request('GET', `/v1/items/${encodeURIComponent(id)}/chain`),
  rework: (id, reason) => request('POST', `/v1/items/${id}/rework`, { reason }, { idempotent: true }),
  renew: (id, epoch) => request('POST', `/v1/items/${id}/renew`, { epoch }, { idempotent: true }),
  submit: (id, epoch, result) =>
    request('POST', `/v1/items/${id}/submit`, { epoch, result }, { idempotent: true }),
};
