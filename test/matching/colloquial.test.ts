import { loadKnowledge } from '../../src/knowledge/loader';
import type { Product } from '../../src/knowledge/schema';
import { matchVariants } from '../../src/matching/catalog-entities';
import { affixCandidates, splitGlued } from '../../src/matching/colloquial';
import { ConceptIndex } from '../../src/matching/concepts';
import { OffTopic } from '../../src/matching/off-topic';
import { stemWord } from '../../src/matching/stem';
import { Matcher } from '../../src/matching/matcher';
import { canonicalNumbers, Normalizer } from '../../src/matching/normalize';
import { asksForPerson, asksHowToReachPerson, declinesPerson } from '../../src/matching/person-request';
import { productQuestion } from '../../src/matching/product-cues';

const n = new Normalizer();
const kb = loadKnowledge('knowledge');
const matcher = new Matcher(kb);
const product = (id: string): Product => kb.products.find((p) => p.id === id) as Product;

describe('variants as people type them', () => {
  it('reads RAM/storage pairs, RAM alone and terabytes, keeping the next word apart', () => {
    expect(canonicalNumbers('12/512 hrg')).toBe('12/512 hrg');
    expect(canonicalNumbers('8 / 256gb brp')).toBe('8/256 brp');
    expect(canonicalNumbers('16/1tb')).toBe('16/1024');
    expect(canonicalNumbers('yg ram 16 brp')).toBe('yg #ram16 brp');
    expect(canonicalNumbers('16gb ram')).toBe('#ram16');
    expect(canonicalNumbers('1 tera')).toBe('1tb');
    expect(canonicalNumbers('tgl 12/12')).toBe('tgl 12/12');
    expect(n.tokens('ram 16').map((t) => `${t.text}:${t.kind}`)).toEqual(['16gb:ram']);
  });

  it('picks the one variant a RAM/storage pair, RAM, colour word or superlative names', () => {
    const variantOf = (text: string, id: string): string[] =>
      matchVariants(product(id), matcher.analyze(`${product(id).name} ${text}`).catalog.variantTokens).map((v) => v.id);
    expect(variantOf('12/512', 'poco-x6-pro')).toEqual(expect.arrayContaining(['poco-x6-pro-512gb-black']));
    expect(variantOf('ram 16', 'ideapad-slim-3')).toEqual(['ideapad-slim-3-16gb-512gb-arctic-grey']);
    expect(variantOf('512 item', 'iphone-15')).toEqual(['iphone-15-512gb-hitam']);
    expect(variantOf('iceblue', 'galaxy-a55')).toEqual(['galaxy-a55-128gb-awesome-iceblue']);
    const cheapest = Math.min(...product('galaxy-s23-fe').variants.map((v) => v.price));
    expect(matcher.analyze('s23 fe yg paling murah').catalog.variants.every((v) => v.price === cheapest)).toBe(true);
    expect(variantOf('2tb', 'iphone-15')).toEqual([]);
  });

  it('reads model codes typed apart or glued to the name as the catalogue writes them', () => {
    const named = (text: string): string | undefined => matcher.analyze(text).catalog.product?.id;
    expect(named('galaxy s 24 onyx black 256 price?')).toBe('galaxy-s24');
    expect(named('a 55 navy 256 brapa')).toBe('galaxy-a55');
    expect(named('redmi 13 c 4/128 biru harga?')).toBe('redmi-13c');
    expect(named('pocox6 pro kuning brp')).toBe('poco-x6-pro');
    // Only into a word of a product's name: "a 5" is no product.
    expect(matcher.analyze('rating a 5 bintang').tokens.map((t) => t.text)).toContain('a');
    expect(matcher.analyze('lokasi nusa gadget jakpus').catalog.store?.id).toBe('jkt');
  });

  it('takes a kind of device alone for no product, its brand or full name for one', () => {
    expect(matcher.analyze('dapet charger ga?').catalog.product).toBeUndefined();
    expect(matcher.analyze('charger anker brp').catalog.product?.id).toBe('anker-20w');
    expect(matcher.analyze('anker brp').catalog.product?.id).toBe('anker-20w');
    // Real words are not misspelt names: "resmi" (official) is not "redmi", "air" (water) not the MacBook Air.
    for (const text of ['garansi resmi ga?', 'how do I buy a phone?', 'tahan air ga?']) {
      expect(matcher.analyze(text).catalog.product).toBeUndefined();
      expect(matcher.analyze(text).catalog.productChoices).toEqual([]);
    }
    expect(matcher.analyze('redmi note 13 brp').catalog.product?.id).toBe('redmi-note-13');
  });

  it("reads a variant's colour from the colour words of its name, not from a metaphor", () => {
    const variantOf = (text: string, id: string): string[] =>
      matchVariants(product(id), matcher.analyze(`${product(id).name} ${text}`).catalog.variantTokens).map((v) => v.id);
    // "Ocean Sunset" is a sunset, not blue: a blue Redmi Note 13 does not exist.
    expect(variantOf('biru', 'redmi-note-13')).toEqual([]);
    expect(variantOf('128 item', 'redmi-note-13')).toEqual(['redmi-note-13-128gb-midnight-black']);
    // A colour word before a material still names the colour; two colour words name a two-tone.
    expect(variantOf('256 hitam', 'iphone-15-pro')).toEqual(['iphone-15-pro-256gb-black-titanium']);
    expect(variantOf('6/128 biru item', 'galaxy-a15')).toEqual(['galaxy-a15-128gb-blue-black']);
    // A shade beside a colour says which tone: "biru muda" and "light blue" are the Light Blue.
    expect(variantOf('6/128 biru muda', 'galaxy-a15')).toEqual(['galaxy-a15-128gb-light-blue']);
    expect(variantOf('light blue', 'galaxy-a15')).toEqual(['galaxy-a15-128gb-light-blue']);
    // Alone, a shade word names no variant ("anak muda" is a young person).
    expect(matcher.analyze('hp buat anak muda apa').catalog.variantHint).toBe(false);
  });

  it('reads no colour in an idiom that holds a colour word ("tgl merah" is a holiday, "wrong item" no black one)', () => {
    for (const text of ['tgl merah buka jam brp', 'wrong item sent']) expect(matcher.analyze(text).catalog.variantHint).toBe(false);
    expect(matcher.analyze('tgl merah buka jam brp').terms).toContain('^libur');
    expect(matcher.analyze('a15 merah ada?').catalog.variantHint).toBe(true);
    // Right after "warna" a colour word is a colour, whatever follows it.
    expect(matcher.analyze('iphone 15 warna item, kurang dari 15jt ada?').catalog.variantHint).toBe(true);
  });
});

describe('colloquial forms', () => {
  it('proposes roots for nasal prefixes, -in and di-…-in, ke- passives', () => {
    expect(affixCandidates('ngirimin')).toContain('kirim');
    expect(affixCandidates('nyariin')).toContain('cari');
    expect(affixCandidates('nanyain')).toContain('tanya');
    expect(affixCandidates('dibalikin')).toContain('balik');
    expect(affixCandidates('kepotong')).toContain('potong');
  });

  it('reads a chat form of a chat form as the last one ("adminnya" → admin → customer service, "dmn" → dimana → di mana)', () => {
    const texts = (t: string): string[] => n.tokens(t).map((x) => x.text);
    expect(texts('adminnya')).toEqual(texts('admin'));
    expect(texts('toko dmn')).toEqual(['toko', 'di', 'mana']);
    expect(texts('mahal bgt')).toEqual(texts('mahal banget'));
  });

  it('splits two known words typed without a space, and leaves other words alone', () => {
    const known = (w: string): boolean => ['ongkir', 'harga', 'berapa', 'ke'].includes(w);
    expect(splitGlued('ongkirke', known)).toEqual(['ongkir', 'ke']);
    expect(splitGlued('hargaberapa', known)).toEqual(['harga', 'berapa']);
    expect(splitGlued('transit', known)).toBeUndefined();
    expect(
      matcher
        .analyze('brphrg ip 15')
        .tokens.map((t) => t.text)
        .slice(0, 2),
    ).toEqual(['berapa', 'harga']);
  });

  it('gives words of one meaning the same concept feature, and keeps the words', () => {
    const concepts = new ConceptIndex(n);
    expect(concepts.features(n.tokens('layarnya retak'))).toContain('^rusak');
    expect(concepts.features(n.tokens('cracked screen'))).toContain('^rusak');
    expect(concepts.features(n.tokens('hp gak mau nyala'))).toEqual(expect.arrayContaining(['^barang_rusak', '^rusak']));
    // "brp" is "berapa", a question word: it must not tag every question as a price question.
    expect(concepts.features(n.tokens('brp lama'))).not.toContain('^harga');
    // Giving something back keeps its object's sense: "dibalikin" is a return, "balik" alone is not.
    expect(concepts.features(n.tokens('boleh dibalikin ga?'))).toContain('^retur');
    expect(concepts.features(n.tokens('balikin aja hpnya'))).toContain('^retur');
    expect(concepts.features(n.tokens('kapan balik ke jakarta'))).not.toContain('^retur');
    // Regional words read as their standard forms first (Sundanese "dipulangkeun", Minang "ado").
    expect(concepts.features(n.tokens('tiasa dipulangkeun?'))).toContain('^retur');
    expect(n.text('tokona palih mana')).toBe('tokona di mana');
    expect(n.text('ambo cari a35 kuniang, ado?')).toBe('saya cari a35 kuning ada');
    // An opened box is the moment of unboxing, not a shop opening.
    expect(concepts.features(n.tokens('baterainya kembung pas dibuka dari dus'))).not.toContain('^buka');
    expect(concepts.features(n.tokens('toko baru dibuka jam berapa'))).toContain('^buka');
  });

  it('leaves place names whole: "bekasi" is a city, not "bekas" (second-hand)', () => {
    expect(stemWord('bekasi')).toBe('bekasi');
    expect(new ConceptIndex(n).features(n.tokens('damkar kab bekasi'))).not.toContain('^bekas');
    expect(stemWord('bekasnya')).toBe('bekas');
  });

  it('keeps a word whole where its prefix makes another word ("sebelum", before, is not "belum", not yet)', () => {
    expect(stemWord('sebelum')).toBe('sebelum');
    expect(stemWord('setelah')).toBe('setelah');
    expect(stemWord('seandainya')).toBe('seandainya');
    expect(stemWord('sebelumnya')).toBe('sebelum');
    const concepts = new ConceptIndex(n);
    expect(concepts.features(n.tokens('doa sesudah makan'))).toEqual(concepts.features(n.tokens('doa setelah makan')));
    expect(concepts.features(n.tokens('doa sesudah makan'))).toContain('^setelah');
  });

  it('reads shop talk phrases as their concept: paying monthly, money back, which is better, an empty box', () => {
    const concepts = new ConceptIndex(n);
    const has = (text: string, concept: string): boolean => concepts.features(n.tokens(text)).includes(concept);
    expect(has('bayar bulanan bisa ga kak', '^cicilan')).toBe(true);
    expect(has('home credit ada?', '^cicilan')).toBe(true);
    expect(has('duit balikan retur kapan masuk', '^refund')).toBe(true);
    expect(has('pilih mana ya poco atau redmi', '^bandingkan')).toBe(true);
    expect(has('isi paket cuma dus kosong', '^kurang')).toBe(true);
    expect(has('toko fisiknya ada?', '^toko')).toBe(true);
    expect(has('minta bukti bayar resmi', '^faktur')).toBe(true);
    expect(has('bayar pas paket sampe rumah gmn caranya', '^cod')).toBe(true);
    expect(has('bisa bayar pakai kartu kredit?', '^cicilan')).toBe(false);
  });

  it('takes the words of a thanks phrase as small talk only inside the phrase ("info" alone is a question)', () => {
    expect(matcher.smallTalkOnly(matcher.analyze('info'))).toBe(false);
    expect(matcher.smallTalkOnly(matcher.analyze('butuh bantuan'))).toBe(false);
    expect(matcher.smallTalkOnly(matcher.analyze('makasih infonya kak'))).toBe(true);
    expect(matcher.smallTalkOnly(matcher.analyze('terima kasih banyak atas bantuannya'))).toBe(true);
    expect(matcher.smallTalkOnly(matcher.analyze('thanks!'))).toBe(true);
  });

  it('finds a phrase whose words carry a suffix ("dananya balik"), and reads "grey market" as no colour but not official', () => {
    const concepts = new ConceptIndex(n);
    expect(concepts.features(n.tokens('kalo udah dibatalin dananya balik brp lama?'))).toContain('^refund');
    expect(concepts.features(n.tokens('barangnya kurang satu'))).toContain('^barang_kurang');
    expect(concepts.features(n.tokens('is it official stock, not grey market?'))).toContain('^palsu');
    expect(matcher.analyze('is it official stock, not grey market?').catalog.variantHint).toBe(false);
  });

  it('reads a greeting, thanks or farewell as one idiom: its words mean nothing on their own', () => {
    const concepts = new ConceptIndex(n);
    // "terima" alone is "received", "sampai" alone "arrived"; in thanks and goodbye they are not.
    expect(concepts.features(n.tokens('terima kasih ya'))).toEqual(['^terima_kasih']);
    expect(concepts.features(n.tokens('dadah, sampai jumpa'))).not.toContain('^sampai');
    expect(concepts.features(n.tokens('paketnya udah sampai'))).toContain('^sampai');
    expect(concepts.features(n.tokens('barang sudah diterima'))).toContain('^sampai');
    // "apa kabar" greets; it asks for no order's news.
    expect(concepts.features(n.tokens('halo min, apa kabar'))).toEqual(expect.arrayContaining(['^sapaan']));
    expect(concepts.features(n.tokens('halo min, apa kabar'))).not.toContain('^status');
    expect(concepts.features(n.tokens('gimana kabar pesanan saya'))).toContain('^status');
  });

  it('answers a farewell as thanks where the knowledge base has no farewell of its own', () => {
    const shop = new Matcher(loadKnowledge('knowledge'));
    expect(shop.rank(shop.analyze('bye'), 1)[0]?.entryId).toBe('thanks');
    // With a farewell entry, a farewell is that entry's, and its score is its own.
    const base = loadKnowledge('knowledge');
    const farewell = {
      ...base.entries.find((e) => e.id === 'thanks'),
      id: 'farewell',
      questions: { id: ['dadah kak', 'sampai jumpa'], en: ['goodbye', 'bye bye'] },
    };
    const withFarewell = new Matcher({ ...base, entries: [...base.entries, farewell as (typeof base.entries)[number]] });
    const [top, second] = withFarewell.rank(withFarewell.analyze('goodbye'), 2);
    expect(top?.entryId).toBe('farewell');
    expect(withFarewell.analyze('goodbye').terms).not.toContain('^terima_kasih');
    expect(second?.score ?? 0).toBeLessThan((top?.score ?? 0) / 3);
  });

  it('finds a phrase with one word put inside it, not with more', () => {
    const concepts = new ConceptIndex(n);
    expect(concepts.features(n.tokens('uang balik kapan'))).toContain('^refund');
    expect(concepts.features(n.tokens('uangnya blm balik kapan'))).toContain('^refund');
    expect(concepts.features(n.tokens('uang saya belum balik'))).not.toContain('^refund');
    // Never over a negation or a word with a meaning of its own.
    expect(concepts.features(n.tokens('ongkir gratis'))).toContain('^gratis_ongkir');
    expect(concepts.features(n.tokens('ongkir tidak gratis'))).not.toContain('^gratis_ongkir');
    expect(concepts.features(n.tokens('ganti alamat baru'))).not.toContain('^tukar_barang');
  });

  it("adds an English phrase's counterpart only where it says more than the phrase's words", () => {
    // "cs" reads as "customer service", whose counterpart "admin" reads as "customer service"
    // again: counted three times, it outweighed "email" and "nomor" in "email cs nya apa?".
    const terms = matcher.analyze('email cs nya apa?').terms;
    expect(terms.filter((t) => t === stemWord('customer'))).toHaveLength(1);
    expect(matcher.analyze('credit card bisa?').terms).toEqual(expect.arrayContaining([stemWord('kartu'), stemWord('kredit')]));
    expect(matcher.rank(matcher.analyze('email cs nya apa?'))[0].entryId).toBe('contact-cs');
  });

  it('never corrects a brand name as a typo of a knowledge-base word ("redmi" is not "resmi")', () => {
    const noCatalogue = new Matcher({ ...kb, products: [] });
    const a = noCatalogue.analyze('min redmi note 13 yg ungu udh ada lg blm');
    expect(a.corrections).toEqual([]);
    expect(a.terms).toContain('#brand');
    expect(a.terms).not.toContain('resmi');
  });

  it('reads a real word, Indonesian or English, as itself, not as a typo of a knowledge-base word', () => {
    const english = new Matcher({
      ...kb,
      entries: [
        ...kb.entries,
        {
          ...kb.entries[0],
          id: 'people',
          handler: undefined,
          questions: { id: [], en: ['How many people per person?', 'Is it over there?', 'How do I install it?'] },
        },
      ],
    });
    // "persen" (per cent) and "person", "three" and "there": two words, not one spelt two ways.
    expect(english.analyze('diskon 10 persen').corrections).toEqual([]);
    expect(english.analyze('three of them').corrections).toEqual([]);
    // A doubled letter is one word spelt two ways.
    expect(english.analyze('cara instal aplikasinya').corrections).toEqual([['instal', 'install']]);
    // A misspelt word still finds its word.
    expect(english.analyze('how do i instll it').corrections).toEqual([['instll', 'install']]);
  });

  it('takes feature words from the catalogue descriptions, not words a FAQ entry uses', () => {
    const [first, ...rest] = kb.products;
    const withCooler = new Matcher({
      ...kb,
      products: [{ ...first, description: { id: 'Pendingin graphene dan garansi resmi.', en: 'Graphene cooling.' } }, ...rest],
    });
    expect(withCooler.featureWordsIn(withCooler.analyze('ip 15 ada graphene nya?'))).toEqual(['graphene']);
    // "garansi" is the warranty entry's word: it says which entry, not "the product's details".
    expect(withCooler.featureWordsIn(withCooler.analyze('ip 15 garansi resmi?'))).not.toContain('garansi');
    expect(matcher.featureWordsIn(matcher.analyze('ip 15 ada graphene nya?'))).toEqual([]);
  });

  it('marks subjects the knowledge base never covers, unless it does', () => {
    expect(matcher.analyze('ada lowongan kerja ga kak').offTopic).toEqual(['lowongan']);
    expect(matcher.analyze('harga iphone 15 brp').offTopic).toEqual([]);
    expect(matcher.analyze('cara perpanjang stnk online').offTopic).toEqual(['stnk']);
    expect(matcher.analyze('ada bengkel servis hp ga').offTopic).toEqual([]);
    const withJobs = new Matcher({
      ...kb,
      entries: [...kb.entries, { ...kb.entries[0], id: 'jobs', handler: undefined, questions: { id: ['Ada lowongan kerja?'], en: [] } }],
    });
    expect(withJobs.analyze('ada lowongan kerja ga kak').offTopic).toEqual([]);
  });
});

describe('asking for a person', () => {
  const asks = (text: string): boolean => asksForPerson(n.tokens(text));
  it.each([
    'admin',
    'cs dong',
    'mau ngomong sama admin',
    'saya mau bicara sama admin aja',
    'sambungin ke cs kak',
    'minta operator min',
    'bisa bicara dgn manusia?',
    'live agent please',
    'I want to talk to a real person',
    'can I speak to someone',
    'ga usah, lgsg admin aja',
    'saya mau bicara sama admin, sudah 2 jam nunggu',
    'tolong sambungkan ke admin, nomor pesanan saya INV-12345',
    'call me back at this number please',
    'tolong telepon balik ke nomor saya',
    'aku pengen ngomong karo wong asli wae',
    'Admin tolong balas',
    'admin aja deh ribet',
    'udh lah admin aja, bot nya ga ngerti',
    'hubungin admin dong',
    'get me a real agent',
    'connect me to support',
    'bot gak guna, mau orang',
    'saya butuh bantuan admin',
    'ada orang ga sih disini??',
    'min yg beneran orang dong',
    'orang aja deh',
    'ga usah bot, orang aja',
    'yaudah panggilin mimin aja',
    'sambungin ke mimin dong',
    'males milih, orang cs aja yg jelasin',
    'tolong orang beneran yg ngecek deh',
    'minta orang yang handle',
    'admin asli dong',
    'is there a real person I can talk to?',
    // Whether a person is there, and nothing else.
    'cs lagi ada?',
    'mana adminnya',
    'adminnya lagi ada ga',
    'bot mulu, mana manusianya',
    'halo ada cs online ga',
    'transfer ke cs dong',
    'mau ngomong langsung sama petugasnya',
    'yaudah minta orangnya aja',
    'petugasnya aja',
    'bang panggilin orangnye',
    'jgn bot terus dong, ada orang ga sih',
    'ga mau sama robot',
    'admin dong tolong dicek',
    'panggilin adminnye dong',
    'saya mau langsung ditangani petugas',
  ])('"%s" is a request', (text) => expect(asks(text)).toBe(true));
  it.each([
    'cs buka sampai jam berapa?',
    'nomor cs berapa',
    'gak usah admin, harga a55 aja',
    'admin kok lama bales',
    'harga iphone 15',
    'kirim ke orang tua saya di bandung bisa?',
    'bisa dikirim ke orang lain?',
    'can a staff help me set up my new phone?',
    'minta karyawan bantu pindahin data',
    'does your staff speak english?',
    'cara hubungi cs gimana?',
    'retur harus kontak cs?',
    'bisa order tanpa chat admin?',
    'kamu orang beneran?',
    'At what age can a person open an account?',
    'How can people transfer money to me?',
    'hp ini support 5g?',
    'support ga?',
    'hp ini bisa support?',
    'orang tua saya mau beli',
    'ada yang bisa bantu?',
    'admin mau tanya',
    'halo admin boleh tanya?',
    'admin kapan?',
    'admin lama banget',
    'satu kamar bisa 3 orang?',
    'bisa 2 orang ga?',
    'boleh orang lain?',
    'tadi ada orang',
    'ada orang dalam?',
    'kontak cs?',
    'telepon cs',
    'contact customer service',
    'paket dikirim ke orang lain, cs nya juga lambat balas chat',
    'orang mana kak?',
    'bukan saya, orang lain aja',
    'kemarin orang cs yg jelasin',
    'petugasnya ramah ga?',
    'komplain saya lagi ditangani petugas',
    'garansi bisa ditangani petugas toko?',
    'kok belum ditangani cs sih',
    'orangnya udah dateng',
    'sudah bicara sama petugasnya kemarin, katanya bisa retur',
    'tadi udah chat sama staffnya',
    'atasannya aja kak',
    'robot vacuum ada ga?',
    'admin udah dicek?',
    'admin cek resi dong',
    'paket saya rusak admin tolong diurus',
    'cs online terus ga?',
    'anak saya tidak mau robot yang ini, bisa tukar?',
    'halo mimin',
    'makasih mimin',
    'hp saya rusak, bisa minta petugas yang periksa?',
    'besok saya ke toko, bisa minta orang yang bantu?',
    'kalau beli laptop di toko boleh minta karyawan yang urus',
    'saya gaptek, bisa minta orang yang bantu?',
    'hp nya nanti bisa orang yang proses?',
    'tolong orang yang cek barangnya bilang rusak',
    'harga segini orang aja gak mau',
    'nomor cs mana',
    // "admin" beside a payment is the fee; "yang mana" asks which one.
    'transfer antar bank kena adminnya ga?',
    'kalau transfer adminnya brp?',
    'mau transfer, adminnya ada?',
    'transfer bank admin berapa?',
    'staff yang mana?',
  ])('"%s" is not', (text) => expect(asks(text)).toBe(false));
  it('tells a question about reaching a person from one that only names somebody', () => {
    const reach = (text: string): boolean => asksHowToReachPerson(n.tokens(text));
    expect(reach('Is there a way to get in contact with a person who works with us?')).toBe(true);
    expect(reach('how do I contact customer service?')).toBe(true);
    expect(reach('Bagaimana cara menghubungi admin?')).toBe(true);
    expect(reach('contact us')).toBe(true);
    expect(reach('Can I call someone to carry my luggage?')).toBe(false);
    expect(reach('Who do I call if someone is sick?')).toBe(false);
    expect(reach("Why can't I reach the staff portal?")).toBe(false);
    expect(reach('bisa transfer ke orang lain?')).toBe(false);
  });
  it('notices a person turned down', () => {
    expect(declinesPerson(n.tokens('gak usah admin'))).toBe(true);
    expect(declinesPerson(n.tokens('ga usah, langsung admin aja'))).toBe(false);
  });
});

describe('which product question a follow-up asks', () => {
  it.each([
    ['yg 256 brp', 'product-price'],
    ['yg item ready ga?', 'product-stock'],
    ['yg 512 ada?', 'product-stock'],
    ['kameranya brp mp', 'product-info'],
    ['yg biru?', undefined],
  ])('"%s" → %s', (text, handler) => expect(productQuestion(n.tokens(text))).toBe(handler));
});

describe('off-topic subjects', () => {
  const n = new Normalizer();
  // A small shop's words: it talks about paying, cards, hours and its store.
  const known = new Set(['kartu', 'bayar', 'jam', 'buka', 'toko']);
  const offTopic = new OffTopic(n, (w) => known.has(w));
  const find = (text: string): string[] => offTopic.find(n.tokens(text));

  it('finds the subject, each place once: the longest phrase there, else the word', () => {
    expect(find('cara daftar lewat tokopedia')).toEqual(['tokopedia']);
    expect(find('jadwal naik kereta ke bandung')).toEqual(['kereta']);
    expect(find('di toko gak ada parkir ya?')).toEqual(['parkir']);
    expect(find('bisa cari parkir motor di dekatnya?')).toEqual(['parkir motor']);
  });

  it('a phrase counts for a content word the knowledge base never uses, not for everyday words', () => {
    expect(find('toko buka jam berapa sekarang?')).toEqual([]);
    expect(find('lupa password wifi rumah')).toContain('password wifi');
  });

  it('what the customer lacks, refuses, pays with or brings along is a circumstance, not the subject', () => {
    // The same subjects said outright count.
    expect(find('m-banking saya error terus')).toEqual(['m banking']);
    expect(find('kartu atm saya ketelen')).toEqual(['kartu atm']);
    expect(find('pulsa saya kesedot')).toEqual(['pulsa']);
    expect(find('motor saya mogok')).toEqual(['motor']);
    expect(find('gak punya m-banking, bisa bayar apa?')).toEqual([]);
    expect(find('belum punya kartu atm, bisa bayar apa?')).toEqual([]);
    expect(find('bisa bayar tanpa kartu atm?')).toEqual([]);
    expect(find('bisa bayar pake pulsa ga')).toEqual([]);
    expect(find('saya bawa motor, bisa ambil di toko?')).toEqual([]);
    // Without a payment before it, "lewat"/"pakai" names no means of paying.
    expect(find('gimana cara pakai pulsa')).toEqual(['pulsa']);
  });

  it('a word inside a phrase of the concept lexicon means what the phrase means, not the off-topic subject', () => {
    const withGrab = new OffTopic(n, (w) => known.has(w) || w === 'otp');
    const concepts = new ConceptIndex(n);
    const findIn = (text: string): string[] => withGrab.find(n.tokens(text), () => concepts.phrasePlaces(n.tokens(text)));
    expect(findIn('bisa kirim pake grab express?')).toEqual([]);
    expect(findIn('saldo grab saya hilang')).toEqual(['grab']);
    // A word the phrase only skips over ("otp *grab* ga masuk") stays the subject.
    expect(findIn('otp grab ga masuk')).toEqual(['grab']);
  });
});
