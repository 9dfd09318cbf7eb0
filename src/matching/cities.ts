/**
 * Indonesian cities customers name when asking for a branch ("ada cabang di Medan?"), so the
 * bot can say it has none there instead of pretending it did not understand. Hand-written:
 * provincial capitals and other large cities; multi-word names are listed as written.
 */
export const INDONESIAN_CITIES: readonly string[] = [
  'jakarta', 'bandung', 'surabaya', 'medan', 'semarang', 'makassar', 'palembang', 'tangerang', 'depok', 'bekasi',
  'bogor', 'batam', 'pekanbaru', 'padang', 'malang', 'yogyakarta', 'solo', 'surakarta', 'denpasar', 'bali',
  'balikpapan', 'samarinda', 'banjarmasin', 'pontianak', 'manado', 'jambi', 'bengkulu', 'lampung', 'bandar lampung',
  'serang', 'cilegon', 'cirebon', 'tasikmalaya', 'sukabumi', 'karawang', 'purwokerto', 'tegal', 'pekalongan',
  'magelang', 'kudus', 'jember', 'kediri', 'madiun', 'sidoarjo', 'gresik', 'mojokerto', 'probolinggo', 'banyuwangi',
  'mataram', 'kupang', 'ambon', 'jayapura', 'sorong', 'palu', 'kendari', 'gorontalo', 'ternate', 'mamuju',
  'palangkaraya', 'tarakan', 'pangkalpinang', 'tanjungpinang', 'banda aceh', 'aceh', 'pematangsiantar', 'cimahi',
];
