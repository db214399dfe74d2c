// What FreeSWITCH's switch_url_encode (switch_utils.c) makes of text, for building the exact bodies
// mod_json_cdr / mod_xml_cdr send with encode=true and the variables they send with encode-values:
// printable ASCII is kept except space and \r\n"#%&+:;<=>?@[\\]^`{|}; every other byte becomes %XX.
const ESCAPED = new Set(' \r\n"#%&+:;<=>?@[\\]^`{|}');

export function switchUrlEncode(text: string): string {
  const keep = (b: number): boolean => b > 0x20 && b < 0x7f && !ESCAPED.has(String.fromCharCode(b));
  return [...Buffer.from(text, 'utf8')].map((b) => (keep(b) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}
