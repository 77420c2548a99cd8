/**
 * Zone files for BIND, from the records of world.ts. Every zone shares one SOA shape whose
 * minimum (the negative-caching TTL, RFC 2308) is short, so NXDOMAIN/NODATA answers age quickly.
 */
import { DNSBL, PTR_RECORDS, RECORDS, bulkRecords, type ZoneRecord } from './world.ts';

const NEGATIVE_TTL_S = 30;
const DEFAULT_TTL_S = 60;
const NAMESERVER = 'ns.test';
const NAMESERVER_ADDRESS = '127.0.0.1';

export interface ZoneFile {
  origin: string;
  fileName: string;
  text: string;
}

function absolute(name: string): string {
  return name === '.' || name.endsWith('.') ? name : `${name}.`;
}

/** Record data with its domain names made absolute; A, AAAA and TXT data are not names. */
function rdata(record: ZoneRecord): string {
  switch (record.type) {
    case 'MX': {
      const [preference, exchange] = record.value.split(/\s+/);
      return `${preference} ${absolute(exchange ?? '.')}`;
    }
    case 'CNAME':
    case 'PTR':
    case 'NS':
      return absolute(record.value);
    default:
      return record.value;
  }
}

function line(record: ZoneRecord): string {
  const ttl = record.ttl ?? DEFAULT_TTL_S;
  return `${absolute(record.name)}\t${ttl}\tIN\t${record.type}\t${rdata(record)}`;
}

function zone(origin: string, records: ZoneRecord[]): ZoneFile {
  const apex = absolute(origin);
  const header = [
    `$TTL ${DEFAULT_TTL_S}`,
    `${apex}\t${DEFAULT_TTL_S}\tIN\tSOA\t${absolute(NAMESERVER)} hostmaster.${apex} 1 3600 600 86400 ${NEGATIVE_TTL_S}`,
    `${apex}\t${DEFAULT_TTL_S}\tIN\tNS\t${absolute(NAMESERVER)}`,
  ];
  return { origin, fileName: `${origin}.zone`, text: [...header, ...records.map(line), ''].join('\n') };
}

export function renderZones(): ZoneFile[] {
  const delegations: ZoneRecord[] = [DNSBL.listed, DNSBL.clean].map((name) => ({ name, type: 'NS', value: NAMESERVER }));
  const test = zone('test', [
    { name: NAMESERVER, type: 'A', value: NAMESERVER_ADDRESS },
    ...delegations,
    ...RECORDS,
    ...bulkRecords(),
  ]);
  const reverse = zone('127.in-addr.arpa', PTR_RECORDS);
  const listed = zone(DNSBL.listed, [
    { name: `1.0.0.127.${DNSBL.listed}`, type: 'A', value: '127.0.0.2' },
    { name: `1.0.0.127.${DNSBL.listed}`, type: 'TXT', value: '"127.0.0.1 is listed by the BounceZero test world"' },
  ]);
  const clean = zone(DNSBL.clean, []);
  return [test, reverse, listed, clean];
}
