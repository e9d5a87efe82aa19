// router.js - hash routes (#/work, #/items/42, #/set-password/TOKEN): the table of screens,
// each with the roles that may open it. The server serves one page; the hash picks the screen.
import { useEffect, useState } from 'preact/hooks';

// Patterns are '/a/:b'; the first match wins. A screen module adds its row here.
export const routes = [];

export function addRoute(pattern, screen, { roles = null, public: pub = false, title } = {}) {
  const keys = [];
  const rx = new RegExp(
    '^' + pattern.replace(/:([a-z]+)/g, (_, k) => (keys.push(k), '([^/]+)')) + '/?$',
  );
  routes.push({ pattern, rx, keys, screen, roles, public: pub, title });
}

export function currentPath() {
  const h = location.hash.replace(/^#/, '');
  return h.startsWith('/') ? h : '/' + h;
}

// A path may end in ?a=b (a list's filters, kept in the hash so Back restores them):
// params.query holds them as a URLSearchParams.
export function match(path) {
  const q = path.indexOf('?');
  const query = new URLSearchParams(q < 0 ? '' : path.slice(q + 1));
  const bare = q < 0 ? path : path.slice(0, q);
  for (const r of routes) {
    const m = r.rx.exec(bare);
    if (m) {
      const params = { query };
      r.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1])));
      return { route: r, params };
    }
  }
  return null;
}

export function navigate(path) {
  if (currentPath() !== path) location.hash = '#' + path;
}

export function usePath() {
  const [path, setPath] = useState(currentPath());
  useEffect(() => {
    const on = () => setPath(currentPath());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return path;
}
