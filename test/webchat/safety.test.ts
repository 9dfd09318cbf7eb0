import { AllowedOrigins } from '../../src/channels/webchat/allowed-origins';
import { ConversationTokens } from '../../src/channels/webchat/conversation-token';
import { isTooLong } from '../../src/channels/webchat/frames';
import { widgetScript } from '../../src/channels/webchat/widget-bundle';
import { linkify } from '../../src/webchat-widget/linkify';
import { widgetConfig, widgetLookFromEnv } from '../../src/channels/webchat/widget-settings';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKnowledge } from '../../src/knowledge/loader';
import type { KnowledgeBase } from '../../src/knowledge/schema';

describe('web chat conversation tokens', () => {
  const tokens = new ConversationTokens('a-secret-of-at-least-thirty-two-chars!!');

  it('issues unguessable keys in signed tokens and verifies them', () => {
    const a = tokens.issue();
    const b = tokens.issue();
    expect(a.key).not.toBe(b.key);
    expect(a.key).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(tokens.verify(a.token)).toBe(a.key);
  });

  it('refuses altered, forged, foreign and malformed tokens', () => {
    const { key, token } = tokens.issue();
    const other = new ConversationTokens('another-secret-of-at-least-thirty-two-chars');
    const [, , mac] = token.split('.');
    for (const bad of [
      `v1.${key}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`,
      `v1.${'A'.repeat(22)}.${mac}`,
      other.issue().token,
      `v2.${key}.${mac}`,
      `${token}.extra`,
      '',
      'v1..',
      undefined,
      'x'.repeat(1000),
    ]) {
      expect(tokens.verify(bad)).toBeUndefined();
    }
  });
});

describe('web chat allowed origins', () => {
  const origins = AllowedOrigins.parse('https://shop.example.com, https://www.shop.example.com:8443');

  it('allows the listed origins and the server its own, nothing else', () => {
    expect(origins.allows('https://shop.example.com', 'bot.example.com')).toBe(true);
    expect(origins.allows('https://www.shop.example.com:8443', 'bot.example.com')).toBe(true);
    expect(origins.allows('https://bot.example.com', 'bot.example.com')).toBe(true);
    expect(origins.allows('http://127.0.0.1:3000', '127.0.0.1:3000')).toBe(true);
    for (const origin of [
      'http://shop.example.com',
      'https://shop.example.com.evil.example',
      'https://evil.example',
      'null',
      undefined,
      'file://x',
      'garbage',
    ]) {
      expect(origins.allows(origin, 'bot.example.com')).toBe(false);
    }
  });

  it('says how to write an origin when WEBCHAT_ORIGINS holds something else', () => {
    for (const bad of ['shop.example.com', 'https://shop.example.com/chat', 'ftp://shop.example.com']) {
      expect(() => AllowedOrigins.parse(bad)).toThrow(/write it as https:\/\/shop\.example\.com/);
    }
  });
});

describe('web chat text handling', () => {
  it('turns only http(s) addresses into links, without sentence punctuation', () => {
    expect(linkify('Cek https://nusagadget.example/garansi, ya. javascript:alert(1) <b>x</b>')).toEqual([
      { kind: 'text', text: 'Cek ' },
      { kind: 'link', text: 'https://nusagadget.example/garansi', href: 'https://nusagadget.example/garansi' },
      { kind: 'text', text: ', ya. javascript:alert(1) <b>x</b>' },
    ]);
    expect(linkify('<img src=x onerror=alert(1)>')).toEqual([{ kind: 'text', text: '<img src=x onerror=alert(1)>' }]);
    expect(linkify('(lihat http://a.example/b)')).toEqual([
      { kind: 'text', text: '(lihat ' },
      { kind: 'link', text: 'http://a.example/b', href: 'http://a.example/b' },
      { kind: 'text', text: ')' },
    ]);
  });

  it('counts a message in characters as the customer sees them (2,000 at most)', () => {
    expect(isTooLong('a'.repeat(2000))).toBe(false);
    expect(isTooLong('a'.repeat(2001))).toBe(true);
    expect(isTooLong('😀'.repeat(2000))).toBe(false);
  });

  it('puts the settings into widget.js as data that cannot end a script element', () => {
    const { text } = widgetScript('void 0;', {
      title: '</script><script>alert(1)</script>',
      botName: 'Tanya',
      color: '#0f766e',
      position: 'right',
      greeting: { id: 'Halo', en: 'Hi' },
      languages: ['id', 'en'],
      defaultLanguage: 'id',
    });
    expect(text).not.toContain('</script>');
    expect(text).toContain('\\u003c/script>');
  });
});

describe('web chat settings from the knowledge base', () => {
  const kbWith = (settings: string): KnowledgeBase => {
    const dir = mkdtempSync(join(tmpdir(), 'tanya-webchat-kb-'));
    writeFileSync(
      join(dir, 'faq.yaml'),
      `settings:\n${settings}\nfaq:\n  - id: jam\n    questions: { id: [jam buka kapan] }\n    answer: { id: Buka jam 9. }\n`,
    );
    return loadKnowledge(dir);
  };

  it('takes title, colour, logo, position and sites from settings.webchat; the environment wins where both say', () => {
    const kb = kbWith(
      '  shopName: Toko Budi\n  webchat:\n    title: Chat Toko Budi\n    color: "#AA0000"\n    logoUrl: https://budi.example/logo.png\n    position: left\n    allowedOrigins: [https://budi.example]',
    );
    expect(widgetConfig(widgetLookFromEnv({}), kb)).toMatchObject({
      title: 'Chat Toko Budi',
      color: '#aa0000',
      position: 'left',
      logoUrl: 'https://budi.example/logo.png',
    });
    expect(widgetConfig(widgetLookFromEnv({ WEBCHAT_COLOR: '#00aa00', WEBCHAT_POSITION: 'right' }), kb)).toMatchObject({ color: '#00aa00', position: 'right' });
    expect(widgetConfig(widgetLookFromEnv({}), kbWith('  shopName: Toko Budi'))).toMatchObject({ title: 'Toko Budi', color: '#0f766e', position: 'right' });
    const origins = AllowedOrigins.parse('', () => kb.settings.webchat?.allowedOrigins ?? []);
    expect(origins.allows('https://budi.example', 'bot.example.com')).toBe(true);
    expect(origins.allows('https://evil.example', 'bot.example.com')).toBe(false);
    expect(origins.listed).toEqual(['https://budi.example']);
  });

  it('names the file and line of a setting written wrong', () => {
    expect(() => kbWith('  webchat:\n    color: red')).toThrow(/faq\.yaml:\d+:\d+: .*write a colour such as "#0f766e"/);
    expect(() => kbWith('  webchat:\n    allowedOrigins: [https://budi.example/shop]')).toThrow(
      /faq\.yaml:\d+:\d+: .*write an origin such as "https:\/\/shop\.example\.com"/,
    );
    expect(() => kbWith('  webchat:\n    logoUrl: "javascript:alert(1)"')).toThrow(/faq\.yaml:\d+:\d+: .*write an http\(s\) address/);
  });
});

describe('web chat settings from the environment', () => {
  it('reads the look, with the defaults documented', () => {
    expect(widgetLookFromEnv({})).toEqual({});
    expect(
      widgetLookFromEnv({ WEBCHAT_COLOR: '#AA0000', WEBCHAT_POSITION: 'left', WEBCHAT_TITLE: 'Toko Budi', WEBCHAT_LOGO_URL: 'https://x.example/logo.png' }),
    ).toEqual({ color: '#aa0000', position: 'left', title: 'Toko Budi', logoUrl: 'https://x.example/logo.png' });
  });

  it('says what is wrong with a setting and how to write it', () => {
    expect(() => widgetLookFromEnv({ WEBCHAT_COLOR: 'red' })).toThrow('WEBCHAT_COLOR must be a colour such as #0f766e (got "red")');
    expect(() => widgetLookFromEnv({ WEBCHAT_POSITION: 'top' })).toThrow('WEBCHAT_POSITION must be right or left (got "top")');
    expect(() => widgetLookFromEnv({ WEBCHAT_LOGO_URL: 'javascript:alert(1)' })).toThrow(/WEBCHAT_LOGO_URL must be an http\(s\) URL/);
  });
});
