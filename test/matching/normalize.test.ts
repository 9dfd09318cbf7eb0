import { canonicalNumbers, foldText, Normalizer } from '../../src/matching/normalize';

const n = new Normalizer();
const words = (text: string): string => n.text(text);

describe('normalization', () => {
  it('expands Indonesian chat slang and drops address words and particles', () => {
    expect(words('kak, hrg iphone 15 brp?')).toBe('harga iphone 15 berapa');
    expect(words('gak bisa login min')).toBe('tidak bisa login');
    expect(words('sy udh tf blm masuk dong')).toBe('saya sudah transfer belum masuk');
    expect(words('gmn cara retur yg bener knp ga bs')).toBe('bagaimana cara retur yang benar kenapa tidak bisa');
    expect(words('makasih ya kak')).toBe('terima kasih');
  });

  it('folds Unicode, case, emoji, control characters and repeated letters', () => {
    expect(foldText('ＨＡＲＧＡ')).toBe('harga');
    expect(foldText('mahal bangettt 😭😭')).toBe('mahal banget');
    expect(foldText('garansiii\u0007 nya')).toBe('garansi nya');
    expect(words('tolonggg kakkk')).toBe('tolong');
    expect(words('barang2 nya')).toBe('barang');
    // Reduplication before a suffix: "tebak2an" is "tebakan", not a product code.
    expect(words('tebak2an dong')).toBe('tebakan');
    expect(words('barang2nya')).toBe(words('barangnya'));
    // A count of times: "udah 4x" is "4 kali", not a product code; "x6" stays a model name.
    expect(words('udah 4x kirim ulang')).toBe('sudah 4 kali kirim ulang');
    expect(words('poco x6')).toBe('poco x6');
    expect(words('redmi 10x ada')).toBe('redmi 10x ada');
    expect(words('cicilan 12x')).toBe('cicilan 12 kali');
    expect(words('duitnya dibalikin kapan')).toBe('uang dikembalikan kapan');
    expect(words('pesanan dibatalin aja')).toBe('pesanan dibatalkan saja');
    // Sundanese "-keun" is "-kan".
    expect(words('batalkeun pesenan abdi')).toBe('batalkan pesanan saya');
    // The Javanese possessive "-ne"/"-e" is "-nya", on Indonesian roots only; "pas riyoyo" is Lebaran.
    expect(words('pas riyoyo tokone tutup ra?')).toBe('pas lebaran tokonya tutup tidak');
    expect(words('layare retak, warnane pudar')).toBe('layarnya retak warnanya pudar');
    expect(words('realme iphone online')).toBe('realme iphone online');
  });

  it('reads English contractions as their words and an apostrophe inside a word as nothing', () => {
    expect(words("I can't log in")).toBe('i can not log in');
    expect(words('it won’t turn on, we’re stuck')).toBe('it will not turn on we are stuck');
    expect(words("doa melihat Ka'bah hari Jum'at")).toBe('doa melihat kabah hari jumat');
    expect(words("what's the price")).toBe('what the price');
    expect(words('doa melihat Ka´bah dan Kaʼbah')).toBe('doa melihat kabah dan kabah');
  });

  it('turns amounts and sizes into single tokens', () => {
    expect(canonicalNumbers('1,5jt')).toBe('#money1500000');
    expect(canonicalNumbers('budget 2 juta')).toBe('budget #money2000000');
    expect(canonicalNumbers('rp 1.500.000')).toBe('#money1500000');
    expect(canonicalNumbers('1.500.000')).toBe('1500000');
    expect(canonicalNumbers('256 GB'.toLowerCase())).toBe('256gb');
    expect(canonicalNumbers('8 / 256')).toBe('8/256');
    const tokens = n.tokens('hp 8/256gb dibawah 3jt yg 128 GB');
    expect(tokens.filter((t) => t.kind !== 'word')).toEqual([
      { text: '8/256', kind: 'ramstorage' },
      { text: '3000000', kind: 'money' },
      { text: '128gb', kind: 'storage' },
    ]);
  });

  it('reads ordinals written with digits as the word ("putaran ke 5" = "putaran kelima"), and leaves other numbers alone', () => {
    expect(words('doa putaran ke 5')).toBe('doa putaran kelima');
    expect(words('cicilan ke-3 kapan')).toBe('cicilan ketiga kapan');
    expect(words('hari ke2')).toBe('hari kedua');
    expect(words('ke 11')).toBe('ke 11');
    expect(words('kirim ke bandung')).toBe('kirim ke bandung');
  });

  it('applies knowledge-base slang and multi-word synonyms', () => {
    const custom = new Normalizer({ slang: { brg: 'barang', hpnya: 'hp' }, synonyms: { ongkir: ['ongkos antar'] } });
    expect(custom.text('brg hpnya ongkos antar brp')).toBe('barang hp ongkir berapa');
    expect(custom.text('biaya kirim ke medan')).toBe('ongkir ke medan');
  });

  it('reads a multi-word synonym through chat forms of its words and a "-nya" on its last word', () => {
    // Sundanese "mayar" is "bayar": "bayar di tempat" is cash on delivery.
    expect(words('tiasa mayar di tempat?')).toBe('bisa cod');
    expect(words('byr di tempat bisa')).toBe('cod bisa');
    expect(words('jam tangannya mati')).toBe('smartwatch mati');
    // A phrase made of another phrase's result: "abang paketnya" is the courier, and paying him is cod.
    expect(words('bayar ke abang paketnya bisa')).toBe('cod bisa');
    // No phrase spans a comma: "mas, paket saya" addresses the shop, it names no courier.
    expect(words('abang, paket saya belum sampai')).toBe('paket saya belum sampai');
    expect(words('ganti alamat, email')).toBe('ganti alamat email');
    expect(n.tokens('ganti alamat, email').map((t) => t.text)).toEqual(['ganti', 'alamat', 'email']);
    // Not a phrase when a word in it is something else.
    expect(words('jam tanganan')).not.toContain('smartwatch');
    expect(words('bayar di toko')).toBe('bayar di toko');
  });

  it('never throws on odd input', () => {
    for (const text of ['', '   ', '😀', '\u0000\u0001', 'مرحبا', '你好', 'a'.repeat(10_000), '////', '#money']) {
      expect(() => n.tokens(text)).not.toThrow();
    }
    expect(n.tokens('😀🙏')).toEqual([]);
  });
});

describe('accents', () => {
  it('folds accents on Latin letters and keeps the marks of other scripts', () => {
    expect(foldText('Área de coordenação')).toBe('area de coordenacao');
    expect(foldText('crème brûlée')).toBe('creme brulee');
    expect(foldText('नमस्ते')).toBe('नमस्ते');
  });
});
