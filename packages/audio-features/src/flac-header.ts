/** The fields of a FLAC STREAMINFO block that decoding and `readAudioInfo` need. */
export interface FlacStreamInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Total samples per channel; 0 means "unknown" in the stream. */
  totalSamples: number;
  /** MD5 of the unencoded audio (16 bytes); all zero when the encoder did not compute it. */
  md5: Uint8Array;
  /** Byte offset just past the STREAMINFO block. */
  end: number;
}

/** Length of an ID3v2 tag at `offset` (some tools prepend one to FLAC files), 0 when there is none. */
export function id3v2Length(bytes: Uint8Array, offset = 0): number {
  if (bytes.length < offset + 10 || bytes[offset] !== 0x49 || bytes[offset + 1] !== 0x44 || bytes[offset + 2] !== 0x33) return 0;
  const size = ((bytes[offset + 6] & 0x7f) << 21) | ((bytes[offset + 7] & 0x7f) << 14) | ((bytes[offset + 8] & 0x7f) << 7) | (bytes[offset + 9] & 0x7f);
  return 10 + size + (bytes[offset + 5] & 0x10 ? 10 : 0);
}

/**
 * Parses the mandatory first metadata block (STREAMINFO) of a FLAC stream starting at `offset`
 * (which points at "fLaC"); returns a string describing the problem when it is malformed.
 */
export function parseFlacStreamInfo(bytes: Uint8Array, offset = 0): FlacStreamInfo | string {
  const b = offset + 4;
  if (bytes.length < b + 4 + 34) return `too short for a FLAC STREAMINFO block (${bytes.length - offset} bytes)`;
  const type = bytes[b] & 0x7f;
  const len = (bytes[b + 1] << 16) | (bytes[b + 2] << 8) | bytes[b + 3];
  if (type !== 0 || len < 34) return `first FLAC metadata block is not a valid STREAMINFO (type ${type}, length ${len})`;
  const s = b + 4;
  const sampleRate = (bytes[s + 10] << 12) | (bytes[s + 11] << 4) | (bytes[s + 12] >> 4);
  const channels = ((bytes[s + 12] >> 1) & 0x07) + 1;
  const bitsPerSample = (((bytes[s + 12] & 0x01) << 4) | (bytes[s + 13] >> 4)) + 1;
  const totalSamples = (bytes[s + 13] & 0x0f) * 2 ** 32 + ((bytes[s + 14] << 24) >>> 0) + (bytes[s + 15] << 16) + (bytes[s + 16] << 8) + bytes[s + 17];
  if (sampleRate === 0) return 'FLAC STREAMINFO declares sample rate 0';
  return { sampleRate, channels, bitsPerSample, totalSamples, md5: bytes.slice(s + 18, s + 34), end: s + len };
}
