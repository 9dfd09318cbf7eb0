import type { Env } from '../../app/channels-from-env';
import type { KnowledgeBase } from '../../knowledge/schema';
import { ChannelConfigError } from '../channel';
import type { WidgetConfig } from './protocol';

/** How the widget looks, from the environment; unset ones come from the knowledge base or the defaults. */
export interface WidgetLook {
  /** Header title (WEBCHAT_TITLE; default: the KB's shopName). */
  readonly title?: string;
  /** Brand colour `#rrggbb` (WEBCHAT_COLOR; default: the KB's settings.webchat.color, then #0f766e). */
  readonly color?: string;
  /** Logo in the header, an http(s) URL (WEBCHAT_LOGO_URL; default none). */
  readonly logoUrl?: string;
  /** Corner of the bubble (WEBCHAT_POSITION: right or left; default: the KB's, then right). */
  readonly position?: 'right' | 'left';
  /** First line shown in an empty chat (WEBCHAT_GREETING, both languages; default: the KB's greeting). */
  readonly greeting?: string;
}

export const DEFAULT_WEBCHAT_COLOR = '#0f766e';

/** Reads WEBCHAT_TITLE, WEBCHAT_COLOR, WEBCHAT_LOGO_URL, WEBCHAT_POSITION and WEBCHAT_GREETING. */
export function widgetLookFromEnv(env: Env): WidgetLook {
  const color = env.WEBCHAT_COLOR?.trim();
  if (color && !/^#[0-9a-fA-F]{6}$/.test(color)) throw new ChannelConfigError(`WEBCHAT_COLOR must be a colour such as #0f766e (got "${color}")`);
  const position = env.WEBCHAT_POSITION?.trim();
  if (position && position !== 'right' && position !== 'left') throw new ChannelConfigError(`WEBCHAT_POSITION must be right or left (got "${position}")`);
  const logoUrl = env.WEBCHAT_LOGO_URL?.trim();
  if (logoUrl && !isWebUrl(logoUrl))
    throw new ChannelConfigError(`WEBCHAT_LOGO_URL must be an http(s) URL such as https://shop.example.com/logo.png (got "${logoUrl}")`);
  const title = env.WEBCHAT_TITLE?.trim();
  const greeting = env.WEBCHAT_GREETING?.trim();
  return {
    ...(color ? { color: color.toLowerCase() } : {}),
    ...(position === 'right' || position === 'left' ? { position } : {}),
    ...(title ? { title: title.slice(0, 80) } : {}),
    ...(logoUrl ? { logoUrl } : {}),
    ...(greeting ? { greeting: greeting.slice(0, 1000) } : {}),
  };
}

function isWebUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** The settings put into widget.js: the look, with the knowledge base's names, greeting and languages. */
export function widgetConfig(look: WidgetLook, kb: KnowledgeBase): WidgetConfig {
  const { settings } = kb;
  const own = settings.webchat;
  const languages = settings.languages.filter((l): l is 'id' | 'en' => l === 'id' || l === 'en');
  const logoUrl = look.logoUrl ?? own?.logoUrl;
  return {
    title: look.title ?? own?.title ?? settings.shopName,
    botName: settings.botName,
    color: (look.color ?? own?.color ?? DEFAULT_WEBCHAT_COLOR).toLowerCase(),
    position: look.position ?? own?.position ?? 'right',
    ...(logoUrl ? { logoUrl } : {}),
    greeting: look.greeting ? { id: look.greeting, en: look.greeting } : greetingOf(kb),
    languages: languages.length > 0 ? languages : [settings.defaultLanguage],
    defaultLanguage: settings.defaultLanguage,
  };
}

/** The KB's greeting, as the engine words it for /start (its own default when the KB has none). */
function greetingOf(kb: KnowledgeBase): { id: string; en: string } {
  const { greeting, botName } = kb.settings;
  if (greeting) return { id: greeting.id, en: greeting.en ?? greeting.id };
  return { id: `Halo Kak! Saya ${botName}. Ada yang bisa dibantu?`, en: `Hi! I am ${botName}. How can I help?` };
}
