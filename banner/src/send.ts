// Decisions go to the consent API; until it acknowledges one it waits in localStorage.
export type Body = {
  site: string;
  consent_id: string;
  revision: number;
  fingerprint: string;
  language: string;
  method: string;
  source: string; // banner | settings | api | placeholder | gpc | dnt
  choices: Record<string, boolean>;
  url: string;
};

const KEY = "samtycke.pending";

function load(): Body[] {
  try {
    return JSON.parse(localStorage.getItem(KEY) || "[]");
  } catch {
    return [];
  }
}

function store(list: Body[]): void {
  try {
    if (list.length) localStorage.setItem(KEY, JSON.stringify(list.slice(-20)));
    else localStorage.removeItem(KEY);
  } catch {
    // Storage can be full or blocked; the decision still applies, it just cannot be retried.
  }
}

const same = (a: Body, b: Body) => JSON.stringify(a) == JSON.stringify(b);

/** POST one decision; resolves once the server answered or the attempt failed. */
export function post(endpoint: string, body: Body): Promise<void> {
  return fetch(endpoint, {
    method: "POST",
    keepalive: true,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  }).then(
    (r) => {
      // 2xx: recorded. Other 4xx: the body is wrong and would be wrong again. 408/429/5xx: retry.
      if (r.ok || (r.status >= 400 && r.status < 500 && r.status != 408 && r.status != 429))
        store(load().filter((b) => !same(b, body)));
    },
    () => {},
  );
}

/** Keep the decision until acknowledged, then send it. */
export function send(endpoint: string, body: Body): Promise<void> {
  store([...load().filter((b) => !same(b, body)), body]);
  return post(endpoint, body);
}

/** Resend what an earlier page could not deliver. */
export function retry(endpoint: string): void {
  for (const b of load()) post(endpoint, b);
}
