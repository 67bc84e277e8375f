/** The protocol modules against the digest's vectors (shared/domain/hj212.md §1.3, §1.5, §2, §6.3, §7). */
import { describe, expect, it } from 'vitest';
import { crcHex, hj212Crc16, matchCrc, modbusCrc16 } from '../../services/ingest/hj212/crc.js';
import { FrameSplitter, type FrameEvent } from '../../services/ingest/hj212/framing.js';
import { parseDataArea, parseSegment } from '../../services/ingest/hj212/packet.js';
import { dataAck, notificationAck, requestAck } from '../../services/ingest/hj212/replies.js';
import { decryptArea, encryptArea, parseSm4Key } from '../../services/ingest/hj212/sm4.js';
import { readFlag } from '../../services/ingest/hj212/versions.js';
import { areaToRows } from '../../services/ingest/hj212/to-rows.js';
import type { Device } from '../../services/ingest/hj212/device-cache.js';
import { ACK, MN, V, wire } from './vectors.js';

const seg = (packet: string) => Buffer.from(packet.slice(6, -4), 'utf8');
const frames = (events: FrameEvent[]) => events.flatMap((e) => (e.kind === 'frame' ? [e.frame] : []));
const TEST_KEY = parseSm4Key('0000000000000000');

describe('CRC', () => {
  it('reproduces the standard worked examples (1C80, 2200) and not MODBUS', () => {
    const a =
      'QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&';
    expect(crcHex(hj212Crc16(Buffer.from(a)))).toBe('1C80');
    expect(crcHex(modbusCrc16(Buffer.from(a)))).toBe('0759');
    expect(crcHex(hj212Crc16(seg(V.V6)))).toBe('2200');
    expect(crcHex(modbusCrc16(Buffer.from('123456789')))).toBe('4B37');
  });

  it('the table-driven CRCs equal the bit-by-bit definitions on every byte value and random segments', () => {
    // The definitions as the standard's Appendix A and MODBUS state them, one bit at a time.
    const bitwise = (data: Uint8Array, mix: (reg: number, b: number) => number) => {
      let reg = 0xffff;
      for (const b of data) {
        reg = mix(reg, b);
        for (let i = 0; i < 8; i++) reg = reg & 1 ? (reg >>> 1) ^ 0xa001 : reg >>> 1;
      }
      return reg;
    };
    const standard = (d: Uint8Array) => bitwise(d, (reg, b) => (reg >>> 8) ^ b);
    const modbus = (d: Uint8Array) => bitwise(d, (reg, b) => reg ^ b);
    let seed = 212;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256;
    const samples = [Uint8Array.from({ length: 256 }, (_, i) => i)];
    for (let n = 0; n < 200; n++) samples.push(Uint8Array.from({ length: 1 + (n % 97) }, rand));
    for (const d of samples) {
      expect(hj212Crc16(d)).toBe(standard(d));
      expect(modbusCrc16(d)).toBe(modbus(d));
    }
  });

  it('verifies every clear valid vector with the standard variant, the UTF-8 log one included', () => {
    for (const [name, p] of Object.entries(V)) {
      if (name === 'V8' || name.startsWith('X')) continue;
      expect(matchCrc(seg(p), p.slice(-4)), name).toBe('standard');
    }
    expect(matchCrc(seg(V.V1), '81c1')).toBe('standard'); // lower case accepted
  });

  it('fails X1 and reads X2 (F135) as CRC-16/MODBUS', () => {
    expect(matchCrc(seg(V.X1), '81C1')).toBeNull();
    expect(crcHex(hj212Crc16(seg(V.X1)))).toBe('4380');
    expect(matchCrc(seg(V.V1), 'F135')).toBe('modbus');
  });
});

describe('framing', () => {
  it('frames a packet delivered one byte at a time', () => {
    const s = new FrameSplitter();
    const bytes = wire(V.V11); // 152 bytes of UTF-8, 144 characters
    const got = [];
    for (const b of bytes) got.push(...frames(s.push(Buffer.from([b])).events));
    expect(got).toHaveLength(1);
    expect(got[0]!.declaredLength).toBe(152);
    expect(got[0]!.lengthMatches).toBe(true);
    expect(got[0]!.segment.toString('utf8')).toContain('//清洗管路//');
    expect(s.pending).toBe(0);
  });

  it('frames 50 packets in one write', () => {
    const s = new FrameSplitter();
    const all = Buffer.concat(Array.from({ length: 50 }, (_, i) => wire(i % 2 ? V.V2 : V.V1)));
    const got = frames(s.push(all).events);
    expect(got).toHaveLength(50);
    expect(got.every((f) => f.lengthMatches)).toBe(true);
  });

  it('X6: skips garbage between packets and counts it', () => {
    const s = new FrameSplitter();
    const input = Buffer.concat([
      Buffer.from('\x00\xffAT+CSQ\r\n', 'latin1'),
      wire(V.V2),
      Buffer.from('xyz#'),
      wire(V.V3),
    ]);
    const got = frames(s.push(input).events);
    expect(got.map((f) => f.crcText)).toEqual(['2A80', 'CB81']);
    expect(s.garbageBytes).toBe(14); // 10 bytes of modem chatter, then "xyz#"
  });

  it('X3: a wrong declared length is framed by its tail and marked as a mismatch', () => {
    const s = new FrameSplitter();
    const got = frames(s.push(wire(V.V1.replace('##0234', '##0233'))).events);
    expect(got).toHaveLength(1);
    expect(got[0]!.lengthMatches).toBe(false);
    expect(got[0]!.declaredLength).toBe(233);
  });

  it('X4: a packet without its tail is dropped and the next one read', () => {
    const s = new FrameSplitter();
    const { events } = s.push(Buffer.concat([Buffer.from(V.V1), wire(V.V2)]));
    expect(events.map((e) => e.kind)).toEqual(['unterminated', 'frame']);
    expect(frames(events)[0]!.crcText).toBe('2A80');
  });

  it('X8: an absurd length is refused at once, and endless garbage overflows the buffer', () => {
    const s = new FrameSplitter();
    const first = s.push(Buffer.from('##9999abc'));
    expect(first.events[0]).toMatchObject({ kind: 'oversize', declaredLength: 9999 });
    const flood = s.push(Buffer.concat([Buffer.from('##0500'), Buffer.alloc(70 * 1024, 0x41)]));
    expect(flood.events.map((e) => e.kind)).toContain('unterminated');
    expect(s.pending).toBeLessThan(64 * 1024);
  });

  it('frames the 2025 encrypted packet whose length field holds the plaintext length', () => {
    const got = frames(new FrameSplitter().push(wire(V.V8)).events);
    expect(got).toHaveLength(1);
    expect(got[0]!.declaredLength).toBe(234);
    expect(got[0]!.segment.length).toBe(811);
    expect(got[0]!.lengthMatches).toBe(false);
  });
});

describe('parsing and flags', () => {
  it('reads V1 as §7.3 says', () => {
    const p = parseSegment(seg(V.V1).toString());
    expect(p.header).toMatchObject({ st: '22', cn: '2061', mn: MN, flag: 5, pw: '123456' });
    expect(readFlag(p.header.flag)).toEqual({
      version: '2017',
      versionBits: 1,
      split: false,
      ackWanted: true,
    });
    const area = parseDataArea(p.area);
    expect(area.plain.get('DataTime')).toBe('20250315080000');
    expect(Object.fromEntries(area.factors.get('a34004')!)).toEqual({
      Avg: '35.2',
      Min: '28.1',
      Max: '41.0',
      Flag: 'N',
    });
    expect(Object.fromEntries(area.factors.get('a34002')!)).toEqual({
      Avg: '68.4',
      Min: '55.0',
      Max: '80.3',
      Flag: 'N',
    });
  });

  it('reads the edition from the version bits, not from bit 2 alone', () => {
    expect(readFlag(null)).toMatchObject({ version: '2005', ackWanted: false });
    expect(readFlag(1)).toMatchObject({ version: '2005', ackWanted: true });
    expect(readFlag(7)).toMatchObject({ version: '2017', split: true, ackWanted: true });
    expect(readFlag(8)).toMatchObject({ version: '2025', ackWanted: false });
    expect(readFlag(11)).toMatchObject({ version: '2025', split: true, ackWanted: true });
    expect(readFlag(12).version).toBeNull();
  });

  it('keeps EFlag apart from Flag and reports unknown suffixes (V3, V13)', () => {
    const v3 = parseDataArea(parseSegment(seg(V.V3).toString()).area);
    expect(v3.factors.get('w01018')!.get('Flag')).toBe('C');
    expect(v3.factors.get('w01018')!.get('EFlag')).toBe('A01');
    const v13 = parseDataArea(parseSegment(seg(V.V13).toString()).area);
    expect(v13.unknown).toEqual(['LA-td']);
    expect(v13.factors.get('a34004')!.get('Rtd')).toBe('207');
  });
});

describe('data area to rows', () => {
  const device: Device = {
    mn: MN,
    siteId: 'site_1',
    password: '123456',
    version: '2017',
    crcMode: 'standard',
    replyFormat: 'standard',
    key: null,
    factors: new Map(),
    expectedIntervalMs: 3600_000,
    zone: '+08:00',
    lengthLenient: false,
    enabled: true,
  };

  it('keeps -Flag and -EFlag as flags, and marks every letter but N invalid', () => {
    const area =
      'DataTime=20260110120000;a34004-Avg=35,a34004-Flag=N;a34002-Avg=70,a34002-Flag=F,a34002-EFlag=E3;' +
      'a21026-Avg=9,a21026-EFlag=E1;a21004-Avg=30,a21004-Flag=N,a21004-EFlag=E2;a21005-Avg=0.8';
    const { rows } = areaToRows(area, '2061', device, () => 'hour');
    expect(Object.fromEntries(rows.map((r) => [r.metric, r.flags]))).toEqual({
      pm25: 'hj212:N',
      pm10: 'hj212:F;hj212e:E3;invalid',
      so2: 'hj212e:E1',
      no2: 'hj212:N;hj212e:E2',
      co: null,
    });
  });
});

describe('SM4 and replies', () => {
  it('decrypts the standard App. A.2 example; its CRC B541 is that of the plaintext', () => {
    const p = parseSegment(seg(V.V8).toString());
    const plain = decryptArea(p.area, TEST_KEY);
    expect(plain).toBe(
      'DataTime=20240520210600;a01011-Min=1.35,a01011-Avg=1.35,a01011-Max=1.35,a01011-Flag=N;a01014-Min=3.20,a01014-Avg=3.20,a01014-Max=3.20,a01014-Flag=N',
    );
    const clear = Buffer.from(`${p.prefix}${plain}&&`);
    expect(clear.length).toBe(234);
    expect(crcHex(hj212Crc16(clear))).toBe('B541');
    expect(encryptArea(plain, TEST_KEY)).toBe(p.area); // and back, byte for byte
  });

  it('builds the 9014 and 9013 replies of §7.1 exactly', () => {
    const reply = (packet: string, version: '2017' | '2025', kind: 'data' | 'note') => {
      const header = parseSegment(seg(packet).toString()).header;
      const input = { header, version, format: 'standard' as const, variant: 'standard' as const };
      return (kind === 'data' ? dataAck(input) : notificationAck(input)).toString();
    };
    expect(reply(V.V1, '2017', 'data')).toBe(`${ACK.V1}\r\n`);
    expect(reply(V.V4b, '2017', 'data')).toBe(`${ACK.V4b}\r\n`);
    expect(reply(V.V9, '2025', 'data')).toBe(`${ACK.V9}\r\n`);
    expect(reply(V.V10, '2025', 'note')).toBe(`${ACK.V10}\r\n`);
    const v5b = parseSegment(seg(V.V5b).toString()).header;
    expect(dataAck({ header: v5b, version: '2005', format: '2005', variant: 'standard' }).toString()).toMatch(
      /^##\d{4}ST=91;CN=9014;CP=&&QN=20060101120000001;CN=2011&&[0-9A-F]{4}\r\n$/,
    );
  });

  it('builds the 9011 request answer of §7.1 V12 exactly (QnRtn in CP, CRC 5D80), and the 2005 form of §4.6', () => {
    const header = parseSegment(seg(V.V12).toString()).header;
    const input = {
      header,
      version: '2017' as const,
      format: 'standard' as const,
      variant: 'standard' as const,
    };
    expect(requestAck(input, 1).toString()).toBe(
      '##0094QN=20250315100000001;ST=91;CN=9011;PW=123456;MN=010000A8900016F000169DC0;Flag=4;CP=&&QnRtn=1&&5D80\r\n',
    );
    const old = parseSegment(
      'QN=20040516010101001;ST=32;CN=1012;PW=123456;MN=88888880000001;Flag=1;CP=&&SystemTime=20040516010101&&',
    ).header;
    expect(
      requestAck({ header: old, version: '2005', format: '2005', variant: 'standard' }, 1).toString(),
    ).toMatch(
      /^##\d{4}ST=91;CN=9011;PW=123456;MN=88888880000001;Flag=0;CP=&&QN=20040516010101001;QnRtn=1&&[0-9A-F]{4}\r\n$/,
    );
  });
});
