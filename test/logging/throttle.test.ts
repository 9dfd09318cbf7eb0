import { LogThrottle } from '../../src/logging/throttle';

describe('log throttle', () => {
  it('lets one line of a kind through per interval and says how many were held back', () => {
    let now = 0;
    const throttle = new LogThrottle(60_000, () => now);
    expect(throttle.take('origin')).toBe(0);
    for (let i = 0; i < 500; i++) expect(throttle.take('origin')).toBeUndefined();
    expect(throttle.take('login-wrong')).toBe(0);
    now = 60_000;
    expect(throttle.take('origin')).toBe(500);
    expect(throttle.take('origin')).toBeUndefined();
  });
});
