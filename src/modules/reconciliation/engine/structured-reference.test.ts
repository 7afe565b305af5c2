import { isValidOgm, isValidRf, makeOgm, makeRf, structuredKey } from './structured-reference';

describe('structured creditor references', () => {
  it('accepts an ISO 11649 RF reference whose mod-97 check holds, however it is printed', () => {
    expect(isValidRf('RF18 5390 0754 7034')).toBe(true);
    expect(isValidRf('rf18539007547034')).toBe(true);
    expect(isValidRf('RF56INV000235')).toBe(true);
    expect(makeRf('INV000235')).toBe('RF56INV000235');
  });

  it('rejects an RF reference with one digit changed or two digits swapped', () => {
    expect(isValidRf('RF18 5390 0754 7035')).toBe(false);
    expect(isValidRf('RF18 5390 0745 7034')).toBe(false);
    expect(isValidRf('RF43INV000276')).toBe(false);
  });

  it('rejects strings that are not RF-shaped at all', () => {
    expect(isValidRf('RF1')).toBe(false);
    expect(isValidRf('INV-000235')).toBe(false);
    expect(isValidRf('RF18' + 'A'.repeat(22))).toBe(false);
  });

  it('accepts a Belgian OGM/VCS whose last two digits are the first ten mod 97, with 97 for zero', () => {
    expect(isValidOgm('+++090/9337/55493+++')).toBe(true);
    expect(isValidOgm('***090/9337/55493***')).toBe(true);
    expect(isValidOgm('090933755493')).toBe(true);
    expect(makeOgm('0000000097')).toBe('+++000/0000/09797+++');
    expect(isValidOgm('+++000/0000/09797+++')).toBe(true);
  });

  it('rejects an OGM/VCS with a mistyped digit', () => {
    expect(isValidOgm('+++090/9337/55494+++')).toBe(false);
    expect(isValidOgm('+++091/9337/55493+++')).toBe(false);
  });

  it('keys an invoice reference by kind so RF and OGM never collide', () => {
    expect(structuredKey('RF18 5390 0754 7034')).toEqual({ kind: 'RF', key: 'RF18539007547034' });
    expect(structuredKey('+++090/9337/55493+++')).toEqual({ kind: 'OGM', key: '090933755493' });
    expect(structuredKey('hello')).toBeNull();
  });
});
