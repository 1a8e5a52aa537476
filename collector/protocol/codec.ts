import { Packr, Unpackr, type Options } from "msgpackr";

/** One options object for both directions; the script's own encoder writes plain maps, so no records. */
const MSGPACK_OPTIONS: Options = { useRecords: false, mapsAsObjects: true, int64AsType: "number" };

const packr = new Packr(MSGPACK_OPTIONS);
const unpackr = new Unpackr(MSGPACK_OPTIONS);

export const encodeFrame = (frame: unknown): Buffer => packr.pack(frame);

/** Decodes one frame; malformed input throws, and the caller turns that into a refused frame. */
export const decodeFrame = (bytes: Uint8Array): unknown => unpackr.unpack(bytes);
