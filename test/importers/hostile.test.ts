import AdmZip from 'adm-zip';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { readDialogflowAgent } from '../../src/importers/dialogflow';
import { MAX_FILES, MAX_FOLDER_DEPTH } from '../../src/importers/import-files';
import { writeMigration, type Migration } from '../../src/importers/migrate';
import { readRasaProject } from '../../src/importers/rasa';
import { readFaqSheet, readQnaMaker } from '../../src/importers/spreadsheet';

/**
 * What "an attacker's toolkit" feeds the importers: FIFOs, link loops, zip bombs, billion laughs,
 * huge lines and cells, quadratic-time patterns, links planted in the output folder. Every input
 * is made here at run time. Each case must end in a clear error or a note, quickly (the time
 * bound is a guard against hangs, not a benchmark), and the CLI must say "tanya: …" and exit 1
 * without a stack trace.
 */

/** Seconds any one case may take: far above what it needs, far below a hang. */
const QUICK = 15;

const MB = 1024 * 1024;
const made: string[] = [];
/** A fresh folder, removed after the tests (some inputs are tens of megabytes). */
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tanya-hostile-'));
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function put(dir: string, rel: string, content: string | Buffer): string {
  const path = join(dir, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

type Tool = 'csv' | 'qna' | 'rasa' | 'dialogflow';

function read(tool: Tool, path: string): Promise<Migration> {
  switch (tool) {
    case 'csv':
      return readFaqSheet(path);
    case 'qna':
      return readQnaMaker(path);
    case 'rasa':
      return Promise.resolve().then(() => readRasaProject(path));
    case 'dialogflow':
      return Promise.resolve().then(() => readDialogflowAgent(path));
    default: {
      const _exhaustive: never = tool;
      return _exhaustive;
    }
  }
}

/** Runs an import, timing it: its migration or its error. */
async function timed(tool: Tool, path: string): Promise<{ migration?: Migration; error?: Error; seconds: number }> {
  const start = process.hrtime.bigint();
  let migration: Migration | undefined;
  let error: Error | undefined;
  try {
    migration = await read(tool, path);
  } catch (e) {
    error = e instanceof Error ? e : new Error(String(e));
  }
  return { migration, error, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

async function expectRefused(tool: Tool, path: string, message: RegExp): Promise<void> {
  const { error, seconds, migration } = await timed(tool, path);
  expect(migration).toBeUndefined();
  expect(error?.message).toMatch(message);
  expect(seconds).toBeLessThan(QUICK);
}

async function expectImported(tool: Tool, path: string): Promise<Migration> {
  const { error, seconds, migration } = await timed(tool, path);
  expect(error).toBeUndefined();
  expect(seconds).toBeLessThan(QUICK);
  if (!migration) throw new Error('no migration');
  return migration;
}

const messages = (m: Migration): string[] =>
  (m.notes ?? []).map((n) => `${n.place ? `${n.place.file}${n.place.line ? `:${n.place.line}` : ''}: ` : ''}${n.message}`);

/** The smallest good inputs, to plant hostile parts into. */
const RASA_NLU = 'nlu:\n- intent: greet\n  examples: |\n    - halo\n';
function rasaProject(): string {
  const dir = temp();
  put(dir, 'config.yml', 'language: id\n');
  put(dir, 'domain.yml', 'responses:\n  utter_greet:\n  - text: Halo juga\n');
  put(dir, 'data/nlu.yml', RASA_NLU);
  return dir;
}

function dialogflowFolder(): string {
  const dir = temp();
  put(dir, 'agent.json', JSON.stringify({ language: 'id' }));
  put(dir, 'intents/Halo.json', JSON.stringify({ name: 'Halo', responses: [{ messages: [{ type: '0', lang: 'id', speech: ['Halo juga'] }] }] }));
  put(dir, 'intents/Halo_usersays_id.json', JSON.stringify([{ data: [{ text: 'halo' }] }]));
  return dir;
}

function zipOf(files: Readonly<Record<string, string | Buffer>>): AdmZip {
  const zip = new AdmZip();
  for (const [name, content] of Object.entries(files)) zip.addFile(name, typeof content === 'string' ? Buffer.from(content) : content);
  return zip;
}

const AGENT_FILES = {
  'agent.json': JSON.stringify({ language: 'id' }),
  'intents/Halo.json': JSON.stringify({ name: 'Halo', responses: [{ messages: [{ type: '0', lang: 'id', speech: ['Halo juga'] }] }] }),
  'intents/Halo_usersays_id.json': JSON.stringify([{ data: [{ text: 'halo' }] }]),
};

/**
 * A zip whose entries declare other sizes than they have: `sizes` gives the uncompressed size to
 * write into an entry's central and local headers (what adm-zip and ExcelJS read before unpacking).
 */
function withDeclaredSizes(zip: Buffer, sizes: (name: string) => number | undefined): Buffer {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  for (let i = 0; i < count; i++) {
    const nameLength = zip.readUInt16LE(at + 28);
    const size = sizes(zip.toString('utf8', at + 46, at + 46 + nameLength));
    if (size !== undefined) {
      zip.writeUInt32LE(size, at + 24);
      zip.writeUInt32LE(size, zip.readUInt32LE(at + 42) + 22);
    }
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return zip;
}

/** A FIFO at `path`, or false where mkfifo does not exist. */
function fifo(path: string): boolean {
  if (process.platform === 'win32') return false;
  mkdirSync(dirname(path), { recursive: true });
  const made = spawnSync('mkfifo', [path]);
  return made.status === 0;
}
const hasMkfifo = process.platform !== 'win32' && spawnSync('mkfifo', ['--version']).error === undefined;

/** An xlsx workbook written by ExcelJS, as people save one. */
async function workbook(rows: readonly (readonly string[])[]): Promise<Buffer> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Workbook } = require('exceljs') as typeof import('exceljs');
  const book = new Workbook();
  const sheet = book.addWorksheet('FAQ');
  for (const row of rows) sheet.addRow([...row]);
  return Buffer.from(await book.xlsx.writeBuffer());
}

/**
 * Every refused case, as [what, tool, make the input → path, expected error]. The same table runs
 * through the library and through the CLI.
 */
type Case = readonly [string, Tool, () => string | Promise<string>, RegExp];

const REFUSED: readonly Case[] = [
  [
    'a CSV file of 300 MB (sparse: refused by its size, never read)',
    'csv',
    () => {
      const path = put(temp(), 'faq.csv', 'question,answer\n');
      truncateSync(path, 300 * MB);
      return path;
    },
    /faq\.csv is 300 MB; an export is at most 64 MB per file — /,
  ],
  [
    'a binary file given as CSV',
    'csv',
    () => put(temp(), 'faq.csv', Buffer.from([0x71, 0x2c, 0x61, 0x0a, 0, 1, 2, 0xff])),
    /a binary file, not a spreadsheet export/,
  ],
  [
    'a CSV row of 1,000,000 columns',
    'csv',
    () => put(temp(), 'wide.csv', `question,answer${','.repeat(1_000_000)}\nq,a\n`),
    /wide\.csv:1: a row of more than 16,384 cells; a sheet has at most 16,384 columns/,
  ],
  [
    'a CSV cell of 50 MB',
    'csv',
    () => put(temp(), 'big.csv', `question,answer\nq,"${'x'.repeat(50 * MB)}"\n`),
    /big\.csv:2: column 2 holds a text of 50 MB \("xxxx.*a single text is at most 1 MB/,
  ],
  ['a CSV line of 40 MB', 'csv', () => put(temp(), 'line.csv', `question,answer\nq,${'a '.repeat(20 * MB)}\n`), /line\.csv:2: column 2 holds a text of 40 MB/],
  [
    'a QnA TSV whose Prompts cell is 10 MB of JSON',
    'qna',
    () =>
      put(
        temp(),
        'kb.tsv',
        `Question\tAnswer\tSource\tMetadata\tSuggestedQuestions\tIsContextOnly\tPrompts\tQnaId\nq\ta\ts\t\t[]\tfalse\t${'['.repeat(5 * MB)}${']'.repeat(5 * MB)}\t1\n`,
      ),
    /kb\.tsv:2: column 7 holds a text of 10 MB/,
  ],
  [
    'a QnA TSV line of a million tabs',
    'qna',
    () => put(temp(), 'kb.tsv', `Question\tAnswer\tQnaId\nq${'\t'.repeat(1_000_000)}\n`),
    /kb\.tsv:2: a row of more than 16,384 cells/,
  ],
  [
    'an .xlsx zip bomb (declares 100 MB unpacked)',
    'csv',
    async () => {
      const bytes = withDeclaredSizes(await workbook([['question', 'answer']]), (name) => (name === 'xl/worksheets/sheet1.xml' ? 100 * MB : undefined));
      return put(temp(), 'faq.xlsx', bytes);
    },
    /faq\.xlsx\/xl\/worksheets\/sheet1\.xml unpacks to 100 MB; an entry is at most 64 MB unpacked — save the sheet as CSV UTF-8/,
  ],
  [
    'an .xlsx whose entry unpacks to more than it declares',
    'csv',
    async () => {
      const zip = new AdmZip(await workbook([['question', 'answer']]));
      zip.addFile('xl/media/filler.bin', Buffer.alloc(8 * MB, 0x20));
      return put(
        temp(),
        'faq.xlsx',
        withDeclaredSizes(zip.toBuffer(), (name) => (name === 'xl/media/filler.bin' ? 1000 : undefined)),
      );
    },
    /faq\.xlsx\/xl\/media\/filler\.bin: cannot be unpacked \(it unpacks to more than it declares\)/,
  ],
  [
    'a Dialogflow zip bomb: one entry of 70 MB of zeros (70 KB zipped)',
    'dialogflow',
    () => {
      const zip = zipOf({ ...AGENT_FILES, 'intents/Halo_usersays_en.json': Buffer.alloc(70 * MB) });
      return put(temp(), 'agent.zip', zip.toBuffer());
    },
    /agent\.zip\/intents\/Halo_usersays_en\.json unpacks to 70 MB; an entry is at most 64 MB unpacked/,
  ],
  [
    'a Dialogflow zip whose entries declare 300 MB in all',
    'dialogflow',
    () => {
      const files: Record<string, string> = { ...AGENT_FILES };
      for (let i = 0; i < 5; i++) files[`entities/e${i}.json`] = '{}';
      const bytes = withDeclaredSizes(zipOf(files).toBuffer(), (name) => (name.startsWith('entities/') ? 60 * MB : undefined));
      return put(temp(), 'agent.zip', bytes);
    },
    /agent\.zip unpacks to more than 256 MB in all/,
  ],
  [
    'a Dialogflow zip whose entry unpacks to more than it declares',
    'dialogflow',
    () => {
      const zip = zipOf({ ...AGENT_FILES, 'intents/Big.json': Buffer.alloc(8 * MB, 0x20) });
      return put(
        temp(),
        'agent.zip',
        withDeclaredSizes(zip.toBuffer(), (name) => (name === 'intents/Big.json' ? 1000 : undefined)),
      );
    },
    /agent\.zip\/intents\/Big\.json: cannot be unpacked \(it unpacks to more than it declares\)/,
  ],
  [
    'a zip of 30,000 entries',
    'dialogflow',
    () => {
      const zip = zipOf(AGENT_FILES);
      for (let i = 0; i < 30_000; i++) zip.addFile(`x/${i}.txt`, Buffer.alloc(0));
      return put(temp(), 'agent.zip', zip.toBuffer());
    },
    /agent\.zip holds 30,003 files; an export holds at most 20,000/,
  ],
  [
    'a file that is no zip at all, named .zip',
    'dialogflow',
    () => put(temp(), 'agent.zip', 'PK\u0003\u0004 not really'),
    /agent\.zip: not a readable zip file/,
  ],
  [
    'a Dialogflow folder of 5 files of 60 MB (sparse: the total is refused before reading)',
    'dialogflow',
    () => {
      const dir = dialogflowFolder();
      for (let i = 0; i < 5; i++) truncateSync(put(dir, `entities/e${i}.json`, '{}'), 60 * MB);
      return dir;
    },
    /add up to 300 MB; an import reads at most 256 MB in all/,
  ],
  [
    `a Dialogflow folder nested ${MAX_FOLDER_DEPTH + 8} folders deep`,
    'dialogflow',
    () => {
      const dir = dialogflowFolder();
      put(dir, `intents/${Array.from({ length: MAX_FOLDER_DEPTH + 8 }, (_, i) => `d${i}`).join('/')}/x.json`, '{}');
      return dir;
    },
    new RegExp(`is ${MAX_FOLDER_DEPTH + 1} folders deep; an import walks at most ${MAX_FOLDER_DEPTH} folders deep`),
  ],
  [
    `a Dialogflow folder of more than ${MAX_FILES.toLocaleString('en-US')} files`,
    'dialogflow',
    () => {
      const dir = dialogflowFolder();
      mkdirSync(join(dir, 'many'));
      for (let i = 0; i <= MAX_FILES; i++) writeFileSync(join(dir, 'many', `${i}.txt`), '');
      return dir;
    },
    /holds more than 20,000 files and folders/,
  ],
  [
    'a Dialogflow intent with a text of 2 MB',
    'dialogflow',
    () => {
      const dir = dialogflowFolder();
      put(dir, 'intents/Big.json', JSON.stringify({ name: 'Big', responses: [{ messages: [{ type: '0', speech: 'y'.repeat(2 * MB) }] }] }));
      return dir;
    },
    /intents\/Big\.json: a text of 2 MB \("yyyy.*a single text is at most 1 MB/,
  ],
  [
    'a Rasa Markdown line of 2 MB',
    'rasa',
    () => {
      const dir = rasaProject();
      put(dir, 'data/nlu.md', `## intent:big\n- ${'z'.repeat(2 * MB)}\n`);
      return dir;
    },
    /data\/nlu\.md:2: a line of 2 MB/,
  ],
  [
    'a Rasa YAML text of 2 MB',
    'rasa',
    () => {
      const dir = rasaProject();
      put(dir, 'data/responses.yml', `responses:\n  utter_big:\n  - text: "${'w'.repeat(2 * MB)}"\n`);
      return dir;
    },
    /data\/responses\.yml:3: a text of 2 MB/,
  ],
  [
    'Rasa YAML nested 200,000 levels deep',
    'rasa',
    () => {
      const dir = rasaProject();
      put(dir, 'data/deep.yml', `nlu: ${'['.repeat(200_000)}${']'.repeat(200_000)}\n`);
      return dir;
    },
    /data\/deep\.yml:1:\d+: lists or mappings are nested more than 100 levels deep here/,
  ],
  [
    'Rasa YAML nested 150 levels deep (parsed, then refused)',
    'rasa',
    () => {
      const dir = rasaProject();
      put(dir, 'data/deep.yml', `nlu: ${'['.repeat(150)}${']'.repeat(150)}\n`);
      return dir;
    },
    /data\/deep\.yml:1:\d+: lists or mappings are nested more than 100 levels deep here/,
  ],
  [
    'a "billion laughs" of Rasa rules: aliases of lists of aliases',
    'rasa',
    () => {
      const dir = rasaProject();
      const many = (alias: string): string => `[${Array.from({ length: 1000 }, () => `*${alias}`).join(', ')}]`;
      put(dir, 'data/rules.yml', `u: &u {intent: greet}\no: &o ${many('u')}\nt: &t {or: *o}\ns: &s ${many('t')}\nb: &b {steps: *s}\nrules: ${many('b')}\n`);
      return dir;
    },
    /data\/rules\.yml:\d+: the aliases of this file \(here \*[a-z]\) repeat its parts more than 1,000,000 times over, like a "billion laughs" attack/,
  ],
  [
    'a Rasa NLU file saved as UTF-16',
    'rasa',
    () => {
      const dir = rasaProject();
      put(dir, 'data/nlu.yml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(RASA_NLU, 'utf16le')]));
      return dir;
    },
    /data\/nlu\.yml: the file is UTF-16; save it as UTF-8/,
  ],
];

describe('hostile input: each case ends in a clear error, quickly', () => {
  it.each(REFUSED)('%s', async (_what, tool, make, message) => {
    await expectRefused(tool, await make(), message);
  });
});

(hasMkfifo ? describe : describe.skip)('FIFOs, which would block a read forever', () => {
  it('refuses a FIFO named as the CSV, the QnA file or the Dialogflow zip, without opening it', async () => {
    const dir = temp();
    for (const [tool, name] of [
      ['csv', 'faq.csv'],
      ['qna', 'kb.tsv'],
      ['dialogflow', 'agent.zip'],
    ] as const) {
      expect(fifo(join(dir, name))).toBe(true);
      await expectRefused(tool, join(dir, name), new RegExp(`${name}: this is not an ordinary file \\(it may be a device or a pipe\\)`));
    }
  });

  it('refuses a FIFO named as a Rasa NLU file, or lying among the data files', async () => {
    const dir = rasaProject();
    expect(fifo(join(dir, 'data', 'pipe.yml'))).toBe(true);
    await expectRefused('rasa', dir, /data\/pipe\.yml: this is not an ordinary file \(it may be a device or a pipe\); keep only the project’s own files/);
    await expectRefused('rasa', join(dir, 'data', 'pipe.yml'), /pipe\.yml: this is not an ordinary file/);
  });

  it('refuses a FIFO among the files of a Dialogflow folder, and a link to one', async () => {
    const dir = dialogflowFolder();
    expect(fifo(join(dir, 'intents', 'pipe.json'))).toBe(true);
    await expectRefused('dialogflow', dir, /intents\/pipe\.json: this is not an ordinary file/);
    const linked = dialogflowFolder();
    symlinkSync(join(dir, 'intents', 'pipe.json'), join(linked, 'intents', 'to-pipe.json'));
    await expectRefused('dialogflow', linked, /intents\/to-pipe\.json: this is not an ordinary file/);
  });
});

describe('hostile input that still imports, with a note', () => {
  it('does not follow a link loop in a Rasa project or a Dialogflow folder', async () => {
    const rasa = rasaProject();
    symlinkSync('..', join(rasa, 'data', 'loop'));
    const r = await expectImported('rasa', rasa);
    expect(r.entries.map((e) => e.name)).toEqual(['greet']);
    expect(messages(r)).toContain('data/loop: a link to a folder, not followed (a link can lead back into the project forever); copy the files in instead');

    const df = dialogflowFolder();
    symlinkSync('.', join(df, 'intents', 'loop'));
    const d = await expectImported('dialogflow', df);
    expect(d.entries.map((e) => e.name)).toEqual(['Halo']);
    expect(messages(d)).toContain('intents/loop: a link to a folder, not followed (a link can lead back into the export forever); copy the files in instead');
  });

  it('reads a link to an ordinary file (documented choice), but refuses a broken link and a link into /proc', async () => {
    const shared = put(temp(), 'shared-nlu.yml', 'nlu:\n- intent: bye\n  examples: |\n    - dadah\n');
    const dir = rasaProject();
    symlinkSync(shared, join(dir, 'data', 'bye.yml'));
    expect((await expectImported('rasa', dir)).entries.map((e) => e.name).sort()).toEqual(['bye', 'greet']);

    const broken = rasaProject();
    symlinkSync(join(broken, 'nowhere.yml'), join(broken, 'data', 'gone.yml'));
    await expectRefused('rasa', broken, /gone\.yml: .*gone\.yml is a symbolic link to something that does not exist/);

    if (existsSync('/proc/self/environ')) {
      const secret = dialogflowFolder();
      symlinkSync('/proc/self/environ', join(secret, 'intents', 'env.json'));
      await expectRefused('dialogflow', secret, /intents\/env\.json: .*a system file \(under \/proc, \/sys or \/dev\) that tanya does not read/);
    }
  });

  it('notes a Dialogflow intent file that holds a list or a number instead of an object', async () => {
    const dir = dialogflowFolder();
    put(dir, 'intents/List.json', '[1, 2]');
    put(dir, 'intents/List_usersays_id.json', JSON.stringify([{ data: [{ text: 'daftar' }] }]));
    put(dir, 'intents/Number.json', '42');
    put(dir, 'intents/Deep.json', `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`);
    put(dir, 'intents/Odd.json', JSON.stringify({ name: 'Odd' }));
    put(dir, 'intents/Odd_usersays_id.json', '"not a list"');
    const m = await expectImported('dialogflow', dir);
    expect(m.entries.map((e) => e.name)).toEqual(['Halo']);
    expect(messages(m)).toEqual(
      expect.arrayContaining([
        "intents/List.json: not an intent: the file holds a list, where Dialogflow writes an object with the intent's name and responses; skipped (export the agent again)",
        "intents/Number.json: not an intent: the file holds a number, where Dialogflow writes an object with the intent's name and responses; skipped (export the agent again)",
        "intents/Deep.json: not an intent: the file holds a list, where Dialogflow writes an object with the intent's name and responses; skipped (export the agent again)",
        'intents/Odd_usersays_id.json: the file holds a string, where Dialogflow writes a list of training phrases; none read from it',
      ]),
    );
  });

  it('notes bytes that are not UTF-8 in a Dialogflow export and a Rasa file, and reads a Windows-1252 CSV', async () => {
    const df = dialogflowFolder();
    put(df, 'intents/Kafe_usersays_id.json', Buffer.concat([Buffer.from('[{"data":[{"text":"caf'), Buffer.from([0xe9]), Buffer.from('"}]}]')]));
    put(df, 'intents/Kafe.json', JSON.stringify({ name: 'Kafe' }));
    const d = await expectImported('dialogflow', df);
    expect(messages(d).find((n) => n.startsWith('intents/Kafe_usersays_id.json:1: the file is not UTF-8'))).toBeDefined();

    const rasa = rasaProject();
    put(rasa, 'data/cafe.yml', Buffer.concat([Buffer.from('nlu:\n- intent: cafe\n  examples: |\n    - caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    const r = await expectImported('rasa', rasa);
    expect(messages(r).find((n) => n.startsWith('data/cafe.yml:4: the file is not UTF-8'))).toBeDefined();

    const csv = put(temp(), 'faq.csv', Buffer.concat([Buffer.from('question,answer\nkafe?,caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    const c = await expectImported('csv', csv);
    expect(c.entries[0]?.answer).toBe('café');
  });

  it('reads zip entries named "../…" or "/…" into memory only: nothing is written outside', async () => {
    const dir = temp();
    const zip = zipOf({ ...AGENT_FILES, '../../escaped/intents/Evil.json': '{"name":"Evil"}', '/absolute/Evil.json': '{}', '..\\windows\\Evil.json': '{}' });
    const path = put(dir, 'agent.zip', zip.toBuffer());
    const m = await expectImported('dialogflow', path);
    expect(m.entries.map((e) => e.name)).toEqual(['Halo']);
    const out = join(dir, 'kb');
    writeMigration(out, m, path, 'dialogflow');
    expect(readdirSync(dir).sort()).toEqual(['agent.zip', 'kb']);
    expect(readdirSync(out).sort()).toEqual(['IMPORT-REPORT.md', 'faq.yaml']);
    expect(existsSync(join(dir, '..', 'escaped'))).toBe(false);
    expect(existsSync('/absolute')).toBe(false);
  });
});

describe('patterns that were quadratic stay fast', () => {
  it('Rasa Markdown: long runs of spaces, "<!--" without end, "[" without "]", "OR" lists', async () => {
    const dir = rasaProject();
    const n = 200_000;
    put(
      dir,
      'data/nlu.md',
      [
        `## intent:spaces ${' '.repeat(n)}x`,
        `- halo${' '.repeat(n)}kak\r${' '.repeat(n)}x`,
        `- ${'<!--'.repeat(n / 4)}`,
        `- ${'['.repeat(n)}`,
        `- ${'[a]('.repeat(n / 4)}`,
        '## story long',
        `* greet${' '.repeat(n)}OR${' '.repeat(n)}x`,
        `*${' '.repeat(n)}y\r${' '.repeat(n)}z`,
        `  -${' '.repeat(n)}utter_greet\r${' '.repeat(n)}x`,
        '',
      ].join('\n'),
    );
    const m = await expectImported('rasa', dir);
    expect(m.entries.some((e) => e.name === 'greet')).toBe(true);
    expect(m.entries.some((e) => e.name === `spaces ${' '.repeat(n)}x`)).toBe(true);
  });

  it('Dialogflow: a 1 MB name of "talk" (no one to talk to), an answer of 100,000 parameters, 20,000 links, 50,000 synonyms, 3,000 follow-ups of one kind', async () => {
    const dir = dialogflowFolder();
    const talk = 'talk '.repeat(200_000);
    put(dir, 'intents/Talk.json', JSON.stringify({ name: talk, responses: [{ messages: [{ type: '0', speech: 'hi' }] }] }));
    put(dir, 'intents/Talk_usersays_id.json', JSON.stringify([{ data: [{ text: 'bicara' }] }]));
    // "$p1_" is no prefix of "$p10_": with plain "$p1", "$p10" the answer keeps its "0" (as it always did).
    const params = Array.from({ length: 100_000 }, (_, i) => `$p${i}_`).join(' ');
    const links = Array.from({ length: 20_000 }, (_, i) => ({ type: 1, title: 'Kartu', buttons: [{ text: `b${i}`, postback: `https://x.test/${i}` }] }));
    put(dir, 'intents/Params.json', JSON.stringify({ id: 'p', name: 'Params', responses: [{ messages: [{ type: '0', speech: params }, ...links] }] }));
    put(dir, 'intents/Params_usersays_id.json', JSON.stringify([{ data: [{ text: 'parameter' }] }]));
    put(dir, 'entities/kota.json', JSON.stringify({ name: 'kota' }));
    put(dir, 'entities/kota_entries_id.json', JSON.stringify([{ value: 'Jakarta', synonyms: Array.from({ length: 50_000 }, (_, i) => `jkt${i}`) }]));
    for (let i = 0; i < 3000; i++) {
      put(
        dir,
        `intents/Params - yes ${i}.json`,
        JSON.stringify({ id: `y${i}`, parentId: 'p', name: `Params - yes`, responses: [{ messages: [{ type: '0', speech: 'ok' }] }] }),
      );
      put(dir, `intents/Params - yes ${i}_usersays_id.json`, JSON.stringify([{ data: [{ text: 'ya' }] }]));
    }
    const m = await expectImported('dialogflow', dir);
    // Compared as booleans and counts: a failure must not print megabytes.
    expect(m.entries.find((e) => e.name === talk)?.action === undefined).toBe(true);
    expect(m.entries.find((e) => e.name === 'Params')?.answers === undefined).toBe(true);
    expect(m.settings?.synonyms?.Jakarta?.length).toBe(50_000);
    expect(m.flows?.length).toBe(1);
  });

  it('CSV: 20,000 rows whose names give one id ("entry", "entry-2" …) and a header of 16,384 question columns over 50,000 short rows', async () => {
    const rows = Array.from(
      { length: 20_000 },
      (_, i) => `${String.fromCharCode(0x4e00 + (i % 100))}${String.fromCharCode(0x4e00 + Math.floor(i / 100))}?,jawaban ${i}`,
    );
    const m = await expectImported('csv', put(temp(), 'cjk.csv', `pertanyaan,jawaban\n${rows.join('\n')}\n`));
    expect(m.entries).toHaveLength(20_000);
    const out = temp();
    const start = process.hrtime.bigint();
    writeMigration(out, m, 'cjk.csv', 'csv');
    expect(Number(process.hrtime.bigint() - start) / 1e9).toBeLessThan(QUICK);
    const ids = readFileSync(join(out, 'faq.yaml'), 'utf8').match(/^ {2}- id: .+$/gm) ?? [];
    expect(ids.slice(0, 3)).toEqual(['  - id: entry', '  - id: entry-2', '  - id: entry-3']);

    const wide = `${Array.from({ length: 16_384 }, () => 'question').join(',')}\n${Array.from({ length: 50_000 }, (_, i) => `q${i}`).join('\n')}\n`;
    const w = await expectImported('csv', put(temp(), 'wide.csv', wide));
    expect(w.entries.length).toBeGreaterThan(0);
  });
});

describe('the --out folder', () => {
  const migration: Migration = {
    entries: [{ name: 'Halo', questions: ['halo'], answer: 'Halo juga' }],
    unsupported: [],
    flows: [{ id: 'x', title: { id: 'X' }, trigger: { entries: ['Halo'] }, steps: [{ say: { id: 'ok' }, action: 'end' }] }],
  };

  it('replaces a link planted at faq.yaml or IMPORT-REPORT.md, leaving its target alone', () => {
    const out = temp();
    const victim = put(temp(), 'victim.txt', 'precious');
    symlinkSync(victim, join(out, 'faq.yaml'));
    symlinkSync(victim, join(out, 'IMPORT-REPORT.md'));
    symlinkSync(victim, join(out, '.faq.yaml.tmp'));
    writeMigration(out, migration, 'x.csv', 'csv');
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(join(out, 'faq.yaml')).isFile()).toBe(true);
    expect(lstatSync(join(out, 'IMPORT-REPORT.md')).isFile()).toBe(true);
    expect(readFileSync(join(out, 'faq.yaml'), 'utf8')).toContain('Halo juga');
  });

  it('refuses a link planted at flows/ before writing anything', () => {
    const out = temp();
    const elsewhere = temp();
    symlinkSync(elsewhere, join(out, 'flows'));
    expect(() => writeMigration(out, migration, 'x.csv', 'csv')).toThrow(
      `${join(out, 'flows')} is a symbolic link; the import writes its own files there, so it must be a real folder: remove the link, or import into another --out folder`,
    );
    expect(readdirSync(elsewhere)).toEqual([]);
    expect(readdirSync(out)).toEqual(['flows']);
  });

  it('keeps names as data: ids and flow ids from "../" names are slugs, files stay the fixed ones', async () => {
    const dir = dialogflowFolder();
    put(dir, 'intents/Evil.json', JSON.stringify({ id: 'e', name: '../../../etc/passwd', responses: [{ messages: [{ type: '0', speech: 'x' }] }] }));
    put(dir, 'intents/Evil_usersays_id.json', JSON.stringify([{ data: [{ text: 'jahat' }] }]));
    put(
      dir,
      'intents/Evil - yes.json',
      JSON.stringify({ id: 'ey', parentId: 'e', name: '../../../etc/passwd - yes', responses: [{ messages: [{ type: '0', speech: 'ok' }] }] }),
    );
    const m = await expectImported('dialogflow', dir);
    const out = join(temp(), 'kb');
    writeMigration(out, m, dir, 'dialogflow');
    expect(readdirSync(out).sort()).toEqual(['IMPORT-REPORT.md', 'faq.yaml', 'flows']);
    expect(readdirSync(join(out, 'flows'))).toEqual(['imported.yaml']);
    const faq = parseYaml(readFileSync(join(out, 'faq.yaml'), 'utf8')) as { faq: { id: string }[] };
    const flows = parseYaml(readFileSync(join(out, 'flows', 'imported.yaml'), 'utf8')) as { flows: { id: string }[] };
    for (const id of [...faq.faq.map((e) => e.id), ...flows.flows.map((f) => f.id)]) expect(id).toMatch(/^[a-z0-9][a-z0-9-]*$/);
  });
});

describe('through the CLI: "tanya: …" and exit code 1, no stack trace', () => {
  const cli = join(__dirname, '..', '..', 'bin', 'tanya.js');

  it.each(REFUSED)('%s', async (_what, tool, make, message) => {
    const path = await make();
    const start = process.hrtime.bigint();
    const run = spawnSync(process.execPath, [cli, 'import', tool, path, '--out', join(temp(), 'kb')], { encoding: 'utf8', timeout: 30_000 });
    expect(Number(process.hrtime.bigint() - start) / 1e9).toBeLessThan(QUICK + 2);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^tanya: /);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  (hasMkfifo ? it : it.skip)('a FIFO named as the file to import', () => {
    const path = join(temp(), 'faq.csv');
    expect(fifo(path)).toBe(true);
    const run = spawnSync(process.execPath, [cli, 'import', 'csv', path, '--out', join(temp(), 'kb')], { encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^tanya: .*faq\.csv: this is not an ordinary file \(it may be a device or a pipe\)/);
  });

  it('a link planted at <out>/flows', () => {
    const dir = temp();
    const out = join(dir, 'kb');
    mkdirSync(out);
    symlinkSync(temp(), join(out, 'flows'));
    const agent = dialogflowFolder();
    put(
      agent,
      'intents/Halo - yes.json',
      JSON.stringify({ id: 'hy', parentId: 'h', name: 'Halo - yes', responses: [{ messages: [{ type: '0', speech: 'ok' }] }] }),
    );
    put(agent, 'intents/Halo.json', JSON.stringify({ id: 'h', name: 'Halo', responses: [{ messages: [{ type: '0', lang: 'id', speech: ['Halo juga'] }] }] }));
    const run = spawnSync(process.execPath, [cli, 'import', 'dialogflow', agent, '--out', out], { encoding: 'utf8', timeout: 30_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^tanya: .*flows is a symbolic link/);
  });
});
