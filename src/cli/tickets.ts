import type { Command } from 'commander';
import { AgentDesk, type DeskResult } from '../engine/agent-desk';
import { loadKnowledge } from '../knowledge/loader';
import { outcomeText } from '../handoff/telegram-desk';
import { SqliteStore } from '../storage/sqlite';
import type { HandoffTicket } from '../storage/store';

/** Where these agents act, in the audit log. */
const VIA = 'cli';

interface DeskOptions {
  readonly kb: string;
  readonly db: string;
  readonly agent: string;
}

/**
 * The terminal agent desk (the embedded default, when no agents' destination is configured):
 * `tanya tickets`, `tanya claim|reply|resolve|transfer <id>`; each action and listing is audited. Replies are queued in the database and
 * delivered by the running bot on the customer's own channel.
 */
export function addTicketCommands(program: Command, defaults: { kb: string; db: string; agent: string }): void {
  const withDesk = <T>(opts: DeskOptions, fn: (desk: AgentDesk, store: SqliteStore) => T): T => {
    const kb = loadKnowledge(opts.kb);
    const store = new SqliteStore(opts.db);
    try {
      return fn(new AgentDesk(store, () => kb), store);
    } finally {
      store.close();
    }
  };
  const report = (result: DeskResult, action: 'claim' | 'reply' | 'resolve' | 'transfer'): void => {
    const text = outcomeText(result, action);
    if (result.ok) process.stdout.write(`${text}\n`);
    else {
      process.stderr.write(`${text}\n`);
      process.exitCode = 1;
    }
  };
  const common = (cmd: Command): Command => cmd.option('--kb <dir>', 'knowledge-base folder', defaults.kb).option('--db <path>', 'SQLite file of the running bot', defaults.db);

  common(program.command('tickets').description('list handoff tickets (open ones unless --all); each listing is recorded in the audit log'))
    .option('--all', 'include resolved and cancelled tickets', false)
    .option('--agent <name>', 'your name, for the audit log', defaults.agent)
    .option('--json', 'one JSON object per ticket, with the transcript', false)
    .action((opts: DeskOptions & { all: boolean; json: boolean }) => {
      withDesk(opts, (desk, store) => {
        const tickets = desk.viewTickets(opts.agent, { all: opts.all, via: VIA });
        if (opts.json) {
          for (const t of tickets) process.stdout.write(`${JSON.stringify({ ...t, transcript: store.transcript(t.conversationId) })}\n`);
          return;
        }
        if (tickets.length === 0) process.stdout.write('Tidak ada tiket terbuka / no open tickets.\n');
        for (const t of tickets) process.stdout.write(`${ticketLine(t)}\n`);
      });
    });
  common(program.command('claim').description('take a queued ticket').argument('<id>', 'ticket id, e.g. T00001'))
    .option('--agent <name>', 'your name, shown to the customer', defaults.agent)
    .action((id: string, opts: DeskOptions) => withDesk(opts, (desk) => report(desk.claim(id.toUpperCase(), opts.agent, VIA), 'claim')));
  common(program.command('reply').description("send a message to the ticket's customer (claims it if queued)").argument('<id>', 'ticket id').argument('<text...>', 'the message'))
    .option('--agent <name>', 'your name, shown to the customer', defaults.agent)
    .action((id: string, words: string[], opts: DeskOptions) => withDesk(opts, (desk) => report(desk.reply(id.toUpperCase(), opts.agent, words.join(' '), VIA), 'reply')));
  common(program.command('resolve').description('close a ticket: the bot takes over and asks for a 1–5 rating').argument('<id>', 'ticket id'))
    .option('--agent <name>', 'your name', defaults.agent)
    .action((id: string, opts: DeskOptions) => withDesk(opts, (desk) => report(desk.resolve(id.toUpperCase(), opts.agent, VIA), 'resolve')));
  common(program.command('transfer').description('hand a ticket to another agent, who is introduced to the customer').argument('<id>', 'ticket id').argument('<to>', "the other agent's name"))
    .option('--agent <name>', 'your name', defaults.agent)
    .action((id: string, to: string, opts: DeskOptions) => withDesk(opts, (desk) => report(desk.transfer(id.toUpperCase(), opts.agent, to, VIA), 'transfer')));
}

function ticketLine(t: HandoffTicket): string {
  const who = t.customerName ?? t.customerId;
  return `${t.id}  ${t.status.padEnd(9)} ${t.createdAt.slice(0, 16).replace('T', ' ')}  ${t.channel}  ${who}  (${t.reason})${t.agent ? `  agent: ${t.agent}` : ''}${t.csat ? `  csat: ${t.csat}` : ''}\n    ${t.summary.lastQuestion.slice(0, 100)}`;
}
