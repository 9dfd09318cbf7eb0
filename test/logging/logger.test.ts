import { Writable } from 'node:stream';
import { createLogger, maskId, maskPersonalData } from '../../src/logging/logger';

/** A logger writing JSON lines into an array, as the bot's stderr would get them. */
function capture(level = 'debug'): { log: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { log: createLogger(level, sink), lines };
}

describe('personal data in logs', () => {
  it.each([
    ['wa saya 081234567890 ya', 'wa saya ***90 ya'],
    ['hubungi +62 812-3456-7890', 'hubungi ***90'],
    ['telp kantor (021) 5550-1234', 'telp kantor ***34'],
    ['021-5550-1234 atau 0215550123', '***34 atau ***23'],
    ['email budi.santoso@gmail.com, ok', 'email b***@***, ok'],
    ['kartu 4111 1111 1111 1111 exp 12/28', 'kartu ***1111 exp 12/28'],
    ['kartu 4111-1111-1111-1111', 'kartu ***1111'],
    ['nik 3171 0123 4567 0001', 'nik ***01'],
    ['NIK: 3171.0123.4567.0001', 'NIK: ***01'],
    ['cvv 123', 'cvv ***'],
    ['CVC: 9876', 'CVC: ***'],
    ['kode otp 482913 jangan kasih', 'kode otp *** jangan kasih'],
    ['password: rahasia!', 'password: ***'],
    ['no rek 1234567 a.n. budi', 'no rek *** a.n. budi'],
  ])('masks %s', (input, expected) => {
    expect(maskPersonalData(input)).toBe(expected);
  });

  it.each(['harga iphone 15 256gb', 'Rp12.999.000 atau Rp 1.299.000.000', 'pesanan INV-12345 tgl 01-12-2026', 'ram 8/256 warna hitam', 'udah di acc min'])(
    'leaves %s alone',
    (text) => {
      expect(maskPersonalData(text)).toBe(text);
    },
  );

  it('runs in linear time on hostile words (no pattern backtracks)', () => {
    const hostile = [
      'a'.repeat(1 << 20),
      `${'a.'.repeat(1 << 19)}@`,
      '1-'.repeat(1 << 19),
      'x@'.repeat(1 << 18),
      '(((('.repeat(1 << 18),
      'cvv '.repeat(1 << 18),
    ];
    for (const text of hostile) {
      const started = process.hrtime.bigint();
      maskPersonalData(text);
      // Cut to MAX_LOGGED_CHARS first, so far under a millisecond; 50 ms is the per-message budget.
      expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(50);
    }
  });

  it('hashes customer ids with a key, keeping the channel', () => {
    const id = maskId('whatsapp:6281234567890');
    expect(id).toMatch(/^whatsapp:#[0-9a-f]{10}$/);
    expect(id).toBe(maskId('whatsapp:6281234567890'));
    expect(id).not.toBe(maskId('whatsapp:6281234567891'));
  });

  it('masks every field of every log line: texts, ids, nested values and errors', () => {
    const { log, lines } = capture();
    log.info(
      { conversation: 'whatsapp:6281234567890', text: 'nik saya 3171012345670001 cvv 123', nested: { from: '6281234567890', note: 'budi@mail.com' } },
      'turn',
    );
    log.error({ err: new Error('failed for 081234567890'), to: '6289876543210' }, 'delivery failed');
    log.info({ text: { toString: 'not a string' }, list: ['0812 3456 7890'] }, 'odd shapes');
    const all = lines.join('\n');
    for (const secret of ['6281234567890', '3171012345670001', 'cvv 123', 'budi@mail.com', '081234567890', '6289876543210', '0812 3456 7890'])
      expect(all).not.toContain(secret);
    const first = JSON.parse(lines[0]) as { conversation: string; nested: { from: string } };
    expect(first.conversation).toMatch(/^whatsapp:#/);
    expect(first.nested.from).toMatch(/^#/);
    expect(JSON.parse(lines[1]) as { err: { message: string } }).toMatchObject({ err: { message: 'failed for ***90' } });
  });

  it('builds nothing for lines the level drops', () => {
    const { log, lines } = capture('info');
    let read = 0;
    const text = {
      toJSON: () => {
        read++;
        return 'x';
      },
    };
    for (let i = 0; i < 100; i++) log.debug({ text }, 'debug turn');
    expect(read).toBe(0);
    expect(lines).toHaveLength(0);
  });
});
