// Registers snappy, lz4 and zstd with kafkajs (which ships only gzip), using the protocol
// package's codecs; librdkafka and the Python clients cross-check those codecs independently.
import { CompressionType, compress, decompress } from "@streambed/protocol/records";

interface KafkajsEncoder {
  buffer: Buffer;
}

type Codecs = Record<
  number,
  () => { compress(encoder: KafkajsEncoder): Promise<Buffer>; decompress(buffer: Buffer): Promise<Buffer> }
>;

export function registerKafkajsCodecs(codecs: Codecs): void {
  for (const type of [CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd]) {
    codecs[type] = () => ({
      compress: (encoder) => compress(type, encoder.buffer),
      decompress: (buffer) => decompress(type, buffer),
    });
  }
}
