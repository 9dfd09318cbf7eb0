/** A browser's view of the console over plain HTTP: keeps the cookies, follows nothing by itself. */
export class ConsoleClient {
  private readonly cookies = new Map<string, string>();
  /** The session's CSRF token (from the inbox page's meta tag), after `login`. */
  csrf = '';

  constructor(readonly base: string) {}

  /** The Cookie header this browser sends. */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(
    method: string,
    path: string,
    body?: { json?: unknown; form?: Record<string, string> },
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(`${this.base}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(body?.json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(body?.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...headers,
      },
      ...(body?.json !== undefined ? { body: JSON.stringify(body.json) } : body?.form ? { body: new URLSearchParams(body.form).toString() } : {}),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      const value = pair.slice(at + 1);
      if (/Max-Age=0/.test(line)) this.cookies.delete(pair.slice(0, at));
      else this.cookies.set(pair.slice(0, at), value);
    }
    return response;
  }

  /** Opens the sign-in form and posts it; returns the answer to the POST. */
  async tryLogin(name: string, password: string): Promise<Response> {
    const form = await (await this.request('GET', '/console/login')).text();
    const token = /name="_csrf" value="([^"]+)"/.exec(form)?.[1] ?? '';
    return this.request('POST', '/console/login', { form: { _csrf: token, name, password } });
  }

  /** Signs in (throws unless it worked) and reads the CSRF token from the inbox page. */
  async login(name: string, password: string): Promise<void> {
    const answer = await this.tryLogin(name, password);
    if (answer.status !== 303) throw new Error(`login as ${name} answered ${answer.status}`);
    const inbox = await (await this.request('GET', '/console/inbox')).text();
    this.csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(inbox)?.[1] ?? '';
  }

  /** A change with the CSRF token. */
  post(path: string, json: unknown): Promise<Response> {
    return this.request('POST', path, { json }, { 'x-csrf-token': this.csrf });
  }
}
