import { compareNames, isSameParty, normalizeName, type NameMatch, type NormalizedName } from './party-name';

function name(raw: string): NormalizedName {
  const normalized = normalizeName(raw);
  if (!normalized) throw new Error(`"${raw}" normalizes to nothing`);
  return normalized;
}

function compare(a: string, b: string): NameMatch {
  return compareNames(name(a), name(b));
}

describe('reading a party name as banks print it', () => {
  it('drops accents, case and punctuation, and keeps the words in the order written', () => {
    expect(name('Clinique Vétérinaire Saint-Roch').full).toBe('CLINIQUE VETERINAIRE SAINT ROCH');
  });

  it.each([
    ['at the end', 'Data Sud SAS'],
    ['at the front', 'SAS Data Sud'],
    ['in the middle', 'Data SAS Sud'],
    ['dotted', 'Data Sud S.A.S.'],
    ['dotted with spaces', 'S. A. S. Data Sud'],
    ['spelled out', 'Data Sud Société par actions simplifiée'],
  ])('finds the legal form %s', (_, raw) => {
    expect(name(raw)).toMatchObject({ core: 'DATA SUD', key: 'DATA SUD', forms: 'SAS' });
  });

  it('drops the words banks put before a company or a person ("STE", "M", "MME")', () => {
    expect(name('STE DATA SUD').id).toBe(name('Data Sud').id);
    expect(name('MME LEROY EMMA').id).toBe(name('Emma Leroy').id);
  });

  it('keeps a name made only of a legal form, so that it does not match every company', () => {
    expect(name('SA')).toMatchObject({ core: 'SA', forms: '' });
  });
});

describe('comparing two names as parties', () => {
  it.each<[string, string, string, NameMatch]>([
    ['the same name in another case, accents stripped', 'LABORATOIRE CLEMENT SAS', 'Laboratoire Clément SAS', 'SAME'],
    ['the legal form moved to the front', 'SAS LABORATOIRE CLEMENT', 'Laboratoire Clément SAS', 'SAME'],
    ['the legal form dotted', 'LABORATOIRE CLEMENT S.A.S.', 'Laboratoire Clément SAS', 'SAME'],
    ['"STE" before the name', 'STE LABORATOIRE CLEMENT SAS', 'Laboratoire Clément SAS', 'SAME'],
    ['punctuation instead of spaces', 'CLINIQUE VETERINAIRE SAINT-ROCH', 'Clinique Vétérinaire Saint Roch', 'SAME'],
    ['words in another order', 'LEROY EMMA', 'Emma Leroy', 'SAME'],
    ['the legal form dropped', 'LABORATOIRE CLEMENT', 'Laboratoire Clément SAS', 'FORM_DROPPED'],
    ['a German legal form dropped', 'MULLER LOGISTIK', 'Müller Logistik GmbH', 'FORM_DROPPED'],
    ['a first name as its initial', 'J DUPONT', 'Jean Dupont', 'INITIALS'],
    ['an initial after the surname', 'DUPONT J', 'Jean Dupont', 'INITIALS'],
    ['two first names as initials', 'JP DUPONT', 'Jean-Pierre Dupont', 'INITIALS'],
    ['the name cut at 18 characters', 'CLINIQUE VETERINAI', 'Clinique Vétérinaire Saint-Roch SA', 'TRUNCATED'],
    ['the name cut inside its legal form', 'LE PETIT BISTROT EU', 'Le Petit Bistrot EURL', 'TRUNCATED'],
    ['the name cut into another legal form', 'ARCHITECTES ASSOCIES SA', 'Architectes Associés SARL', 'TRUNCATED'],
    ['the name cut after the legal form was moved', 'SARL LE PETIT BISTR', 'Le Petit Bistrot SARL', 'TRUNCATED'],
    ['a typo', 'BOULANGERIE DUPOND', 'Boulangerie Dupont', 'SIMILAR'],
    ['another legal form', 'DATA SUD EURL', 'Data Sud SAS', 'OTHER_FORM'],
    ['another company', 'GARAGE MARTIN', 'Pharmacie Centrale', 'NONE'],
  ])('grades %s', (_, bank, customer, expected) => {
    expect(compare(bank, customer)).toBe(expected);
    expect(compare(customer, bank)).toBe(expected);
  });

  it('reads only names from a cut upwards as the same party', () => {
    expect(['SAME', 'FORM_DROPPED', 'INITIALS', 'TRUNCATED'].every((match) => isSameParty(match as NameMatch))).toBe(
      true,
    );
    expect(['SIMILAR', 'OTHER_FORM', 'NONE'].some((match) => isSameParty(match as NameMatch))).toBe(false);
  });

  it('does not take a short name for a cut one ("GARAGE M" says too little)', () => {
    expect(compare('GARAGE M', 'Garage Martin')).not.toBe('TRUNCATED');
  });

  it('does not read initials alone as a name (an acronym could stand for anyone)', () => {
    expect(compare('SGN', 'Société Générale de Nettoyage')).toBe('NONE');
  });
});
