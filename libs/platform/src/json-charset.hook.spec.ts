import { nonUtf8JsonCharset } from './json-charset.hook';

describe(nonUtf8JsonCharset.name, () => {
  it('names a non-UTF-8 charset declared on a JSON body', () => {
    expect(nonUtf8JsonCharset('application/json; charset=utf-16')).toBe('utf-16');
    expect(nonUtf8JsonCharset('application/json;charset=ISO-8859-1')).toBe('iso-8859-1');
    expect(nonUtf8JsonCharset('Application/JSON; Charset="latin1"')).toBe('latin1');
    expect(nonUtf8JsonCharset('application/problem+json; charset=utf-16le')).toBe('utf-16le');
    expect(nonUtf8JsonCharset('application/json; charset=utf-8; charset=utf-16')).toBe('utf-16');
  });

  it('lets UTF-8, no charset and non-JSON types through', () => {
    for (const type of ['application/json', 'application/json; charset=utf-8', 'application/json; charset=UTF-8', 'application/json;charset="utf8"', 'text/plain; charset=latin1', 'application/jsonx; charset=utf-16']) {
      expect(nonUtf8JsonCharset(type)).toBeNull();
    }
  });
});
