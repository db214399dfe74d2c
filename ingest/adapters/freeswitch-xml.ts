import { XMLParser } from 'fast-xml-parser';
import { CallwatchError } from '../../core/errors.ts';
import { freeswitchDocumentText } from './freeswitch-json.ts';

/**
 * FreeSWITCH mod_xml_cdr (switch_ivr_generate_xml_cdr): one call per POST to `<url>?uuid=<uuid>`,
 *
 *   <cdr core-uuid="…" switchname="…">
 *     <channel_data><state>…</state><direction>inbound</direction>…</channel_data>
 *     <variables><uuid>…</uuid><start_uepoch>…</start_uepoch>…</variables>   (values always URL-encoded)
 *     <app_log>…</app_log> <hold-record>…</hold-record>
 *     <callflow dialplan="XML" unique-id="…" profile_index="1">
 *       <extension …/> <caller_profile><caller_id_number>…</caller_id_number><destination_number>…</destination_number>…</caller_profile>
 *       <times><created_time>µs</created_time>…</times>
 *     </callflow>  (one per caller profile)
 *   </cdr>
 *
 * read into the mod_json_cdr shape ({ channel_data, variables, callflow: [{ profile_index, caller_profile }] })
 * so one mapping (adaptFreeswitchCdr) serves both modules.
 */

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  isArray: (name, jpath) => jpath === 'cdr.callflow' || name === 'callflow',
});

/** The mod_xml_cdr document in a body (any of the module's `encode` modes) as a mod_json_cdr-shaped object. */
export function decodeFreeswitchXmlBody(mediaType: string, body: string): unknown {
  const xml = freeswitchDocumentText(mediaType, body);
  // No DTDs: entity definitions are the classic expansion bomb, and FreeSWITCH never writes one.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new CallwatchError('CW_ERR_INGEST_MALFORMED_BODY', 'XML with a DTD is refused', { format: 'freeswitch-xml' });
  let doc: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- the validating parse is the installed well-formedness check (fast-xml-validator is not a dependency)
    doc = parser.parse(xml, true);
  } catch {
    throw new CallwatchError('CW_ERR_INGEST_MALFORMED_BODY', 'not well-formed XML', { format: 'freeswitch-xml' });
  }
  const cdr = typeof doc === 'object' && doc !== null ? (doc as { cdr?: unknown }).cdr : undefined;
  if (typeof cdr !== 'object' || cdr === null || Array.isArray(cdr)) {
    throw new CallwatchError('CW_ERR_INGEST_MALFORMED_BODY', 'XML without a <cdr> root element', { format: 'freeswitch-xml' });
  }
  // <variables/> or <channel_data/> when empty parse as '': leave them to the adapter's "required".
  return cdr;
}

/** Whether a body's text is XML rather than JSON (mod_xml_cdr and mod_json_cdr share media types). */
export function looksLikeXml(text: string): boolean {
  return /^\s*</.test(text);
}
