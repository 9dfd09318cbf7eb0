import type { Command } from 'commander';
import { AgentDesk, type DeskResult } from '../engine/agent-desk';
import { loadKnowledge } from '../knowledge/loader';
import type { KnowledgeBase } from '../knowledge/schema';
import type { ConversationStore, HandoffTicket, TranscriptLine } from '../storage/store';
import { shopTime } from './local-time';
import { CommandError, openBotDatabase } from './open-store';

/** Where these agents act, in the audit log. */
const VIA = 'cli';
/** Lines of the conversation shown under each ticket (its newest). */
const LINES_SHOWN = 5;
/** Characters of one transcript line shown. */
const LINE_CHARS = 120;

type Action = 'claim' | 'reply' | 'resolve' | 'transfer';

interface DeskOptions {
  readonly kb: string;
  readonly db: string;
  readonly agent?: string;
  readonly force?: boolean;
}

/**
 * The terminal agent desk (the embedded default, when no agents' destination is configured):
 * `tanya tickets`, `tanya claim|reply|resolve|transfer <id>`; each action and listing is audited
 * under the agent's name (`--agent` or `TANYA_AGENT`, required: the name is shown to the customer
 * and kept in the audit log, so it is never guessed from the OS user). Replies are queued in the
 * database and delivered by the running bot on the customer's own channel. The database must
 * exist: the desk never starts an empty one.
 */
export function addTicketCommands(program: Command, defaults: { readonly kb: string; readonly db: string; readonly agent?: string }): void {
  const withDesk = async <T>(
    opts: DeskOptions,
    fn: (desk: AgentDesk, agent: string, store: ConversationStore, kb: KnowledgeBase) => Promise<T>,
  ): Promise<T> => {
    const agent = agentName(opts.agent);
    const store = await openBotDatabase(opts.db, 'write');
    try {
      const kb = loadKnowledge(opts.kb);
      return await fn(new AgentDesk(store, () => kb), agent, store, kb);
    } finally {
      await store.close();
    }
  };
  const report = (result: DeskResult, action: Action, agent: string): void => {
    const text = outcomeText(result, action, agent);
    if (result.ok) process.stdout.write(`${text}\n`);
    else {
      process.stderr.write(`${text}\n`);
      process.exitCode = 1;
    }
  };
  const common = (cmd: Command, agentHelp: string): Command =>
    cmd
      .option('--kb <dir>', 'knowledge-base folder', defaults.kb)
      .option('--db <path>', 'SQLite file of the running bot (must exist)', defaults.db)
      .option('--agent <name>', `${agentHelp} (default: TANYA_AGENT; required)`, defaults.agent);
  const forceOption = (cmd: Command, what: string): Command =>
    cmd.option('--force', `${what} even when another agent holds the ticket (recorded in the audit log)`, false);

  common(
    program
      .command('tickets')
      .description("list handoff tickets (open ones unless --all) with the conversation's newest lines; each listing is recorded in the audit log"),
    'your name, for the audit log',
  )
    .option('--all', 'include resolved and cancelled tickets', false)
    .option('--json', 'one JSON object per ticket, with the transcript', false)
    .action(async (opts: DeskOptions & { all: boolean; json: boolean }) => {
      await withDesk(opts, async (desk, agent, store, kb) => {
        const tickets = await desk.viewTickets(agent, { all: opts.all, via: VIA });
        if (opts.json) {
          for (const t of tickets) process.stdout.write(`${JSON.stringify({ ...t, transcript: await store.transcript(t.conversationId) })}\n`);
          return;
        }
        if (tickets.length === 0) process.stdout.write(opts.all ? 'Belum ada tiket / no tickets.\n' : 'Tidak ada tiket terbuka / no open tickets.\n');
        for (const t of tickets) process.stdout.write(`${ticketView(t, await store.transcript(t.conversationId), kb)}\n`);
      });
    });
  common(program.command('claim').description('take a queued ticket').argument('<id>', 'ticket id, e.g. T00001'), 'your name, shown to the customer').action(
    (id: string, opts: DeskOptions) => withDesk(opts, async (desk, agent) => report(await desk.claim(id.toUpperCase(), agent, VIA), 'claim', agent)),
  );
  forceOption(
    common(
      program
        .command('reply')
        .description("send a message to the ticket's customer (claims it if queued); the running bot delivers it")
        .argument('<id>', 'ticket id')
        .argument('<text...>', 'the message'),
      'your name, shown to the customer',
    ),
    'reply',
  ).action(async (id: string, words: string[], opts: DeskOptions) =>
    withDesk(opts, async (desk, agent) =>
      report(await desk.reply(id.toUpperCase(), agent, words.join(' '), VIA, { refuseOthers: !opts.force }), 'reply', agent),
    ),
  );
  forceOption(
    common(program.command('resolve').description('close a ticket: the bot takes over and asks for a 1–5 rating').argument('<id>', 'ticket id'), 'your name'),
    'resolve',
  ).action(async (id: string, opts: DeskOptions) =>
    withDesk(opts, async (desk, agent) => report(await desk.resolve(id.toUpperCase(), agent, VIA, { refuseOthers: !opts.force }), 'resolve', agent)),
  );
  common(
    program
      .command('transfer')
      .description('hand a ticket to another agent, who is introduced to the customer')
      .argument('<id>', 'ticket id')
      .argument('<to>', "the other agent's name"),
    'your name',
  ).action(async (id: string, to: string, opts: DeskOptions) =>
    withDesk(opts, async (desk, agent) => report(await desk.transfer(id.toUpperCase(), agent, to, VIA), 'transfer', agent)),
  );
}

function agentName(given: string | undefined): string {
  const name = given?.trim();
  if (!name) {
    throw new CommandError(
      'Tulis nama agen Anda: --agent NAMA atau TANYA_AGENT=NAMA (nama ini dilihat pelanggan dan dicatat di log audit). / ' +
        'Give your agent name: --agent NAME or TANYA_AGENT=NAME (customers see it and the audit log records it).',
    );
  }
  return name;
}

/**
 * What a desk command prints: honest about delivery (the customer's messages wait in the outbox
 * for the running bot; this command cannot see whether one runs) and naming who holds a ticket.
 */
function outcomeText(result: DeskResult, action: Action, agent: string): string {
  const sent = 'terkirim ke pelanggan saat bot berjalan';
  if (result.ok) {
    const t = result.ticket;
    const held = t.agent && t.agent !== agent ? ` (dipegang / held by ${t.agent})` : '';
    switch (action) {
      case 'claim':
        return `✅ ${t.id} sekarang milik Anda (${agent}). / ${t.id} is yours (${agent}).`;
      case 'transfer':
        return `↪️ ${t.id} sekarang ditangani ${t.agent ?? ''} / now handled by ${t.agent ?? ''}.`;
      case 'resolve':
        return `☑️ ${t.id} ditutup${held}; pesan penutup dan pertanyaan rating ${sent}. / ${t.id} resolved; the closing message and the rating question are sent when the bot is running.`;
      case 'reply':
        return `✉️ Tersimpan untuk ${t.id}${held}; ${sent}. / Saved for ${t.id}; it is sent to the customer when the bot is running.`;
      default: {
        const exhaustive: never = action;
        return exhaustive;
      }
    }
  }
  const id = result.ticket?.id ?? '';
  switch (result.error) {
    case 'not-found':
      return 'Tiket tidak ditemukan; "tanya tickets --all" menampilkan semua tiket. / No such ticket; "tanya tickets --all" lists every ticket.';
    case 'closed':
      return `Tiket ${id} sudah ditutup (${result.ticket?.status ?? ''}). / Ticket ${id} is already closed.`;
    case 'claimed-by-other': {
      const holder = result.ticket?.agent ?? 'agen lain';
      const forced = action === 'reply' || action === 'resolve';
      return (
        `Tiket ${id} sedang ditangani ${holder}; minta ${holder} memindahkannya (tanya transfer ${id} NAMA)${forced ? ` atau pakai --force untuk tetap ${action === 'reply' ? 'membalas' : 'menutupnya'}` : ''}. / ` +
        `Ticket ${id} is held by ${holder}; ask ${holder} to transfer it${forced ? ` or use --force to ${action} anyway` : ''}.`
      );
    }
    case 'empty':
      return 'Pesannya kosong. / The message is empty.';
    default: {
      const exhaustive: never = result.error;
      return exhaustive;
    }
  }
}

/** A ticket's line and the conversation's newest lines (up to its close), who said them and when, in the shop's time zone. */
function ticketView(t: HandoffTicket, transcript: readonly TranscriptLine[], kb: KnowledgeBase): string {
  const zone = kb.settings.timezone;
  const customer = t.customerName ?? t.customerId;
  const head = `${t.id}  ${t.status.padEnd(9)} ${shopTime(t.createdAt, zone)}  ${t.channel}  ${customer}  (${t.reason})${t.agent ? `  agent: ${t.agent}` : ''}${t.csat ? `  csat: ${t.csat}` : ''}`;
  const until = t.resolvedAt;
  const lines = (until ? transcript.filter((l) => l.at <= until) : transcript).slice(-LINES_SHOWN);
  // A conversation already purged or forgotten leaves at most the ticket's own summary.
  const shown = lines.length > 0 ? lines : t.summary.lastQuestion ? [{ direction: 'in' as const, text: t.summary.lastQuestion, at: t.createdAt }] : [];
  const speaker = (l: TranscriptLine): string => (l.direction === 'in' ? customer : l.decision === 'agent' ? 'agen / agent' : kb.settings.botName);
  return [head, ...shown.map((l) => `    ${shopTime(l.at, zone)}  ${speaker(l)}: ${oneLine(l.text)}`)].join('\n');
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > LINE_CHARS ? `${flat.slice(0, LINE_CHARS - 1)}…` : flat;
}
