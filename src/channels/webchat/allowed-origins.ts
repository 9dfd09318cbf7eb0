import { ChannelConfigError } from '../channel';

/**
 * The web pages that may talk to the bot: the listed origins, and always the server's own (the
 * demo page, and a shop that serves its site from the bot's host).
 */
export class AllowedOrigins {
  private readonly origins: ReadonlySet<string>;

  /** `fromKnowledge`: the knowledge base's `settings.webchat.allowedOrigins`, read at each check so a reload applies. */
  constructor(
    origins: readonly string[],
    private readonly fromKnowledge: () => readonly string[] = () => [],
  ) {
    this.origins = new Set(origins);
  }

  /**
   * Parses WEBCHAT_ORIGINS: comma- or space-separated origins such as
   * `https://shop.example.com, https://www.shop.example.com` (scheme, host and port; no path).
   */
  static parse(list: string | undefined, fromKnowledge?: () => readonly string[]): AllowedOrigins {
    const origins: string[] = [];
    for (const item of (list ?? '').split(/[\s,]+/).filter(Boolean)) {
      let url: URL;
      try {
        url = new URL(item);
      } catch {
        throw new ChannelConfigError(`WEBCHAT_ORIGINS: "${item}" is not an origin; write it as https://shop.example.com (scheme and host, no path)`);
      }
      if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.pathname !== '/' || url.search || url.hash || url.username) {
        throw new ChannelConfigError(`WEBCHAT_ORIGINS: "${item}" is not an origin; write it as https://shop.example.com (scheme and host, no path)`);
      }
      origins.push(url.origin);
    }
    return new AllowedOrigins(origins, fromKnowledge);
  }

  /** The configured origins (not the server's own), for logs and /healthz readers. */
  get listed(): readonly string[] {
    return [...new Set([...this.origins, ...this.fromKnowledge()])];
  }

  /**
   * True when a request's `Origin` may use the chat: a listed origin, or the server's own (the
   * origin's host is the request's `Host`). A request without an Origin (not from a browser
   * page) is refused too.
   */
  allows(origin: string | undefined, host: string | undefined): boolean {
    if (!origin || origin === 'null') return false;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false;
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
    if (this.origins.has(url.origin) || this.fromKnowledge().includes(url.origin)) return true;
    return host !== undefined && url.host === host.toLowerCase();
  }
}
