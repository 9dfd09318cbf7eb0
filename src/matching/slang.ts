/**
 * Built-in Indonesian (and a little English) chat slang → standard forms.
 *
 * Hand-written because no maintained npm package covers informal Indonesian chat
 * abbreviations; the knowledge base can add or override entries (`settings.slang`).
 * Values may be several words ("makasih" → "terima kasih") or empty to drop a word.
 */
export const DEFAULT_SLANG: Readonly<Record<string, string>> = {
  // negation
  gak: 'tidak', ga: 'tidak', gk: 'tidak', g: 'tidak', nggak: 'tidak', ngga: 'tidak', ngak: 'tidak',
  enggak: 'tidak', engga: 'tidak', kagak: 'tidak', tdk: 'tidak', tak: 'tidak', ndak: 'tidak', gaada: 'tidak ada',
  // question words
  hrg: 'harga', hrga: 'harga', harganya: 'harga', brp: 'berapa', brapa: 'berapa', berapaan: 'berapa', brpa: 'berapa', brapaan: 'berapa',
  dmn: 'dimana', dimn: 'dimana', dmana: 'dimana', mana: 'mana',
  gmn: 'bagaimana', gmna: 'bagaimana', gimana: 'bagaimana', gmana: 'bagaimana', bgmn: 'bagaimana', gimn: 'bagaimana',
  knp: 'kenapa', napa: 'kenapa', ngapa: 'kenapa', kpn: 'kapan', kapn: 'kapan', apakah: 'apa', apkh: 'apa', ap: 'apa',
  // pronouns and address terms (address terms carry no meaning for matching)
  sy: 'saya', aku: 'saya', gw: 'saya', gue: 'saya', gua: 'saya', ak: 'saya', aq: 'saya', sya: 'saya',
  km: 'kamu', lu: 'kamu', lo: 'kamu', u: 'you',
  kak: '', kakak: '', ka: '', kk: '', kaka: '', min: '', mimin: '', gan: '', sis: '', bro: '', om: '', bang: '',
  mas: '', mbak: '', mba: '', bu: '', pak: '', bos: '', boss: '', bund: '', bun: '',
  // particles
  dong: '', donk: '', sih: '', nih: '', deh: '', ya: '', yah: '', yaa: '', kah: '', lah: '', toh: '', loh: '',
  kok: '', tuh: '', nah: '', wkwk: '', hehe: '', hihi: '', eh: '', ehm: '', hmm: '', btw: '',
  // common abbreviations
  nya: '', gajadi: 'tidak jadi', gabisa: 'tidak bisa', gatau: 'tidak tahu', gamau: 'tidak mau', gapapa: 'tidak apa',
  gaes: '', guys: '', dapet: 'dapat', dpt: 'dapat', balik: 'kembali', loc: 'lokasi', lok: 'lokasi', sharelok: 'share lokasi',
  shareloc: 'share lokasi', tetep: 'tetap', mantep: 'mantap', mantul: 'mantap', bagusan: 'bagus', murahan: 'murah',
  kmrn: 'kemarin', kemaren: 'kemarin', udahan: 'sudah', trs: 'terus', trus: 'terus',
  ori: 'original', orginal: 'original', ngomong: 'bicara', ngobrol: 'bicara', omong: 'bicara', nyambung: 'sambung', sambungin: 'sambung', hubungin: 'hubung',
  yg: 'yang', yng: 'yang', dgn: 'dengan', dg: 'dengan', utk: 'untuk', untk: 'untuk',
  sm: 'sama', ama: 'sama', jg: 'juga', jga: 'juga', lg: 'lagi', lgi: 'lagi', tp: 'tapi', tpi: 'tapi',
  krn: 'karena', karna: 'karena', soalnya: 'karena', klo: 'kalau', kalo: 'kalau', kl: 'kalau', klu: 'kalau',
  bs: 'bisa', bsa: 'bisa', udh: 'sudah', udah: 'sudah', sdh: 'sudah', dah: 'sudah', uda: 'sudah',
  blm: 'belum', belom: 'belum', blum: 'belum', bgt: 'banget', bngt: 'banget', aja: 'saja', aj: 'saja',
  ajah: 'saja', org: 'orang', tgl: 'tanggal', skrg: 'sekarang', skrng: 'sekarang', skg: 'sekarang',
  emg: 'memang', emang: 'memang', mo: 'mau', pengen: 'ingin', pgn: 'ingin', pingin: 'ingin', pengin: 'ingin',
  dr: 'dari', dri: 'dari', pke: 'pakai', pake: 'pakai', pakek: 'pakai', ok: 'oke', okey: 'oke', okay: 'oke',
  okee: 'oke', sip: 'oke', siap: 'oke', noted: 'oke', makasih: 'terima kasih', makasi: 'terima kasih',
  mksh: 'terima kasih', makasii: 'terima kasih', trims: 'terima kasih', trimakasih: 'terima kasih',
  terimakasih: 'terima kasih', tks: 'terima kasih', thx: 'thanks', tq: 'thanks', ty: 'thanks', thanks: 'thanks',
  nanya: 'tanya', tanyain: 'tanya', brg: 'barang', barangnya: 'barang', stock: 'stok', stoknya: 'stok',
  tlg: 'tolong', tolongin: 'tolong', pesen: 'pesan', psn: 'pesan', order: 'pesan', orderan: 'pesanan',
  nyampe: 'sampai', nyampai: 'sampai', sampe: 'sampai', dtg: 'datang', duit: 'uang', byr: 'bayar',
  nyicil: 'cicil', bsk: 'besok', hr: 'hari', no: 'nomor', nmr: 'nomor', nomer: 'nomor', nomr: 'nomor',
  wa: 'whatsapp', tlp: 'telepon', telp: 'telepon', telpon: 'telepon', tf: 'transfer', trf: 'transfer',
  trnsfr: 'transfer', ongkirnya: 'ongkir', hp: 'hp', hape: 'hp', henpon: 'hp', dibalikin: 'kembali',
  balikin: 'kembali', ngembaliin: 'kembali', dituker: 'tukar', tuker: 'tukar', nuker: 'tukar',
  gratisan: 'gratis', gede: 'besar', gedean: 'besar', murmer: 'murah', mahalan: 'mahal',
  bener: 'benar', bnr: 'benar', msh: 'masih', masi: 'masih', ttg: 'tentang', spt: 'seperti', kyk: 'seperti',
  kaya: 'seperti', kayak: 'seperti', gitu: 'begitu', gt: 'begitu', gni: 'begini', gini: 'begini',
  bkn: 'bukan', bukn: 'bukan', cmn: 'cuma', cm: 'cuma', cuman: 'cuma', sblm: 'sebelum', stlh: 'setelah',
  abis: 'habis', abs: 'habis', tgu: 'tunggu', tggu: 'tunggu', nunggu: 'tunggu', ditunggu: 'tunggu',
  dlm: 'dalam', dl: 'dulu', dlu: 'dulu', bwt: 'untuk', mw: 'mau', mau: 'mau', pls: 'please', plz: 'please',
  plis: 'tolong', wanna: 'want to', gonna: 'going to', r: 'are', ur: 'your', pengembalian: 'kembali',
  rekber: 'rekening bersama', rek: 'rekening', norek: 'nomor rekening', cs: 'customer service',
  jkt: 'jakarta', bdg: 'bandung', sby: 'surabaya', jogja: 'yogyakarta', jog: 'yogyakarta',
};

/** Fixed phrases turned into one canonical form before tokenizing (longest first). */
export const DEFAULT_SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  ongkir: ['ongkos kirim', 'biaya kirim', 'biaya pengiriman', 'ongkos pengiriman', 'shipping cost', 'shipping fee', 'delivery fee'],
  cod: ['bayar di tempat', 'cash on delivery', 'bayar ditempat'],
  termurah: ['paling murah', 'paling murmer', 'harga terendah', 'paling terjangkau', 'cheapest', 'most affordable', 'lowest price', 'the cheapest'],
  termahal: ['paling mahal', 'harga tertinggi', 'most expensive', 'priciest', 'the most expensive'],
  cicil: ['installment', 'instalment', 'paylater', 'pay later'],
  'customer service': ['cs', 'admin', 'operator', 'agen', 'agent', 'human', 'manusia', 'orang asli', 'live agent'],
};
