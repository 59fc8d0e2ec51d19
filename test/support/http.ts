/** A minimal cookie-keeping client over fetch, for tests against real listening servers. */
export class HttpClient {
  private cookies = new Map<string, string>();

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return response;
  }

  async page(url: string): Promise<{ status: number; html: string; csrf: string | null; nonce: string | null }> {
    const response = await this.request(url);
    const html = await response.text();
    return {
      status: response.status,
      html,
      csrf: /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? null,
      nonce: /name="_form" value="([^"]+)"/.exec(html)?.[1] ?? null,
    };
  }

  /** Opens the page with the form, then posts the fields with that page's CSRF token. */
  async submit(pageUrl: string, actionUrl: string, fields: Record<string, string>): Promise<Response> {
    const { csrf, nonce } = await this.page(pageUrl);
    return this.request(actionUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf ?? '', ...(nonce ? { _form: nonce } : {}), ...fields }).toString(),
    });
  }
}
