import { maskPersonalData } from '../../src/logging/logger';

describe('personal data in logs', () => {
  it('masks phone numbers, e-mail addresses and card numbers', () => {
    expect(maskPersonalData('wa saya 081234567890 ya')).toBe('wa saya 0812****90 ya');
    expect(maskPersonalData('hubungi +62 812-3456-7890')).toBe('hubungi +62 ****90');
    expect(maskPersonalData('email budi.santoso@gmail.com')).toBe('email b***@***');
    expect(maskPersonalData('kartu 4111111111111111')).toBe('kartu ****1111');
    expect(maskPersonalData('harga iphone 15 256gb')).toBe('harga iphone 15 256gb');
  });
});
