/**
 * A tiny msgpack encoder and decoder for the stream's frames, so the script does not carry msgpackr
 * (11 KB gzipped). It reads and writes what msgpackr does with `useRecords: false`: nil, booleans,
 * integers up to 32 bits (larger ones as float64), float64, UTF-8 strings, Uint8Array as bin,
 * arrays and string-keyed maps. Undefined map values are skipped. Nothing runs at import time.
 */

export type MsgpackValue =
  | null
  | undefined
  | boolean
  | number
  | string
  | Uint8Array
  | MsgpackValue[]
  | { [key: string]: MsgpackValue };

const TWO_POW_32 = 4294967296;

/** Encodes `value` as one msgpack item. Throws on values msgpack cannot carry (functions, bigint, symbols). */
export function encode(value: unknown): Uint8Array<ArrayBuffer> {
  const out: number[] = [];
  const float = new DataView(new ArrayBuffer(8));
  const textEncoder = new TextEncoder();

  /** Pushes `value` big-endian in `byteCount` bytes (two's complement for negatives). */
  const uint = (value: number, byteCount: number): void => {
    for (let i = byteCount - 1; i >= 0; i--) out.push((value >>> (i * 8)) & 255);
  };
  /** A length header: fix form below `fixLimit` (when `fixTag` >= 0), then 8 (when `tag8` > 0), 16 and 32 bits. */
  const header = (length: number, fixTag: number, fixLimit: number, tag8: number, tag16: number): void => {
    if (length < fixLimit) out.push(fixTag | length);
    else if (tag8 && length < 256) out.push(tag8, length);
    else if (length < 65536) out.push(tag16), uint(length, 2);
    else out.push(tag16 + 1), uint(length, 4);
  };
  const bytes = (data: Uint8Array): void => {
    for (let i = 0; i < data.length; i++) out.push(data[i]!);
  };

  const write = (value: unknown): void => {
    if (value == null) {
      out.push(0xc0);
    } else if (typeof value === "boolean") {
      out.push(value ? 0xc3 : 0xc2);
    } else if (typeof value === "number") {
      if (value >>> 0 === value) {
        if (value < 128) out.push(value);
        else if (value < 256) out.push(0xcc, value);
        else if (value < 65536) out.push(0xcd), uint(value, 2);
        else out.push(0xce), uint(value, 4);
      } else if (value >> 0 === value) {
        if (value >= -32) out.push(value & 255);
        else if (value >= -128) out.push(0xd0, value & 255);
        else if (value >= -32768) out.push(0xd1), uint(value, 2);
        else out.push(0xd2), uint(value, 4);
      } else {
        float.setFloat64(0, value);
        out.push(0xcb);
        bytes(new Uint8Array(float.buffer));
      }
    } else if (typeof value === "string") {
      const data = textEncoder.encode(value);
      header(data.length, 0xa0, 32, 0xd9, 0xda);
      bytes(data);
    } else if (value instanceof Uint8Array) {
      header(value.length, 0, 0, 0xc4, 0xc5);
      bytes(value);
    } else if (Array.isArray(value)) {
      header(value.length, 0x90, 16, 0, 0xdc);
      for (const item of value) write(item);
    } else if (typeof value === "object") {
      const entries = Object.entries(value).filter((entry) => entry[1] !== undefined);
      header(entries.length, 0x80, 16, 0, 0xde);
      for (const [key, item] of entries) write(key), write(item);
    } else {
      throw new TypeError("msgpack: cannot encode " + typeof value);
    }
  };

  write(value);
  return new Uint8Array(out);
}

/** Decodes one msgpack item that fills `data` exactly. Throws on truncated input, trailing bytes or unsupported types. */
export function decode(data: Uint8Array): MsgpackValue {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const textDecoder = new TextDecoder();
  let position = 0;

  /** Advances past `byteCount` bytes and returns where they start. DataView throws RangeError past the end. */
  const take = (byteCount: number): number => {
    const start = position;
    position += byteCount;
    if (position > data.length) throw new RangeError("msgpack: truncated");
    return start;
  };
  const u8 = (): number => view.getUint8(take(1));
  const u16 = (): number => view.getUint16(take(2));
  const u32 = (): number => view.getUint32(take(4));
  const str = (length: number): string => textDecoder.decode(data.subarray(take(length), position));
  // A copy, never a view: Buffer's slice() would share memory.
  const bin = (length: number): Uint8Array => new Uint8Array(data.subarray(take(length), position));
  const array = (length: number): MsgpackValue[] => {
    const items: MsgpackValue[] = [];
    for (let i = 0; i < length; i++) items.push(read());
    return items;
  };
  const map = (length: number): { [key: string]: MsgpackValue } => {
    const result: { [key: string]: MsgpackValue } = {};
    for (let i = 0; i < length; i++) {
      const key = String(read());
      const value = read();
      if (key !== "__proto__") result[key] = value;
    }
    return result;
  };

  const read = (): MsgpackValue => {
    const tag = u8();
    if (tag < 0x80) return tag;
    if (tag < 0x90) return map(tag & 0x0f);
    if (tag < 0xa0) return array(tag & 0x0f);
    if (tag < 0xc0) return str(tag & 0x1f);
    if (tag >= 0xe0) return tag - 256;
    switch (tag) {
      case 0xc0: return null;
      case 0xc2: return false;
      case 0xc3: return true;
      case 0xc4: return bin(u8());
      case 0xc5: return bin(u16());
      case 0xc6: return bin(u32());
      case 0xca: return view.getFloat32(take(4));
      case 0xcb: return view.getFloat64(take(8));
      case 0xcc: return u8();
      case 0xcd: return u16();
      case 0xce: return u32();
      case 0xcf: return u32() * TWO_POW_32 + u32();
      case 0xd0: return view.getInt8(take(1));
      case 0xd1: return view.getInt16(take(2));
      case 0xd2: return view.getInt32(take(4));
      case 0xd3: return view.getInt32(take(4)) * TWO_POW_32 + u32();
      // msgpackr writes undefined as fixext1 of type 0 with data 0.
      case 0xd4: if (u8() === 0 && u8() === 0) return undefined; break;
      case 0xd9: return str(u8());
      case 0xda: return str(u16());
      case 0xdb: return str(u32());
      case 0xdc: return array(u16());
      case 0xdd: return array(u32());
      case 0xde: return map(u16());
      case 0xdf: return map(u32());
    }
    throw new TypeError("msgpack: unsupported type 0x" + tag.toString(16));
  };

  const value = read();
  if (position !== data.length) throw new RangeError("msgpack: trailing bytes");
  return value;
}
