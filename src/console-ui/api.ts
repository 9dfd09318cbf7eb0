import type { TicketRowView } from '../console/ticket-view';
/// <reference lib="dom" />
import { meta } from './dom';

/** What the server says about a ticket in the list (see src/console/ticket-view.ts). */
/** A ticket as the inbox API lists it (the server's view, type only: nothing of it is bundled). */
export type TicketRow = TicketRowView;

export interface TicketDetail extends TicketRow {
  readonly customerId: string;
  readonly lines: readonly {
    readonly from: 'customer' | 'bot' | 'agent';
    readonly text: string;
    readonly at: string;
    readonly decision?: string;
    readonly entryId?: string;
    readonly confidence?: number;
  }[];
  readonly flow: { readonly id: string; readonly slots: Readonly<Record<string, string | number>> } | null;
  readonly candidates: readonly { readonly entryId: string; readonly score: number }[];
  readonly notes: readonly { readonly agent: string; readonly text: string; readonly at: string }[];
  readonly csat: number | null;
}

export interface CannedReply {
  readonly entryId: string;
  readonly title: string;
  readonly text: string;
}

/** A console API call; a lost session sends the browser to the sign-in form. */
export async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (response.status === 401) location.assign('/console/login');
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return (await response.json()) as T;
}

/** A change, with the session's CSRF token; resolves with the status and the server's answer. */
export async function postJson(path: string, body: unknown): Promise<{ status: number; body: { error?: string } }> {
  const response = await fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': meta('csrf-token') },
    body: JSON.stringify(body),
  });
  if (response.status === 401) location.assign('/console/login');
  return { status: response.status, body: (await response.json()) as { error?: string } };
}
