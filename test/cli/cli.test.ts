import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Runs the real command as a user would (the build is made by `npm test` / `npm ci`).
const tanya = (args: string[], input = ''): { status: number | null; stdout: string; stderr: string } => {
  const r = spawnSync(process.execPath, [join('bin', 'tanya.js'), ...args], { input, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('tanya CLI', () => {
  it('chat --json answers a price and its follow-up with Rupiah prices', () => {
    const r = tanya(['chat', '--json'], 'brp hrg iphone 15 kak\nkalau yg 256gb?\n');
    expect(r.status).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ decision: 'answer', intent: 'product-price', entities: { product: 'iphone-15' } });
    expect(lines[0].reply).toContain('128GB: Rp12.999.000');
    expect(lines[1]).toMatchObject({ decision: 'answer', intent: 'product-price', entities: { product: 'iphone-15' } });
    expect(lines[1].reply).toContain('256GB Rp14.999.000');
    expect(lines[1].confidence).toEqual(expect.any(Number));
  });

  it('chat --json survives bad lines and keeps going', () => {
    const r = tanya(['chat', '--json'], '\n\u0000\u0001\n😀\ncod bisa?\n');
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.decision)).toEqual(['fallback', 'fallback', 'fallback', 'answer']);
  });

  it('check passes on the sample shop', () => {
    const r = tanya(['check', 'knowledge']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/49 entries, 30 products, 3 stores/);
  });

  it('check exits 1 and names file and line for a YAML syntax error', () => {
    const r = tanya(['check', 'test/fixtures/broken/syntax-error.yaml']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('test/fixtures/broken/syntax-error.yaml:5:5: YAML syntax error');
  });

  it('chat refuses to start on a broken knowledge base, listing the problems', () => {
    const r = tanya(['chat', '--json', '--kb', 'test/fixtures/broken/bad-hours.yaml'], 'halo\n');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('bad-hours.yaml:7:19');
    expect(r.stdout).toBe('');
  });
});

describe('tanya import, eval and tune commands', () => {
  it('imports labelled examples, evaluates cases as JSON, and tunes the thresholds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tanya-cli-'));
    const imported = tanya(['import', 'intents', 'test/fixtures/labelled/shop.jsonl', '--out', dir, '--per-intent', '2']);
    expect(imported.status).toBe(0);
    expect(imported.stdout).toContain('3 entries, 6 example questions');
    const evaluated = tanya(['eval', '--cases', 'test/fixtures/labelled/cases.jsonl', '--kb', dir, '--json']);
    expect(evaluated.status).toBe(0);
    const figures = JSON.parse(evaluated.stdout) as Record<string, number>;
    expect(Object.keys(figures)).toEqual(expect.arrayContaining(['n', 'inScopeAccuracy', 'oosRecall', 'falseAnswerRate']));
    expect(figures.n).toBe(4);
    const tuned = tanya(['tune', '--cases', 'test/fixtures/labelled/cases.jsonl', '--kb', dir]);
    expect(tuned.status).toBe(0);
    expect(tuned.stdout).toMatch(/^before .*\nafter .*\n\nnote: with only 1 out-of-scope \(null\) case, 300 built-in near misses .*\n✓ written to /m);
    const report = tanya(['eval', '--cases', 'test/fixtures/labelled/cases.jsonl', '--kb', dir]);
    expect(report.stdout).toContain('in-scope accuracy:');
  });

  it('reports a broken cases file with its line', () => {
    const r = tanya(['eval', '--cases', 'test/fixtures/broken/syntax-error.yaml']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('syntax-error.yaml:1: not valid JSON');
  });
});

describe('terminal agent desk', () => {
  it('lists tickets, replies (queued for the bot to deliver) and resolves', () => {
    const db = join(mkdtempSync(join(tmpdir(), 'tanya-desk-')), 'bot.db');
    const chat = tanya(['chat', '--json', '--db', db], 'mau bicara sama admin\n');
    const ticket = (JSON.parse(chat.stdout.trim()) as { ticket: string }).ticket;
    expect(ticket).toMatch(/^T\d{5}$/);
    const listed = tanya(['tickets', '--db', db, '--agent', 'Rina']);
    expect(listed.stdout).toContain(`${ticket}  queued`);
    const reply = tanya(['reply', ticket.toLowerCase(), 'Halo', 'Kak,', 'saya', 'Rina', '--agent', 'Rina', '--db', db]);
    expect(reply.status).toBe(0);
    expect(reply.stdout).toContain('terkirim ke pelanggan saat bot berjalan');
    expect(tanya(['resolve', ticket, '--db', db, '--agent', 'Rina']).status).toBe(0);
    const all = tanya(['tickets', '--all', '--json', '--db', db, '--agent', 'Rina']);
    const row = JSON.parse(all.stdout.trim()) as { status: string; agent: string; transcript: { text: string }[] };
    expect(row).toMatchObject({ status: 'resolved', agent: 'Rina' });
    expect(row.transcript.map((l) => l.text)).toContain('Halo Kak, saya Rina');
    const missing = tanya(['reply', 'T99999', 'x', '--db', db, '--agent', 'Rina']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/tidak ditemukan/);
  });
});

describe('tanya test', () => {
  it('passes on the sample knowledge base tests', () => {
    const r = tanya(['test']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^✓ \d+ turns in 1 file\(s\) passed\n$/);
  });

  it('names each failing turn with file:line, expected vs got and the top candidates; exit 1', () => {
    const r = tanya(['test', 'test/fixtures/editor/failing-test.yaml']);
    expect(r.status).toBe(1);
    // Scores move with the matcher; the report's shape and the ranking are what editors read.
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('test/fixtures/editor/failing-test.yaml:4: [single #2] "jam buka toko jakarta"');
    expect(lines[1]).toBe('  expected entry shipping-cost, got store-hours');
    expect(lines[2]).toMatch(/^ {2}top candidates: store-hours 0\.\d\d, holiday-hours 0\.\d\d(, [a-z-]+ 0\.\d\d){3}$/);
    expect(lines.slice(3)).toEqual(['✗ 1 of 2 turns failed in 1 file(s)', '']);
  });
});
